/**
 * delivery/email-service: the email channel's use cases for the web routes: ask for the double opt-in
 * email, confirm a batch with the one-time link, and show the batch's delivery status. Every state change
 * writes its outbox rows in the same transaction, so an email is never promised without being queued, and
 * never queued for a change that did not commit. Sending is the outbox worker's job (outbox-worker.ts).
 */
import { channelWith } from './destination';
import type { Clock } from '../platform/clock';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../platform/errors';
import { keyedHash, newId } from '../platform/ids';
import type { MessageValues } from '../platform/messages';
import {
  findBatch,
  findBatchOrNotFound,
  noteCwcRoute,
  queueConfirmedBatch,
  setBatchStatus,
  type LetterRow,
} from '../letters/letter-store';
import { normaliseEmail } from '../letters/mail-domain';
import { inWriteTransaction, type Storage } from '../storage/database';
import type { Transaction } from 'kysely';
import type { ConfirmationPurpose, Database } from '../storage/schema';
import { countHit } from '../storage/window-counter';
import { actionsOfLetters } from '../tracking/actions';
import type { CountCaps } from '../tracking/count-review';
import { verifyLetters } from '../tracking/verification';
import {
  CONFIRMATION_TTL_MS,
  confirmationToken,
  findConfirmation,
  inResendWindow,
  insertConfirmation,
  looksLikeToken,
  recentConfirmations,
  RESEND_WINDOW_MS,
  resendRefusal,
  tokenHash,
  useConfirmation,
} from './confirmations';
import { newDeliveryId, type CwcDelivery } from './cwc/cwc-delivery';
import { enqueueMessages, findOutboxByBatch, wakeWorker, type EnqueueInput } from './outbox';
import { receiptOf } from './receipts';

/** The link was right but is older than 24 hours; the batch page offers a new one. */
export class ConfirmationExpiredError extends ValidationError {
  constructor(readonly batchId: string) {
    super('messages.confirmationExpired');
  }
}

/**
 * The resend limit was hit; `retryAfterSeconds` says when a new email can be requested. `field` is
 * 'email' when the limit is the recipient's mailbox (across every batch and network).
 */
export class ConfirmationRateLimitedError extends RateLimitedError {
  constructor(
    messageKey: string,
    values: MessageValues,
    readonly retryAfterSeconds: number,
    readonly field?: 'email',
  ) {
    super(messageKey, { values });
  }
}

/** At most this many confirmation emails to one address per RECIPIENT_WINDOW_MS, whoever asks. */
const MAX_CONFIRMATIONS_PER_RECIPIENT = 3;
const RECIPIENT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The shared counter key of a mailbox: an HMAC of the normalised address, never the address. */
function recipientCounterKey(appSecret: string, email: string): string {
  return `confirm-recipient:${keyedHash(appSecret, `confirmation-recipient\0${normaliseEmail(email)}`)}`;
}

interface EmailServiceDeps {
  storage: Storage;
  clock: Clock;
  appSecret: string;
  /** Called after a commit that queued email, e.g. `() => worker.wake()`. */
  onEnqueued?: () => void;
  /** Letters counted per mailbox a day and per district an hour; more wait for the organiser. */
  countCaps: CountCaps;
  /** The CWC channel: letters it takes go to the office through CWC instead of the email relay. */
  cwc?: Pick<CwcDelivery, 'route'>;
}

interface ConfirmResult {
  batchId: string;
  purpose: ConfirmationPurpose;
  /** Letters that became verified (counted) by this click. */
  verified: number;
  /** True when the link (or another link of the batch) was already used: nothing new was queued. */
  alreadyConfirmed: boolean;
  /** Letters queued for sending by this click. */
  queued: number;
}

export type EmailService = ReturnType<typeof createEmailService>;
/** Each letter's email status and counted channels, and the batch's confirmation emails. */
export type BatchStatus = Awaited<ReturnType<EmailService['getBatchStatus']>>;
/** What the confirmation page shows before the person presses "Send my letters" (nothing changes). */
export type ConfirmationPreview = Awaited<ReturnType<EmailService['previewConfirmation']>>;

const INVALID_LINK = 'messages.confirmationInvalid';

/** The letters a link of `purpose` still confirms: live ones awaiting confirmation, or not yet verified. */
function unconfirmed(letters: LetterRow[], purpose: ConfirmationPurpose): LetterRow[] {
  return letters.filter(
    (l) =>
      l.purged_at === null &&
      (purpose === 'verify' ? l.verified_at === null : l.status === 'awaiting_confirmation'),
  );
}

