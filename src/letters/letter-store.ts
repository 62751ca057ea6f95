/**
 * letters/letter-store: the only code that reads and writes the `letters` table. Returns plain objects.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, LetterStatus, LettersTable } from '../storage/schema';

export type LetterRow = LettersTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertLetters(db: Db, rows: LetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('letters').values(rows).execute();
}

export async function findLetter(db: Db, id: string): Promise<LetterRow | undefined> {
  return db.selectFrom('letters').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findBatch(db: Db, batchId: string): Promise<LetterRow[]> {
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
  extra: Partial<Pick<LetterRow, 'confirmed_at'>> = {},
): Promise<number> {
  const result = await db
    .updateTable('letters')
    .set({ status: to, updated_at: at, ...extra })
    .where('batch_id', '=', batchId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
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
