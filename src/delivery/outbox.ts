/**
 * delivery/outbox: the transactional outbox for email. A row is written in the same transaction as the
 * state change that asks for the email (confirmation requested, batch confirmed), before any send is tried;
 * the worker (outbox-worker.ts) claims due rows with a lease, sends, and records the outcome. A worker that
 * dies mid-send leaves its row in 'sending' with a lease that expires; the next claim takes it again.
 *
 * States: queued -> sending -> sent | queued (temporary failure, back-off) | failed (permanent, or out of
 * attempts). Every state change after the claim is guarded by `lease_owner = <this worker>`, so a stale
 * worker whose lease was taken over cannot overwrite the new owner's outcome.
 */
import { sql, type UpdateObject } from 'kysely';
import { newId } from '../platform/ids';
import { requeueFailedLetters } from '../letters/letter-store';
import { inWriteTransaction, type Storage } from '../storage/database';
import type { Database, Db, OutboxKind, OutboxTable } from '../storage/schema';

export type OutboxRow = OutboxTable;

/** Reasons stored in `last_error` and `letters.status_reason` are short codes without personal data. */
const MAX_REASON = 200;

export function shortReason(reason: string): string {
  return reason.replace(/[^\x20-\x7E]/g, ' ').slice(0, MAX_REASON);
}

/** Wakes the outbox worker after an enqueue. Only an optimisation: the worker polls anyway. */
export function wakeWorker(wake: (() => void) | undefined): void {
  try {
    wake?.();
  } catch {
    // The next poll sends what the wake-up would have.
  }
}

export interface EnqueueInput {
  kind: OutboxKind;
  batchId: string;
  letterId: string | null;
  /** When the row becomes due; usually now. */
  at: Date;
  /** Pre-chosen id (the confirmation email derives its token from it); default a new random id. */
  id?: string;
}

/** Writes queued messages in one INSERT; call inside the transaction that makes the emails necessary. */
export async function enqueueMessages(db: Db, inputs: EnqueueInput[]): Promise<string[]> {
  const rows = inputs.map((input) => {
    const at = input.at.toISOString();
    return {
      id: input.id ?? newId(),
      kind: input.kind,
      letter_id: input.letterId,
      batch_id: input.batchId,
      status: 'queued' as const,
      attempts: 0,
      next_attempt_at: at,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_at: at,
      sent_at: null,
    };
  });
  if (rows.length > 0) await db.insertInto('outbox').values(rows).execute();
  return rows.map((row) => row.id);
}

/** Writes one queued message; returns its id. */
export async function enqueueMessage(db: Db, input: EnqueueInput): Promise<string> {
  return (await enqueueMessages(db, [input]))[0]!;
}

/**
 * Claims up to `limit` due messages for `workerId`, each claim counting as an attempt, in this order:
 * 1. rows left in 'sending' by a worker whose lease expired (it crashed or hung): they waited longest;
 * 2. confirmation emails: a person is waiting for the link with their inbox open, while letters to offices
 *    and copies can wait the minute a launch's backlog takes;
 * 3. every other due row, oldest first.
 * Each step takes at most `limit` rows in due order, through the index on (status, kind,
 * next_attempt_at). The picks and the UPDATE run in one transaction: on PostgreSQL the picks lock
 * their rows (`FOR UPDATE SKIP LOCKED`), so concurrent workers never claim the same row; SQLite has one
 * writer at a time.
 */
export async function claimDueMessages(
  storage: Storage,
  workerId: string,
  limit: number,
  now: Date,
  leaseMs: number,
): Promise<OutboxRow[]> {
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  return inWriteTransaction(storage, async (db) => {
    const due = () => db.selectFrom('outbox').select('id');
    const picks = [
      due()
        .where('status', '=', 'sending')
        .where('lease_expires_at', '<', nowIso)
        .orderBy('lease_expires_at'),
      due()
        .where('status', '=', 'queued')
        .where('kind', '=', 'confirmation')
        .where('next_attempt_at', '<=', nowIso)
        .orderBy('next_attempt_at'),
      due().where('status', '=', 'queued').where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at'),
    ];
    const ids: string[] = [];
    for (let pick of picks) {
      if (ids.length >= limit) break;
      if (ids.length > 0) pick = pick.where('id', 'not in', ids);
      pick = pick.orderBy('id').limit(limit - ids.length);
      // PostgreSQL instances skip each other's claimed rows; SQLite has one writer anyway.
      if (storage.kind === 'postgres') pick = pick.forUpdate().skipLocked();
      ids.push(...(await pick.execute()).map((row) => row.id));
    }
    if (ids.length === 0) return [];
    const rows = await db
      .updateTable('outbox')
      .set({
        status: 'sending',
        lease_owner: workerId,
        lease_expires_at: leaseUntil,
        attempts: sql<number>`attempts + 1`,
      })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.sort((x, y) => ids.indexOf(x.id) - ids.indexOf(y.id));
  });
}

