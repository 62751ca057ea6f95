/**
 * replies/reply-store: the only code that reads and writes `reply_questions`, `reply_emails` and
 * `reply_letters`. Returns plain objects.
 */
import type { Insertable } from 'kysely';
import type { Db, ReplyLettersTable, ReplyQuestionsTable, ReplyQuestionState } from '../storage/schema';

export type ReplyQuestionRow = ReplyQuestionsTable;

/** Records the opt-in; a second tick of the same batch changes nothing. */
export async function insertQuestion(db: Db, row: Insertable<ReplyQuestionsTable>): Promise<void> {
  await db
    .insertInto('reply_questions')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findQuestionByTokenHash(db: Db, hash: string) {
  return db.selectFrom('reply_questions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function findQuestion(db: Db, batchId: string) {
  return db.selectFrom('reply_questions').selectAll().where('batch_id', '=', batchId).executeTakeFirst();
}

/** Questions in `state`, oldest first: the schedule's work list. */
export async function questionsIn(db: Db, state: ReplyQuestionState, limit: number) {
  return db
    .selectFrom('reply_questions')
    .selectAll()
    .where('state', '=', state)
    .orderBy('created_at')
    .orderBy('batch_id')
    .limit(limit)
    .execute();
}

/**
 * Moves a question from one state to the next; false when another instance (or request) moved it first.
 * The guard on the old state is what lets several instances run the schedule at once.
 */
export async function moveQuestion(
  db: Db,
  batchId: string,
  from: ReplyQuestionState,
  set: Partial<Pick<ReplyQuestionRow, 'state' | 'asked_at' | 'reminded_at' | 'closed_at'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('reply_questions')
    .set(set)
    .where('batch_id', '=', batchId)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Claims round `round` of a batch's emails; false when it exists (the unique key settles races). */
export async function claimEmailRound(
  db: Db,
  input: { batchId: string; round: number; outboxId: string; at: string },
): Promise<boolean> {
  const rows = await db
    .insertInto('reply_emails')
    .values({
      batch_id: input.batchId,
      round: input.round,
      outbox_id: input.outboxId,
      created_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('outbox_id')
    .execute();
  return rows.length > 0;
}

export async function findEmailRound(db: Db, outboxId: string) {
  return db.selectFrom('reply_emails').selectAll().where('outbox_id', '=', outboxId).executeTakeFirst();
}

/** Inserts the asked letters; a letter, or a (writer, member, Congress), already asked is skipped. */
export async function insertAskedLetters(db: Db, rows: Insertable<ReplyLettersTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('reply_letters')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

export async function askedLettersOfBatch(db: Db, batchId: string): Promise<ReplyLettersTable[]> {
  return db
    .selectFrom('reply_letters')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('chamber', 'desc')
    .orderBy('bioguide')
    .execute();
}

export async function saveAnswer(
  db: Db,
  id: string,
  answer: Pick<
    ReplyLettersTable,
    'answer' | 'answered_at' | 'replied_on' | 'about_bill' | 'stance' | 'form_letter' | 'note'
  >,
): Promise<void> {
  await db.updateTable('reply_letters').set(answer).where('id', '=', id).execute();
}

/**
 * The writer deleted their data: their answers lose every link to them (letter, batch, sender hash) and
 * their note; the anonymous answers stay in the counts. The question goes, and with it the token's hash.
 */
export async function forgetBatch(db: Db, batchId: string): Promise<void> {
  await db
    .updateTable('reply_letters')
    .set({ letter_id: null, batch_id: null, dedupe_key: null, note: null })
    .where('batch_id', '=', batchId)
    .execute();
  await db.deleteFrom('reply_questions').where('batch_id', '=', batchId).execute();
}

/** Notes of closed questions whose retention has passed are removed (answers stay). */
export async function dropExpiredNotes(db: Db, nowIso: string): Promise<void> {
  const expired = db.selectFrom('reply_questions').select('batch_id').where('use_until', '<=', nowIso);
  await db
    .updateTable('reply_letters')
    .set({ note: null })
    .where('note', 'is not', null)
    .where('batch_id', 'in', expired)
    .execute();
}

/** Every asked letter of a campaign without its links: what the responsiveness table is made of. */
export async function answersOfCampaign(db: Db, campaign: string) {
  return db
    .selectFrom('reply_letters')
    .select([
      'congress',
      'bill',
      'bioguide',
      'chamber',
      'state',
      'delivered_on',
      'answer',
      'answered_at',
      'replied_on',
      'about_bill',
      'stance',
      'form_letter',
    ])
    .where('campaign', '=', campaign)
    .execute();
}

/** Organisers' notes, newest first (the admin page); no link to a writer is returned. */
export async function latestNotes(db: Db, campaign: string, limit: number) {
  return db
    .selectFrom('reply_letters')
    .select(['bioguide', 'congress', 'answered_at', 'stance', 'note'])
    .where('campaign', '=', campaign)
    .where('note', 'is not', null)
    .orderBy('answered_at', 'desc')
    .limit(limit)
    .execute();
}