export function createEmailService(deps: EmailServiceDeps) {
  const { storage, clock, appSecret } = deps;

  /** The stored hash of a link's token; NotFoundError for anything that is not one of our tokens. */
  function linkHash(token: string): string {
    if (typeof token !== 'string' || !looksLikeToken(token)) throw new NotFoundError(INVALID_LINK);
    return tokenHash(appSecret, token);
  }

  const notify = () => wakeWorker(deps.onEnqueued);

  /**
   * Sends (queues) the double opt-in email for a batch, all in one transaction: a new one-time token is
   * stored (hash only) and the email is queued. With purpose 'send' (the default) the letters go from draft
   * to awaiting_confirmation and confirming queues them by email; with 'verify' (people who print or use
   * web forms) confirming only verifies the sender, so their letters count. Earlier unused links of the
   * batch stay valid until they expire. At most 3 per batch per hour, 60 s apart, and 3 per recipient
   * address per day across every batch and network.
   */
  async function requestEmailConfirmation(input: { batchId: string; purpose?: ConfirmationPurpose }) {
    const { batchId, purpose = 'send' } = input;
    const now = clock.now();
    const result = await inWriteTransaction(storage, async (db) => {
      const letters = await findBatchOrNotFound(db, batchId);
      const open =
        purpose === 'send'
          ? letters.filter((l) => l.status === 'draft' || l.status === 'awaiting_confirmation')
          : letters.filter((l) => l.verified_at === null);
      if (open.length === 0) throw new ConflictError('messages.alreadyConfirmed');
      if (open.some((l) => l.purged_at !== null || l.sender_email === null || l.body === null)) {
        throw new ValidationError('messages.lettersDeleted');
      }
      const refusal = resendRefusal(
        await recentConfirmations(db, batchId, new Date(now.getTime() - RESEND_WINDOW_MS)),
        now,
      );
      if (refusal) {
        throw new ConfirmationRateLimitedError(refusal.key, refusal.values, refusal.retryAfterSeconds);
      }
      // Counted in this transaction: a refused or failed request rolls its hit back.
      const recipient = await countHit(
        db,
        recipientCounterKey(appSecret, open[0]!.sender_email!),
        RECIPIENT_WINDOW_MS,
        now.getTime(),
      );
      if (recipient.hits > MAX_CONFIRMATIONS_PER_RECIPIENT) {
        const wait = Math.max(1, Math.ceil((recipient.resetAt.getTime() - now.getTime()) / 1000));
        throw new ConfirmationRateLimitedError(
          'messages.recipientRateLimited',
          { max: MAX_CONFIRMATIONS_PER_RECIPIENT, hours: Math.ceil(wait / 3600) },
          wait,
          'email',
        );
      }

      const outboxId = newId();
      const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
      await insertConfirmation(db, {
        tokenHash: tokenHash(appSecret, confirmationToken(appSecret, outboxId)),
        batchId,
        purpose,
        createdAt: now,
        expiresAt,
      });
      if (purpose === 'send')
        await setBatchStatus(db, batchId, ['draft'], 'awaiting_confirmation', now.toISOString());
      await enqueueMessages(db, [{ id: outboxId, kind: 'confirmation', batchId, letterId: null, at: now }]);
      return { batchId, expiresAt: expiresAt.toISOString(), letters: open.length };
    });
    notify();
    return result;
  }

  /**
   * What a confirmation link would confirm, read only: the page behind the emailed link shows this with a
   * "Send my letters" button, so a mail scanner or prefetcher that opens the link changes nothing.
   */
  async function previewConfirmation(token: string) {
    const confirmation = await findConfirmation(storage.db, linkHash(token));
    if (!confirmation) throw new NotFoundError(INVALID_LINK);
    const letters = await findBatchOrNotFound(storage.db, confirmation.batch_id);
    const state =
      confirmation.used_at !== null || unconfirmed(letters, confirmation.purpose).length === 0
        ? 'used'
        : confirmation.expires_at <= clock.now().toISOString()
          ? 'expired'
          : 'open';
    return { batchId: confirmation.batch_id, purpose: confirmation.purpose, state, letters };
  }

  /**
   * The one-time link: confirms every letter of the batch awaiting confirmation and queues, per letter, the
   * copy to the office and the copy to the sender, in one transaction. A used link, or a link of a batch
   * already confirmed through another link, returns `alreadyConfirmed: true` (nothing is queued twice).
   */
  async function confirmBatch(token: string): Promise<ConfirmResult> {
    const hash = linkHash(token);
    const now = clock.now();
    const at = now.toISOString();
    const result = await inWriteTransaction(storage, async (db): Promise<ConfirmResult> => {
      const confirmation = await findConfirmation(db, hash);
      if (!confirmation) throw new NotFoundError(INVALID_LINK);
      const { batch_id: batchId, purpose } = confirmation;
      const already = { batchId, purpose, alreadyConfirmed: true, queued: 0, verified: 0 };
      if (confirmation.used_at !== null) return already;
      const awaiting = unconfirmed(await findBatchOrNotFound(db, batchId), purpose);
      if (awaiting.length === 0) {
        // Confirmed through another link already (or deleted): nothing to do, the page shows the status.
        if (confirmation.expires_at > at) await useConfirmation(db, hash, now);
        return already;
      }
      if (confirmation.expires_at <= at) throw new ConfirmationExpiredError(batchId);
      if (!(await useConfirmation(db, hash, now))) return already;
      const { queued, verified } =
        purpose === 'verify'
          ? { queued: 0, verified: await verifyLetters(db, awaiting, now, deps.countCaps) }
          : await queueBatch(db, batchId, awaiting, now);
      return { batchId, purpose, alreadyConfirmed: false, queued, verified };
    });
    if (result.queued > 0) notify();
    return result;
  }

  /**
   * Queues the letters of a batch awaiting confirmation, per letter the copy to the office and the copy to
   * the sender, and counts them as verified: the sender confirmed their email.
   */
  async function queueBatch(
    db: Transaction<Database>,
    batchId: string,
    awaiting: LetterRow[],
    now: Date,
  ): Promise<{ queued: number; verified: number }> {
    const confirmed = await queueConfirmedBatch(db, batchId, now.toISOString());
    // The sender confirmed their email: these letters count, whatever happens to the email later.
    const confirmedIds = new Set(confirmed.map((c) => c.id));
    const verified = await verifyLetters(
      db,
      awaiting.filter((l) => confirmedIds.has(l.id)),
      now,
      deps.countCaps,
    );
    const rows = new Map(awaiting.map((l) => [l.id, l]));
    const messages: EnqueueInput[] = [];
    for (const letter of confirmed) {
      const route = deps.cwc?.route(rows.get(letter.id)!) ?? { channel: 'relay', note: null };
      if (route.channel === 'relay' && route.note) await noteCwcRoute(db, letter.id, route.note);
      const message = { batchId, letterId: letter.id, at: now };
      if (route.channel === 'cwc') {
        // The sender's copy is queued once the office answered, so it can say where the letter went.
        messages.push({ ...message, id: newDeliveryId(), kind: 'cwc' });
      } else {
        messages.push({ ...message, kind: 'office' }, { ...message, kind: 'sender_copy' });
      }
    }
    await enqueueMessages(db, messages);
    return { queued: confirmed.length, verified };
  }

  /**
   * Queues a batch the writer approved from a link in their own inbox (the letter as it would now read,
   * letters/renewal): their address is confirmed by that link, so no second confirmation email is sent.
   */
  async function queueApprovedBatch(batchId: string): Promise<number> {
    const now = clock.now();
    const queued = await inWriteTransaction(storage, async (db) => {
      const awaiting = unconfirmed(await findBatch(db, batchId), 'send');
      return awaiting.length === 0 ? 0 : (await queueBatch(db, batchId, awaiting, now)).queued;
    });
    if (queued > 0) notify();
    return queued;
  }

  /** Each letter's email status and counted channels, for the batch page (/letters/batch/:id). */
  async function getBatchStatus(batchId: string) {
    const letters = await findBatchOrNotFound(storage.db, batchId);
    const ids = letters.map((l) => l.id);
    const actions = await actionsOfLetters(storage.db, ids);
    const outbox = await findOutboxByBatch(storage.db, batchId);
    const recent = await recentConfirmations(storage.db, batchId, new Date(0));
    const newest = recent[0];
    const newestEmail = outbox.filter((o) => o.kind === 'confirmation').at(-1);
    const has = (letterId: string, action: string) =>
      actions.some((a) => a.letter_id === letterId && a.action === action);
    const emailOf = (letterId: string, kind: 'office' | 'sender_copy') =>
      outbox.find((o) => o.letter_id === letterId && o.kind === kind)?.status ?? null;
    return {
      batchId,
      letters: letters.map((l) => ({
        id: l.id,
        bioguide: l.bioguide,
        recipientName: l.recipient_name,
        chamber: l.chamber,
        state: l.state,
        district: l.district,
        status: l.status,
        // Why a letter failed, or why it is still queued ("retrying: smtp_451").
        statusReason: l.status_reason,
        confirmedAt: l.confirmed_at,
        deliveredAt: l.delivered_at,
        channels: {
          delivered: has(l.id, 'delivered'),
          emailed: has(l.id, 'emailed'),
          printed: has(l.id, 'printed'),
          webform: has(l.id, 'webform'),
        },
        receipt: receiptOf(l.id, outbox),
        // Outbox state of the letter's two emails, null before confirmation.
        email: { office: emailOf(l.id, 'office'), senderCopy: emailOf(l.id, 'sender_copy') },
      })),
      confirmation: {
        requested: recent.length > 0,
        emailStatus: newestEmail?.status ?? null,
        lastRequestedAt: newest?.created_at ?? null,
        expiresAt: newest?.expires_at ?? null,
        sentLastHour: inResendWindow(recent, clock.now()).length,
      },
      awaitingConfirmation: letters.some((l) => l.status === 'awaiting_confirmation'),
    };
  }

  return {
    requestEmailConfirmation,
    previewConfirmation,
    confirmBatch,
    queueApprovedBatch,
    getBatchStatus,
    /** The channel a confirmed letter will take (the confirmation page says where each goes). */
    channelOf: channelWith(deps.cwc),
  };
}