/**
 * Applies an outcome to claimed messages this worker still owns, freeing their lease; how many changed.
 * A worker whose lease was taken over (it hung past it) changes nothing.
 */
async function settleClaims(
  db: Db,
  ids: string[],
  workerId: string,
  outcome: UpdateObject<Database, 'outbox'>,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ lease_owner: null, lease_expires_at: null, ...outcome })
    .where('id', 'in', ids)
    .where('lease_owner', '=', workerId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks a claimed message sent; false when this worker no longer owns it (its lease was taken over). */
export async function markSent(db: Db, id: string, workerId: string, at: Date): Promise<boolean> {
  const outcome = { status: 'sent', sent_at: at.toISOString(), last_error: null } as const;
  return (await settleClaims(db, [id], workerId, outcome)) > 0;
}

/**
 * Puts a claimed message back in the queue for `nextAttemptAt`; false when this worker lost the lease.
 * `countAttempt: false` (a held message) hands the claim's attempt back.
 */
export async function markRetry(
  db: Db,
  id: string,
  workerId: string,
  nextAttemptAt: Date,
  reason: string,
  countAttempt: boolean,
): Promise<boolean> {
  const outcome = {
    status: 'queued',
    next_attempt_at: nextAttemptAt.toISOString(),
    last_error: shortReason(reason),
    ...(countAttempt ? {} : { attempts: sql<number>`attempts - 1` }),
  } as const;
  return (await settleClaims(db, [id], workerId, outcome)) > 0;
}

/** Gives up on a claimed message; false when this worker lost the lease. */
export async function markFailed(db: Db, id: string, workerId: string, reason: string): Promise<boolean> {
  return (await settleClaims(db, [id], workerId, { status: 'failed', last_error: shortReason(reason) })) > 0;
}

/**
 * Hands claimed-but-unsent messages back at shutdown: queued again, due now, and the claim is not counted
 * as an attempt. Only rows this worker still owns.
 */
export async function releaseClaims(db: Db, ids: string[], workerId: string, now: Date): Promise<number> {
  const attempts = sql<number>`attempts - 1`;
  return settleClaims(db, ids, workerId, { status: 'queued', next_attempt_at: now.toISOString(), attempts });
}

/**
 * Operator action: queues failed messages again (after fixing SMTP credentials, say), attempts reset.
 * Returns how many rows were re-queued. Letters that failed go back to 'queued' with them.
 */
export async function requeueFailed(
  storage: Storage,
  now: Date,
  where: { batchId?: string } = {},
): Promise<number> {
  return inWriteTransaction(storage, async (db) => {
    let query = db
      .updateTable('outbox')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now.toISOString(), last_error: null })
      .where('status', '=', 'failed');
    if (where.batchId) query = query.where('batch_id', '=', where.batchId);
    const rows = await query.returning(['letter_id', 'kind']).execute();
    const letterIds = rows.flatMap((r) => (r.kind === 'office' && r.letter_id ? [r.letter_id] : []));
    await requeueFailedLetters(db, letterIds, now.toISOString());
    return rows.length;
  });
}

export interface BackoffPolicy {
  /** Delay after the first failed attempt; doubles each attempt. Default 30 s. */
  baseMs: number;
  /** Upper bound of one delay. Default 1 h. */
  capMs: number;
  /** 0..1: the delay is reduced by up to this fraction at random, so retries of many rows spread out. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 3_600_000, jitter: 0.2 };

/**
 * Delay before the next attempt after `attempts` attempts failed (attempts >= 1):
 * min(base * 2^(attempts-1), cap), minus up to `jitter` of it. 30 s, 1 min, 2 min, ... 32 min, 1 h, 1 h.
 */
export function backoffDelay(
  attempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const raw = Math.min(policy.baseMs * 2 ** exponent, policy.capMs);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.max(0, Math.round(raw * (1 - jitter * random())));
}

/**
 * The attempts whose delays, each shortened by the most jitter can take, add up to at least `spanMs`:
 * so many attempts are sure to keep a message trying for that long.
 */
export function attemptsToCover(spanMs: number, policy: BackoffPolicy): number {
  let covered = 0;
  let attempts = 1;
  while (covered < spanMs && attempts < 1000) {
    covered += backoffDelay(attempts, policy, () => 1);
    attempts++;
  }
  return attempts;
}

export async function findOutboxByBatch(db: Db, batchId: string): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
