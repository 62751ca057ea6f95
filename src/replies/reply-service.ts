/**
 * replies/reply-service: "Did they answer?". A writer who ticks the box when confirming is asked, once per
 * batch, `askAfterDays` after the offices received their letters, whether each member replied; a "no
 * reply yet" gets one reminder `reminderAfterDays` after the question, then the question closes
 * (`closeAfterDays` after the reminder, or at the reminder's date when none is needed, and at the latest
 * RETENTION_DAYS after the letters were written).
 *
 * Exactly once with several instances: every instance runs the schedule; a question moves on only
 * through an UPDATE guarded by its old state, and each email is a (batch, round) primary key written in
 * the same transaction as its outbox row. The outbox's claim and lease then send it once.
 *
 * Trust: answers come only with the batch's signed token (src/replies/reply-token.ts), which reaches only
 * the confirmed address; only verified letters are asked about; one answer per letter, and one writer is
 * asked once per member and Congress, so a second batch to the same member adds no second voice.
 */
import { z } from 'zod';
import { findBatch, type LetterRow } from '../letters/letter-store';
import { actionsOfLetters } from '../tracking/actions';
import { enqueueMessage, wakeWorker } from '../delivery/outbox';
import { DAY_MS, type Clock } from '../platform/clock';
import { ConflictError, fieldErrorsFromZod, NotFoundError, ValidationError } from '../platform/errors';
import { newId } from '../platform/ids';
import { CATALOGUE_LANGUAGES } from '../platform/messages';
import { inWriteTransaction, type Storage } from '../storage/database';
import type { Transaction } from 'kysely';
import type { Database } from '../storage/schema';
import {
  askedLettersOfBatch,
  claimEmailRound,
  dropExpiredNotes,
  findQuestionByTokenHash,
  insertAskedLetters,
  insertQuestion,
  moveQuestion,
  questionsIn,
  saveAnswer,
  type ReplyQuestionRow,
} from './reply-store';
import { looksLikeReplyToken, replyToken, replyTokenHash } from './reply-token';

/** Questions looked at per state per schedule run; the next run takes the rest. */
const SCHEDULE_PAGE = 500;

interface ReplyServiceDeps {
  storage: Storage;
  clock: Clock;
  appSecret: string;
  retentionDays: number;
  settings: { askAfterDays: number; reminderAfterDays: number; closeAfterDays: number };
  /** Called after a commit that queued an email (`() => worker.wake()`). */
  onEnqueued?: () => void;
}

/** The choices of the answer form (replies/answer-pages shows them in this order). */
export const YES_NO_UNSURE = ['yes', 'no', 'unsure'] as const;
export const STANCES = ['support', 'oppose', 'undecided', 'unstated'] as const;

/** What the answer form posts. Every choice is optional: a writer may not know; nothing is guessed. */
const ReplyAnswerInput = z.discriminatedUnion('answer', [
  z.object({ answer: z.literal('no_reply') }),
  z.object({
    answer: z.literal('replied'),
    about: z.enum(YES_NO_UNSURE).optional(),
    stance: z.enum(STANCES).optional(),
    form: z.enum(YES_NO_UNSURE).optional(),
    repliedOn: z
      .string()
      .max(10)
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'messages.replies.dateInvalid')
      .optional(),
    note: z.string().max(500, 'messages.replies.noteTooLong').optional(),
  }),
]);

export type ReplyService = ReturnType<typeof createReplyService>;
/** What one schedule step did to a question; undefined when it stays as it was. */
type Outcome = 'asked' | 'reminded' | 'closed' | undefined;
/** What the answer pages show of a question: its letters with their answers so far. */
export type QuestionView = Awaited<ReturnType<ReplyService['viewQuestion']>>;

/** The UTC day of an ISO time. */
function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

