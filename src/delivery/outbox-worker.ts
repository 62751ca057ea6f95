/**
 * delivery/outbox-worker: sends what the outbox holds. Each round claims due rows (with a lease), reads
 * each row's letter once (for the hold check, the rendering and the outcome), renders the message, sends it
 * through the mail transport and records the outcome in one transaction: for the copy to the office that
 * also marks the letter sent and counts the 'emailed' action.
 *
 * Crash safety: a row is only ever 'sent' after the SMTP server accepted it. A worker killed between the
 * server's acceptance and our commit leaves the row 'sending'; when its lease expires another worker sends
 * it again with the same Message-ID (`<outbox-id@host>`), so the one possible duplicate is recognisable.
 * Logs carry outbox ids, kinds, attempts and reason codes: never addresses, names or letter text, and not
 * the batch or letter ids either (those are capabilities that open a person's letters).
 */
import type { Clock } from '../platform/clock';
import { newId } from '../platform/ids';
import { inWriteTransaction, type Storage } from '../storage/database';
import type { OutboxKind } from '../storage/schema';
import { actionFor } from '../tracking/actions';
import type { RecordAction } from '../tracking/record-action';
import { findLetter, noteQueuedReason, setLetterStatus, type LetterRow } from '../letters/letter-store';
import { DeliveryError, PermanentDeliveryError, type MailTransport, type OutgoingMail } from './mailer';
import {
  backoffDelay,
  enqueueMessage,
  claimDueMessages,
  DEFAULT_BACKOFF,
  markFailed,
  markRetry,
  markSent,
  releaseClaims,
  shortReason,
  type BackoffPolicy,
  type OutboxRow,
} from './outbox';

export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Renders the email for an outbox row and its letter; throws PermanentDeliveryError when it cannot exist. */
export type RenderMessage = (row: OutboxRow, letter: LetterRow | undefined) => Promise<OutgoingMail>;

export interface OutboxWorkerOptions {
  storage: Storage;
  transport: Pick<MailTransport, 'send'>;
  clock: Clock;
  logger: WorkerLogger;
  renderMessage: RenderMessage;
  /** Counts the 'emailed' action in the transaction that marks the office copy sent. */
  recordAction: RecordAction;
  /** Pause between rounds when the queue is empty. Default 1000 ms. */
  pollMs?: number;
  /** Attempts (claims) before a message fails for good. Default 8. */
  maxAttempts?: number;
  backoff?: Partial<BackoffPolicy>;
  /**
   * Per kind, attempts and back-off of their own: CWC letters are retried through a service's
   * maintenance window (hours), where an email is given up on after about an hour.
   */
  retryPolicies?: Partial<Record<OutboxKind, { maxAttempts: number; backoff?: Partial<BackoffPolicy> }>>;
  /** How long a claim lasts; must exceed the longest send (all SMTP timeouts together). Default 5 min. */
  leaseMs?: number;
  /** Rows claimed per round. Default 5. */
  batchSize?: number;
  /**
   * How many of a round's rows are sent at once (the SMTP transport keeps as many pooled connections), so a
   * launch's confirmation emails are not queued behind one another's round trips. Default 1.
   */
  concurrency?: number;
  /**
   * Kinds delivered by something other than email (the 'cwc' kind: src/delivery/cwc). Each throws a
   * DeliveryError as the mail transport does, so retries, leases and failures work the same.
   */
  deliverers?: Partial<Record<OutboxKind, (row: OutboxRow, letter: LetterRow | undefined) => Promise<void>>>;
  /** Unique per process; default a random id. */
  workerId?: string;
  /**
   * Why a message must not be sent now (a reason code), or null. A held message stays queued and is looked
   * at again after HOLD_RECHECK_MS; holding is not an attempt. Throws a PermanentDeliveryError when the
   * message must never be sent (its recipient left Congress): it fails as if the server had refused it.
   */
  holdFor?: (row: OutboxRow, letter: LetterRow | undefined) => Promise<string | null>;
}

const HOLD_RECHECK_MS = 15 * 60_000;

