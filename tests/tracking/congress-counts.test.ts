/**
 * Counts per Congress: a letter records the Congress and the bill; district keys carry the Congress; the
 * same sender writing the same member in the next Congress counts again; migration 0150 fills 119.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { ManualClock } from '../helpers/clock';
import { migrations } from '../../src/storage/migrations';
import { migrateUpTo } from '../helpers/migrate-up-to';
import { recordAction } from '../../src/tracking/actions';
import { createStatsService, statsForCongress } from '../../src/tracking/stats';
import { action, AT, openTarget, type Target } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

describeEachStorage('counts per Congress on %s', (kind) => {
  let target: Target | null = null;
  beforeAll(async () => {
    target = await openTarget(kind);
  });
  afterAll(async () => {
    await target?.close();
  });

  test('when letters are written in two Congresses, then each Congress has its counts and the all-time total has both', async () => {
    if (!target) return;
    const db = target.storage.db;
    const house = { chamber: 'house' as const, bioguide: 'J000298', district: 9, state: 'TX' };
    expect(await recordAction(db, action({ senderKey: 'a', ...house }))).toBe(true);
    expect(await recordAction(db, action({ senderKey: 'b' }))).toBe(true);
    // The same sender and member in the next Congress: a new letter about the new bill, counted again.
    expect(
      await recordAction(db, action({ senderKey: 'a', ...house, congress: 120, bill: '120-hr-77' })),
    ).toBe(true);
    expect(await recordAction(db, action({ senderKey: 'a', ...house, congress: 120 }))).toBe(false);
    const stats = createStatsService({ storage: target.storage, clock: new ManualClock(AT), cacheMs: 0 });
    const s = await stats.getCampaignStats('stop-csam');
    expect(s.total).toBe(3);
    expect(s.byCongress.map((c) => [c.congress, c.total])).toEqual([
      [120, 1],
      [119, 2],
    ]);
    expect(statsForCongress(s, 119)).toMatchObject({ byChamber: { senate: 1, house: 1 } });
    expect(statsForCongress(s, 120).byState).toEqual([{ state: 'TX', count: 1 }]);
    expect(statsForCongress(s, 121).total).toBe(0);
    // "TX-9" of the 119th and of the 120th are two districts, never merged.
    expect(s.byDistrict).toEqual([
      { congress: 119, district: 'TX-9', count: 1 },
      { congress: 120, district: 'TX-9', count: 1 },
    ]);
    const recorded = await db
      .selectFrom('actions')
      .select(['congress', 'bill'])
      .orderBy('congress')
      .execute();
    expect(recorded.map((r) => [Number(r.congress), r.bill])).toEqual([
      [119, '119-s-1829'],
      [119, '119-s-1829'],
      [120, '120-hr-77'],
    ]);
  });
});

describe('migration 0150', () => {
  test('when a database from before it is migrated, then its letters, actions and counts belong to the 119th Congress', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-mig-'));
    const db = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(path.join(dir, 'old.sqlite')) }),
    });
    const initialOnly = new Migrator({
      db,
      provider: { getMigrations: async () => ({ '0001-initial': migrations['0001-initial']! }) },
    });
    expect((await initialOnly.migrateToLatest()).error).toBeUndefined();
    await sql`INSERT INTO actions (id, campaign, letter_id, action, bioguide, chamber, state, district, dedupe_key, ref, day, created_at)
      VALUES ('a1', 'stop-csam', NULL, 'created', 'J000298', 'house', 'TX', 9, 'stop-csam|created|J000298|k', NULL, '2026-01-02', '2026-01-02T00:00:00Z')`.execute(
      db,
    );
    for (const [dimension, key] of [
      ['total', 'all'],
      ['chamber', 'house'],
      ['state', 'TX'],
      ['member', 'J000298'],
      ['district', 'TX-9'],
      ['action', 'created'],
    ]) {
      await sql`INSERT INTO counters (campaign, dimension, key, count) VALUES ('stop-csam', ${dimension}, ${key}, 1)`.execute(
        db,
      );
    }
    // Up to 0150 only: 0180 (issue 18) then recounts the letters that were verified.
    await migrateUpTo(db, '0150-i15-congress-on-letters-and-counts');
    const action = await sql<{
      congress: number;
      bill: string | null;
      dedupe_key: string;
    }>`SELECT congress, bill, dedupe_key FROM actions`.execute(db);
    expect(action.rows).toEqual([
      { congress: 119, bill: null, dedupe_key: 'stop-csam|created|J000298|k|119' },
    ]);
    const counters = await sql<{ dimension: string; key: string; count: number }>`
      SELECT dimension, key, count FROM counters ORDER BY dimension, key`.execute(db);
    expect(counters.rows).toEqual(
      expect.arrayContaining([
        { dimension: 'district', key: '119:TX-9', count: 1 },
        { dimension: 'congress', key: '119', count: 1 },
        { dimension: 'congress_chamber', key: '119:house', count: 1 },
        { dimension: 'congress_state', key: '119:TX', count: 1 },
        { dimension: 'congress_member', key: '119:J000298', count: 1 },
        { dimension: 'congress_action', key: '119:created', count: 1 },
        { dimension: 'total', key: 'all', count: 1 },
      ]),
    );
    await db.destroy();
  });
});
