/**
 * delivery/confirmations: one-time confirmation tokens for the double opt-in. Only a keyed hash of a token
 * is stored. The token itself is 32 bytes derived with HMAC-SHA-256 from APP_SECRET and the random id of
 * the outbox row that carries the email: the worker, maybe another process after a restart, can render the
 * very same link again without the token ever being written down, and a retry sends the same link.
 */
import { looksLikePurposeToken, purposeToken, purposeTokenHash } from '../platform/ids';
import type { MessageValues } from '../platform/messages';
import type { ConfirmationPurpose, Db } from '../storage/schema';

export const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;
/** At most this many confirmation emails per batch in RESEND_WINDOW_MS... */
const MAX_CONFIRMATIONS_PER_WINDOW = 3;
export const RESEND_WINDOW_MS = 60 * 60 * 1000;
/** ...and at least this long between two of them. */
const MIN_RESEND_INTERVAL_MS = 60 * 1000;

/** The token carried by the confirmation email of outbox row `outboxId`. */
export const confirmationToken = (appSecret: string, outboxId: string): string =>
  purposeToken(appSecret, 'confirmation', outboxId);

/** What is stored: a keyed hash, so a database leak alone does not reveal a usable link. */
export const tokenHash = (appSecret: string, token: string): string =>
  purposeTokenHash(appSecret, 'confirmation', token);

export const looksLikeToken = looksLikePurposeToken;

export async function insertConfirmation(
  db: Db,
  input: {
    tokenHash: string;
    batchId: string;
    purpose: ConfirmationPurpose;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('confirmations')
    .values({
      token_hash: input.tokenHash,
      batch_id: input.batchId,
      purpose: input.purpose,
      created_at: input.createdAt.toISOString(),
      expires_at: input.expiresAt.toISOString(),
      used_at: null,
    })
    .execute();
}

export async function findConfirmation(db: Db, hash: string) {
  return db.selectFrom('confirmations').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/** Marks the token used; false when another request used it first. */
export async function useConfirmation(db: Db, hash: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('confirmations')
    .set({ used_at: at.toISOString() })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function recentConfirmations(db: Db, batchId: string, since: Date) {
  return db
    .selectFrom('confirmations')
    .select(['created_at', 'expires_at', 'used_at'])
    .where('batch_id', '=', batchId)
    .where('created_at', '>', since.toISOString())
    .orderBy('created_at', 'desc')
    .execute();
}

/** The confirmations of `recent` requested within the last RESEND_WINDOW_MS. */
export function inResendWindow<T extends { created_at: string }>(recent: T[], now: Date): T[] {
  return recent.filter((r) => Date.parse(r.created_at) > now.getTime() - RESEND_WINDOW_MS);
}

/** Why a resend is refused right now, or null when it is allowed. */
export function resendRefusal(
  recent: Array<{ created_at: string }>,
  now: Date,
): { key: string; values: MessageValues; retryAfterSeconds: number } | null {
  const inWindow = inResendWindow(recent, now);
  const latest = inWindow.reduce((max, r) => Math.max(max, Date.parse(r.created_at)), 0);
  if (latest && now.getTime() - latest < MIN_RESEND_INTERVAL_MS) {
    const wait = Math.ceil((latest + MIN_RESEND_INTERVAL_MS - now.getTime()) / 1000);
    return {
      key: 'messages.confirmationJustSent',
      values: { seconds: wait },
      retryAfterSeconds: wait,
    };
  }
  if (inWindow.length >= MAX_CONFIRMATIONS_PER_WINDOW) {
    const oldest = inWindow.reduce((min, r) => Math.min(min, Date.parse(r.created_at)), Infinity);
    const wait = Math.ceil((oldest + RESEND_WINDOW_MS - now.getTime()) / 1000);
    return {
      key: 'messages.confirmationsPerHour',
      values: { sent: MAX_CONFIRMATIONS_PER_WINDOW, minutes: Math.ceil(wait / 60) },
      retryAfterSeconds: wait,
    };
  }
  return null;
}
