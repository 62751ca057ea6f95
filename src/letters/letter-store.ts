/**
 * letters/letter-store: the only code that writes the `letters` table (the migrations create it), and
 * its reads; delivery, replies, tracking and the admin pages go through these functions, except the
 * count review (tracking/count-review), whose queries join letters to its holds and actions. Returns
 * plain objects.
 */
import { NotFoundError } from '../platform/errors';
import type { CwcRouteNote, Db, LetterStatus, LettersTable } from '../storage/schema';
import { LETTER_OUTDATED } from './renewal';

export type LetterRow = LettersTable;

export async function insertLetters(db: Db, rows: LetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('letters').values(rows).execute();
}

export async function findLetter(db: Db, id: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The letters of a batch, else NotFoundError. */
export async function findBatchOrNotFound(db: Db, batchId: string): Promise<LetterRow[]> {
  const letters = await findBatch(db, batchId);
  if (letters.length === 0) throw new NotFoundError('messages.lettersNotFound');
  return letters;
}

/** The letters of a batch, House letters last; none for an id longer than any batch id (not looked up). */
export async function findBatch(db: Db, batchId: string): Promise<LetterRow[]> {
  if (batchId.length > 64) return [];
  return db
    .selectFrom('letters')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('chamber', 'desc')
    .orderBy('id')
    .execute();
}

export async function setBatchStatus(
  db: Db,
  batchId: string,
  from: LetterStatus[],
  to: LetterStatus,
  at: string,
): Promise<number> {
  const result = await db
    .updateTable('letters')
    .set({ status: to, updated_at: at })
    .where('batch_id', '=', batchId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A confirmed batch's letters go to the outbox: those awaiting confirmation, senators first. */
export async function queueConfirmedBatch(db: Db, batchId: string, at: string) {
  const queued = await db
    .updateTable('letters')
    .set({ status: 'queued', status_reason: null, confirmed_at: at, updated_at: at })
    .where('batch_id', '=', batchId)
    .where('status', '=', 'awaiting_confirmation')
    .where('purged_at', 'is', null)
    .returning(['id', 'chamber', 'bioguide', 'campaign'])
    .execute();
  return queued.sort((a, b) =>
    a.chamber === b.chamber ? a.id.localeCompare(b.id) : a.chamber === 'senate' ? -1 : 1,
  );
}

/** Why a confirmed letter of a CWC campaign went by the relay (its receipt says so). */
export async function noteCwcRoute(db: Db, id: string, note: CwcRouteNote | null): Promise<void> {
  await db.updateTable('letters').set({ cwc_route_note: note }).where('id', '=', id).execute();
}

/** Failed letters whose email an operator re-queued are queued again. */
export async function requeueFailedLetters(db: Db, ids: string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('letters')
    .set({ status: 'queued', status_reason: null, updated_at: at })
    .where('id', 'in', ids)
    .where('status', '=', 'failed')
    .execute();
}

/** A queued letter stays queued; the reason tells the status page why it is not sent yet. */
export async function noteQueuedReason(db: Db, id: string, reason: string, at: string): Promise<void> {
  await db
    .updateTable('letters')
    .set({ status_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}

export async function setLetterStatus(
  db: Db,
  id: string,
  status: LetterStatus,
  at: string,
  reason: string | null = null,
): Promise<void> {
  await db
    .updateTable('letters')
    .set({
      status,
      status_reason: reason,
      updated_at: at,
      ...(status === 'sent' ? { delivered_at: at } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Marks the letters verified; returns the ids of those that were not verified before. */
export async function markLettersVerified(db: Db, ids: string[], at: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('letters')
    .set({ verified_at: at })
    .where('id', 'in', ids)
    .where('verified_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function setMailingOffice(db: Db, id: string, office: string, at: string): Promise<void> {
  await db
    .updateTable('letters')
    .set({ mailing_office: office, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Nulls every personal field of the given letters; the counted actions are untouched. */
export async function purgePersonalData(
  db: Db,
  where: { batchId?: string; deliveredBefore?: string },
  at: string,
) {
  let query = db
    .updateTable('letters')
    .set({
      sender_name: null,
      sender_email: null,
      sender_street: null,
      sender_city: null,
      sender_zip: null,
      sender_prefix: null,
      sender_phone: null,
      body: null,
      purged_at: at,
      updated_at: at,
    })
    .where('purged_at', 'is', null);
  if (where.batchId) query = query.where('batch_id', '=', where.batchId);
  if (where.deliveredBefore) {
    // Letters never confirmed are purged too: their links expired long before the retention period ends.
    query = query
      .where('created_at', '<', where.deliveredBefore)
      .where('status', 'in', ['sent', 'failed', 'draft', 'awaiting_confirmation']);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The latest letters of a campaign, without any personal field (the admin dashboard). */
export async function latestLetters(db: Db, campaign: string, limit: number) {
  return db
    .selectFrom('letters')
    .select(['id', 'created_at', 'bioguide', 'chamber', 'state', 'district', 'status'])
    .where('campaign', '=', campaign)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Letters delivered (the office's system accepted it, or the relay sent it) per Congress and member. */
export async function deliveredPerMember(db: Db, campaign: string) {
  const rows = await db
    .selectFrom('letters')
    .select(['congress', 'bill', 'bioguide', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('campaign', '=', campaign)
    .where('status', '=', 'sent')
    .groupBy(['congress', 'bill', 'bioguide'])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** What a shared letter shows the campaign (never the sender's email, street or ZIP), in export order. */
export const SHARED_LETTER_COLUMNS = [
  'created_at',
  'campaign',
  'congress',
  'bill',
  'chamber',
  'state',
  'district',
  'bioguide',
  'recipient_name',
  'status',
  'sender_name',
  'sender_city',
  'sender_state',
  'body',
] as const;

const SHARED_LETTERS_PAGE = 1000;

/**
 * The letters whose senders chose to share them with the campaign (the admin export), of one campaign or
 * all, in (created_at, id) order, read in keyset pages: the export never holds every letter in memory.
 */
export async function* sharedLetters(db: Db, campaign: string | undefined) {
  let after: { created_at: string; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('letters')
      .select(['id', ...SHARED_LETTER_COLUMNS])
      .where('share_with_campaign', '=', 1)
      .where('purged_at', 'is', null);
    if (campaign) query = query.where('campaign', '=', campaign);
    const last = after;
    if (last) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', last.created_at),
          eb.and([eb('created_at', '=', last.created_at), eb('id', '>', last.id)]),
        ]),
      );
    }
    const page = await query.orderBy('created_at').orderBy('id').limit(SHARED_LETTERS_PAGE).execute();
    yield* page;
    if (page.length < SHARED_LETTERS_PAGE) return;
    after = page.at(-1);
  }
}

/**
 * Marks a letter that no longer meant what its writer approved as sent again in another form (`reason`:
 * `renewed:<batch>`); false when it was not waiting for that (already renewed).
 */
export async function renewOutdatedLetter(db: Db, id: string, reason: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('letters')
    .set({ status_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('status_reason', '=', LETTER_OUTDATED)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