export function createReplyService(deps: ReplyServiceDeps) {
  const { storage, clock, appSecret, settings } = deps;

  const notify = () => wakeWorker(deps.onEnqueued);

  /** When an open question closes: at the reminder's date if none is sent, after it if one is. */
  function closesAt(q: ReplyQuestionRow): string {
    const planned = q.reminded_at
      ? plusDays(q.reminded_at, settings.closeAfterDays)
      : q.asked_at
        ? plusDays(q.asked_at, settings.reminderAfterDays)
        : q.use_until;
    return planned < q.use_until ? planned : q.use_until;
  }

  /**
   * The writer ticked "ask me whether my members replied" when confirming. Only a batch with verified
   * letters gets a question; the language is the page's, for the emails.
   */
  async function optIn(batchId: string, lang: string): Promise<boolean> {
    const now = clock.now().toISOString();
    const letters = await findBatch(storage.db, batchId);
    const verified = letters.filter((l) => l.verified_at !== null && l.purged_at === null);
    if (verified.length === 0) return false;
    const firstWritten = letters.reduce((min, l) => (l.created_at < min ? l.created_at : min), now);
    await insertQuestion(storage.db, {
      batch_id: batchId,
      campaign: verified[0]!.campaign,
      token_hash: replyTokenHash(appSecret, replyToken(appSecret, batchId)),
      lang: (CATALOGUE_LANGUAGES as readonly string[]).includes(lang) ? lang : 'en',
      state: 'waiting',
      created_at: now,
      use_until: plusDays(firstWritten, deps.retentionDays),
    });
    return true;
  }

  /** When each verified letter reached its office (or the writer reported printing it or using the form). */
  async function deliveryTimes(verified: LetterRow[]): Promise<Map<string, string>> {
    const times = new Map<string, string>();
    for (const l of verified) if (l.status === 'sent' && l.delivered_at) times.set(l.id, l.delivered_at);
    const others = verified.filter((l) => !times.has(l.id)).map((l) => l.id);
    for (const r of await actionsOfLetters(storage.db, others, ['printed', 'webform'])) {
      const known = times.get(r.letter_id!);
      if (!known || r.created_at < known) times.set(r.letter_id!, r.created_at);
    }
    return times;
  }

  /** Queues the email of one round, unless that (batch, round) exists: its key settles any race. */
  async function queueRound(db: Transaction<Database>, batchId: string, round: 1 | 2, now: Date) {
    const outboxId = newId();
    const at = now.toISOString();
    if (!(await claimEmailRound(db, { batchId, round, outboxId, at }))) return;
    await enqueueMessage(db, { id: outboxId, kind: 'reply_question', batchId, letterId: null, at: now });
  }

  /** 'closed' when this run closed it; undefined when another instance (or request) moved it first. */
  async function close(q: ReplyQuestionRow, now: string): Promise<Outcome> {
    const moved = await moveQuestion(storage.db, q.batch_id, q.state, { state: 'closed', closed_at: now });
    return moved ? 'closed' : undefined;
  }

  /** Round 1 for a waiting question, when its letters have been at their offices for `askAfterDays`. */
  async function askIfDue(q: ReplyQuestionRow, now: Date): Promise<Outcome> {
    const nowIso = now.toISOString();
    if (q.use_until <= nowIso) return close(q, nowIso);
    const letters = await findBatch(storage.db, q.batch_id);
    const live = letters.filter((l) => l.verified_at !== null);
    // The email address went with the data (deleted or purged): nobody can be asked.
    if (live.length === 0 || live.some((l) => l.purged_at !== null || l.sender_email === null)) {
      return close(q, nowIso);
    }
    if (live.some((l) => l.status === 'queued' || l.status === 'awaiting_confirmation')) return undefined;
    const times = await deliveryTimes(live);
    if (times.size === 0) return close(q, nowIso);
    const lastDelivery = [...times.values()].sort().at(-1)!;
    if (plusDays(lastDelivery, settings.askAfterDays) > nowIso) return undefined;

    const asked = live.filter((l) => times.has(l.id));
    return inWriteTransaction(storage, async (db): Promise<Outcome> => {
      if (!(await moveQuestion(db, q.batch_id, 'waiting', { state: 'asked', asked_at: nowIso })))
        return undefined;
      const inserted = await insertAskedLetters(
        db,
        asked.map((l) => ({
          id: newId(),
          letter_id: l.id,
          batch_id: q.batch_id,
          dedupe_key: `${l.campaign}|${l.bioguide}|${l.sender_key}|${l.congress}`,
          campaign: l.campaign,
          bioguide: l.bioguide,
          chamber: l.chamber,
          state: l.state,
          congress: l.congress,
          bill: l.bill,
          delivered_on: dayOf(times.get(l.id)!),
          asked_on: dayOf(nowIso),
        })),
      );
      if (inserted === 0) {
        // The writer was asked about each of these members through another batch already.
        await moveQuestion(db, q.batch_id, 'asked', { state: 'closed', closed_at: nowIso });
        return 'closed';
      }
      await queueRound(db, q.batch_id, 1, now);
      return 'asked';
    });
  }

  /** Round 2, only for letters answered "no reply yet"; otherwise the question closes. */
  async function remindIfDue(q: ReplyQuestionRow, now: Date): Promise<Outcome> {
    const nowIso = now.toISOString();
    if (q.use_until <= nowIso) return close(q, nowIso);
    if (plusDays(q.asked_at!, settings.reminderAfterDays) > nowIso) return undefined;
    const letters = await askedLettersOfBatch(storage.db, q.batch_id);
    if (!letters.some((l) => l.answer === 'no_reply')) return close(q, nowIso);
    return inWriteTransaction(storage, async (db): Promise<Outcome> => {
      const moved = await moveQuestion(db, q.batch_id, 'asked', { state: 'reminded', reminded_at: nowIso });
      if (!moved) return undefined;
      await queueRound(db, q.batch_id, 2, now);
      return 'reminded';
    });
  }

  /**
   * One run of the schedule: asks, reminds and closes what is due. Idempotent and safe on several
   * instances at once; returns what this run changed.
   */
  async function runSchedule(): Promise<{ asked: number; reminded: number; closed: number }> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const done = { asked: 0, reminded: 0, closed: 0 };
    const count = (outcome: Outcome) => {
      if (outcome) done[outcome]++;
    };
    for (const q of await questionsIn(storage.db, 'waiting', SCHEDULE_PAGE)) count(await askIfDue(q, now));
    for (const q of await questionsIn(storage.db, 'asked', SCHEDULE_PAGE)) count(await remindIfDue(q, now));
    for (const q of await questionsIn(storage.db, 'reminded', SCHEDULE_PAGE)) {
      if (closesAt(q) <= nowIso) count(await close(q, nowIso));
    }
    await dropExpiredNotes(storage.db, nowIso);
    if (done.asked + done.reminded > 0) notify();
    return done;
  }

  async function questionByToken(token: unknown): Promise<ReplyQuestionRow> {
    if (!looksLikeReplyToken(token)) throw new NotFoundError('messages.replies.linkInvalid');
    const q = await findQuestionByTokenHash(storage.db, replyTokenHash(appSecret, token));
    // A question not yet asked has no page: its link was never sent.
    if (!q || q.asked_at === null) throw new NotFoundError('messages.replies.linkInvalid');
    return q;
  }

  function isOpen(q: ReplyQuestionRow, now: string): boolean {
    return q.state !== 'closed' && closesAt(q) > now;
  }

  /** What the answer pages show, read only (a link scanner's GET changes nothing). */
  async function viewQuestion(token: unknown) {
    const q = await questionByToken(token);
    const [asked, letters] = await Promise.all([
      askedLettersOfBatch(storage.db, q.batch_id),
      findBatch(storage.db, q.batch_id),
    ]);
    const names = new Map(letters.map((l) => [l.id, l.recipient_name]));
    return {
      batchId: q.batch_id,
      campaign: q.campaign,
      lang: q.lang,
      state: q.state,
      /** Whether answers can still be given or changed. */
      open: isOpen(q, clock.now().toISOString()),
      /** When the question closes, as far as is known now (ISO). */
      closesAt: closesAt(q),
      letters: asked.map((a) => ({
        bioguide: a.bioguide,
        recipientName: names.get(a.letter_id ?? '') ?? a.bioguide,
        chamber: a.chamber,
        deliveredOn: a.delivered_on,
        answer: a.answer,
        repliedOn: a.replied_on,
        about: a.about_bill,
        stance: a.stance,
        form: a.form_letter,
        note: a.note,
      })),
    };
  }

  /**
   * Records (or changes) the answer for one member's letter. One row per letter, so answering again
   * replaces the answer; a closed question refuses.
   */
  async function answer(token: unknown, bioguide: string, input: unknown): Promise<void> {
    const q = await questionByToken(token);
    const now = clock.now().toISOString();
    if (!isOpen(q, now)) throw new ConflictError('messages.replies.questionClosed');
    const row = (await askedLettersOfBatch(storage.db, q.batch_id)).find((l) => l.bioguide === bioguide);
    if (!row) throw new NotFoundError('messages.replies.linkInvalid');
    const parsed = ReplyAnswerInput.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError('messages.replies.answerInvalid', {
        fields: fieldErrorsFromZod(parsed.error),
      });
    }
    const replied = parsed.data.answer === 'replied' ? parsed.data : undefined;
    const today = dayOf(now);
    const typed = replied?.repliedOn || undefined;
    if (typed && (typed < row.delivered_on || typed > today || Number.isNaN(Date.parse(typed)))) {
      throw ValidationError.forField('repliedOn', 'messages.replies.dateOutOfRange', {
        from: row.delivered_on,
        to: today,
      });
    }
    await saveAnswer(storage.db, row.id, {
      answer: parsed.data.answer,
      answered_at: now,
      replied_on: replied ? (typed ?? today) : null,
      about_bill: replied?.about ?? null,
      // A reply about something else says nothing of the bill.
      stance: replied?.about === 'no' ? null : (replied?.stance ?? null),
      form_letter: replied?.form ?? null,
      note: replied?.note?.trim() || null,
    });
  }

  return { optIn, runSchedule, viewQuestion, answer, closesAt };
}

/**
 * Runs the schedule now and every `intervalMs` until stop(); a failed run is logged and retried at the
 * next tick. The timer does not keep the process alive.
 */
export function startReplySchedule(
  service: Pick<ReplyService, 'runSchedule'>,
  options: {
    intervalMs: number;
    logger: { info(o: object, m: string): void; error(o: object, m: string): void };
  },
): { stop(): void } {
  const run = async () => {
    try {
      const done = await service.runSchedule();
      if (done.asked + done.reminded + done.closed > 0) options.logger.info(done, 'replies: schedule ran');
    } catch (error) {
      options.logger.error({ err: { name: (error as Error)?.name } }, 'replies: schedule failed');
    }
  };
  const timer = setInterval(() => void run(), options.intervalMs);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
