/**
 * Migration 0180-i18-verified-counts over a database written before it: confirmed letters become verified
 * and make the total; unconfirmed printed letters become "reported by writers"; saved-only letters no
 * longer count.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../src/storage/migrations';
import { migrateUpTo } from '../helpers/migrate-up-to';
import type { Database as Schema } from '../../src/storage/schema';
import { statsFromCounters } from '../../src/tracking/stats';
import { letterRow } from '../helpers/letter-row';

test('when a database from before verified counts is migrated, then the total is its confirmed letters and prints are reported apart', async () => {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  try {
    await migrateUpTo(db as Kysely<unknown>, '0001-initial');
    const at = '2026-11-20T10:00:00.000Z';
    const rows = [
      letterRow({ id: 'confirmed', sender_key: 'a', status: 'sent', confirmed_at: at }),
      letterRow({ id: 'printed', sender_key: 'b', bioguide: 'M001111' }),
      letterRow({ id: 'saved', sender_key: 'c', bioguide: 'J000298', chamber: 'house', district: 7 }),
    ].map(
      ({
        verified_at: _v,
        congress: _c,
        bill: _b,
        sender_prefix: _p,
        sender_phone: _ph,
        own_words: _o,
        cwc_route_note: _r,
        ...old
      }) => old,
    );
    await db
      .insertInto('letters')
      .values(rows as never)
      .execute();
    const action = (letter: string, kind: string, key: string) => ({
      id: `${letter}-${kind}`,
      campaign: 'stop-csam',
      letter_id: letter,
      action: kind,
      bioguide: 'C000127',
      chamber: 'senate',
      state: 'WA',
      district: null,
      dedupe_key: `stop-csam|${kind}|C000127|${key}`,
      ref: null,
      day: '2026-11-20',
      created_at: at,
    });
    await db
      .insertInto('actions')
      .values([action('confirmed', 'created', 'a'), action('printed', 'printed', 'b')] as never)
      .execute();
    await db
      .insertInto('counters')
      .values([
        { campaign: 'stop-csam', dimension: 'total', key: 'all', count: 3 },
        { campaign: 'stop-csam', dimension: 'state', key: 'WA', count: 3 },
      ])
      .execute();

    await migrateToLatest(db as Kysely<unknown>);

    const counters = await db.selectFrom('counters').selectAll().execute();
    const stats = statsFromCounters('stop-csam', counters, at);
    expect(stats.total).toBe(1);
    expect(stats.reported).toBe(1);
    expect(stats.byState).toEqual([{ state: 'WA', count: 1 }]);
    expect(stats.byChannel.verified).toBe(1);
    expect(counters.find((c) => c.dimension === 'congress')).toMatchObject({ key: '119', count: 1 });
    const verified = await db.selectFrom('letters').select(['id', 'verified_at']).orderBy('id').execute();
    expect(verified).toEqual([
      { id: 'confirmed', verified_at: at },
      { id: 'printed', verified_at: null },
      { id: 'saved', verified_at: null },
    ]);
  } finally {
    await db.destroy();
  }
});