/** The rows that carry a letter to its office: the email relay and CWC. */
function isLetterDelivery(kind: OutboxKind): boolean {
  return kind === 'office' || kind === 'cwc';
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { storage, transport, clock, logger, renderMessage, recordAction } = options;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const policyOf = (kind: OutboxKind) => {
    const own = options.retryPolicies?.[kind];
    return { maxAttempts: own?.maxAttempts ?? maxAttempts, backoff: { ...backoff, ...own?.backoff } };
  };
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 5;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const workerId = options.workerId ?? `worker-${newId()}`;

  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let wakeRequested = false;

  /** `letter` as read before the send: what its action counts never changes once it is saved. */
  async function recordSent(row: OutboxRow, letter: LetterRow | undefined): Promise<void> {
    const at = clock.now();
    await inWriteTransaction(storage, async (db) => {
      if (!(await markSent(db, row.id, workerId, at))) {
        logger.warn({ outboxId: row.id, kind: row.kind }, 'outbox: lease lost before the send was recorded');
        return;
      }
      if (isLetterDelivery(row.kind) && letter) {
        await setLetterStatus(db, letter.id, 'sent', at.toISOString());
        if (row.kind === 'cwc') {
          // The sender's copy waits for the office's answer, so it can carry the delivery id.
          await enqueueMessage(db, { kind: 'sender_copy', batchId: row.batch_id, letterId: letter.id, at });
        }
        await recordAction(db, actionFor(letter, row.kind === 'cwc' ? 'delivered' : 'emailed', at));
      }
    });
  }

  async function recordFailure(row: OutboxRow, reason: string): Promise<void> {
    const at = clock.now();
    await inWriteTransaction(storage, async (db) => {
      if (!(await markFailed(db, row.id, workerId, reason))) return;
      if (isLetterDelivery(row.kind) && row.letter_id) {
        await setLetterStatus(db, row.letter_id, 'failed', at.toISOString(), shortReason(reason));
        // No letter dies silently: the person gets the PDF and the member's web form instead.
        await enqueueMessage(db, {
          kind: 'delivery_failed',
          batchId: row.batch_id,
          letterId: row.letter_id,
          at,
        });
      }
    });
  }

  /**
   * Queues a claimed row again in `delayMs`; its letter stays queued, with `letterReason` saying why.
   * Resolves with when the row is due again.
   */
  async function requeue(
    row: OutboxRow,
    delayMs: number,
    reason: string,
    letterReason: string,
    countAttempt: boolean,
  ): Promise<Date> {
    const now = clock.now();
    const next = new Date(now.getTime() + delayMs);
    await inWriteTransaction(storage, async (db) => {
      if (!(await markRetry(db, row.id, workerId, next, reason, countAttempt))) return;
      if (isLetterDelivery(row.kind) && row.letter_id) {
        await noteQueuedReason(db, row.letter_id, shortReason(letterReason), now.toISOString());
      }
    });
    return next;
  }

  async function processRow(row: OutboxRow): Promise<void> {
    const log = { outboxId: row.id, kind: row.kind, attempt: row.attempts };
    const letter = row.letter_id ? await findLetter(storage.db, row.letter_id) : undefined;
    let hold: string | null;
    try {
      hold = options.holdFor ? await options.holdFor(row, letter) : null;
    } catch (error) {
      if (!(error instanceof PermanentDeliveryError)) throw error;
      await recordFailure(row, error.reason);
      logger.error({ ...log, reason: error.reason }, 'outbox: message failed permanently');
      return;
    }
    if (hold) {
      // Holding is not an attempt: the message waits for HOLD_RECHECK_MS, however long the hold lasts.
      await requeue(row, HOLD_RECHECK_MS, hold, hold, false);
      logger.info({ ...log, reason: hold }, 'outbox: message held');
      return;
    }
    const attemptsAllowed = policyOf(row.kind).maxAttempts;
    if (row.attempts > attemptsAllowed) {
      // Only reachable through expired leases: the message kept killing or hanging its worker.
      await recordFailure(row, 'too_many_attempts');
      logger.error({ ...log, reason: 'too_many_attempts' }, 'outbox: message failed');
      return;
    }
    const deliver = options.deliverers?.[row.kind];
    try {
      if (deliver) await deliver(row, letter);
      else await transport.send(await renderMessage(row, letter));
    } catch (error) {
      const delivery = error instanceof DeliveryError ? error : undefined;
      const reason = delivery ? delivery.reason : `internal: ${(error as Error)?.name ?? 'Error'}`;
      // Stored in full for the person's status page, logged as its code: a service's explanation (CWC's
      // 400 answer) may quote what the person typed.
      const code = reason.split(':')[0]!;
      if (delivery instanceof PermanentDeliveryError) {
        await recordFailure(row, reason);
        logger.error({ ...log, reason: code }, 'outbox: message failed permanently');
      } else if (row.attempts >= attemptsAllowed) {
        await recordFailure(row, `gave_up_after_${row.attempts}_attempts: ${reason}`);
        logger.error({ ...log, reason: code }, 'outbox: message failed, out of attempts');
      } else {
        const delay = backoffDelay(row.attempts, policyOf(row.kind).backoff);
        const next = await requeue(row, delay, reason, `retrying: ${reason}`, true);
        logger.warn(
          { ...log, reason: code, nextAttemptAt: next.toISOString() },
          'outbox: temporary failure, will retry',
        );
      }
      if (!delivery)
        logger.error({ ...log, err: { name: (error as Error)?.name } }, 'outbox: unexpected error');
      return;
    }
    await recordSent(row, letter);
    logger.info(log, 'outbox: message sent');
  }

  async function runOnce(): Promise<number> {
    const rows = await claimDueMessages(storage, workerId, batchSize, clock.now(), leaseMs);
    let next = 0;
    let processed = 0;
    let failure: { error: unknown } | undefined;
    async function sendInTurn(): Promise<void> {
      while (next < rows.length && !stopping && !failure) {
        const row = rows[next++]!;
        try {
          await processRow(row);
          processed++;
        } catch (error) {
          // Recording the outcome failed (database trouble): this row stays 'sending' until its lease
          // expires, then is sent again with the same Message-ID. The rows not yet tried are handed back.
          failure = { error };
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, sendInTurn));
    const untried = rows.slice(next).map((r) => r.id);
    if (untried.length > 0) {
      const released = inWriteTransaction(storage, (db) => releaseClaims(db, untried, workerId, clock.now()));
      if (failure) await released.catch(() => undefined);
      else {
        await released;
        logger.info({ released: untried.length }, 'outbox: stopping, claims handed back');
      }
    }
    if (failure) throw failure.error;
    return processed;
  }

  function schedule(delay: number): void {
    if (!running || stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      loop = tick();
    }, delay);
    // Not unref'd: a process that runs only the worker must stay alive; stop() clears the timer.
  }

  async function tick(): Promise<void> {
    let delay = pollMs;
    try {
      wakeRequested = false;
      const processed = await runOnce();
      // A full round suggests more is due: go again at once.
      if (processed >= batchSize || wakeRequested) delay = 0;
    } catch (error) {
      // The database may be briefly unavailable; the rows are safe where they are. Try again later.
      logger.error(
        { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
        'outbox: round failed',
      );
      delay = Math.max(pollMs, 1000);
    }
    schedule(delay);
  }

  return {
    workerId,
    /** Starts polling; returns at once. */
    start() {
      if (running) return;
      running = true;
      stopping = false;
      logger.info({ workerId, pollMs, maxAttempts, leaseMs }, 'outbox worker started');
      schedule(0);
    },
    /** Finishes the messages in flight, hands back the rest of the claim, then resolves. */
    async stop() {
      if (!running) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await loop?.catch(() => undefined);
      running = false;
      logger.info({ workerId }, 'outbox worker stopped');
    },
    /** One round: claims and processes due messages; resolves with how many were processed. */
    runOnce,
    /** Asks for a round now (e.g. right after a batch was confirmed) instead of at the next poll. */
    wake() {
      wakeRequested = true;
      if (running && !stopping && timer) {
        clearTimeout(timer);
        timer = undefined;
        loop = tick();
      }
    },
  };
}
