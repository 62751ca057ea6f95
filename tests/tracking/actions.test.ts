import { sql } from 'kysely';
import { actionsOfLetters, counterKeysFor, recordAction, recordActions } from '../../src/tracking/actions';
import { withTransaction, type Storage } from '../../src/storage/database';
import { action, AT, openTarget, type Target } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

// A thousand transactions at once on PostgreSQL take well over Jest's default 30 s on a busy two-core
// machine (npm run test:stress); a test cut off by its timeout would leave them committing into the next.
const BURST_TEST_MS = 180_000;
jest.setTimeout(BURST_TEST_MS);

/**
 * Runs every transaction to its end before anything is asserted: with Promise.all the first failure would
 * return while the rest were still committing, and they would be counted by the next test.
 */
async function allRecorded(records: Array<Promise<boolean>>): Promise<boolean[]> {
  const outcomes = await Promise.allSettled(records);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
  expect(failures).toEqual([]);
  return outcomes.map((o) => o.status === 'fulfilled' && o.value);
}

async function counter(storage: Storage, dimension: string, key: string): Promise<number> {
  const row = await storage.db
    .selectFrom('counters')
    .select('count')
    .where('campaign', '=', 'stop-csam')
    .where('dimension', '=', dimension)
    .where('key', '=', key)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

async function countActions(storage: Storage, where: string, value: string): Promise<number> {
  const result = await sql<{
    n: number | string;
  }>`select count(*) as n from actions where ${sql.ref(where)} = ${value}`.execute(storage.db);
  return Number(result.rows[0]?.n ?? 0);
}

describeEachStorage('recordAction on %s', (kind) => {
  let target: Target | null = null;

  beforeAll(async () => {
    // A thousand transactions started in one tick, with no request around them: what is tested is the
    // exact count, so each may wait for a connection as long as the test runs. The wait is bounded by a
    // request's deadline where there is one (tests/storage/database.test.ts, concurrent-submissions).
    target = await openTarget(kind, { connectWaitMs: BURST_TEST_MS });
  });
  afterAll(async () => {
    await target?.close();
  });

  test('when 1,000 distinct senders are recorded at once, each in its own transaction, then the total is exactly 1,000', async () => {
    if (!target) return;
    const { storage } = target;
    const states = ['WA', 'CA', 'TX', 'NY', 'FL'];
    const results = await allRecorded(
      Array.from({ length: 1000 }, (_, i) =>
        storage.db.transaction().execute((trx) =>
          recordAction(
            trx,
            action({
              senderKey: `concurrent-${i}`,
              state: states[i % states.length]!,
              chamber: i % 2 === 0 ? 'senate' : 'house',
              district: i % 2 === 0 ? null : 7,
              bioguide: i % 2 === 0 ? 'C000127' : 'J000298',
              ref: i % 10 === 0 ? 'newsletter' : null,
            }),
          ),
        ),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(await counter(storage, 'total', 'all')).toBe(1000);
    expect(await counter(storage, 'action', 'verified')).toBe(1000);
    expect(await counter(storage, 'chamber', 'senate')).toBe(500);
    expect(await counter(storage, 'chamber', 'house')).toBe(500);
    expect(await counter(storage, 'state', 'WA')).toBe(200);
    expect(await counter(storage, 'district', '119:WA-7')).toBe(100);
    expect(await counter(storage, 'member', 'J000298')).toBe(500);
    expect(await counter(storage, 'day', '2026-11-28')).toBe(1000);
    expect(await counter(storage, 'ref', 'newsletter')).toBe(100);
    expect(await countActions(storage, 'campaign', 'stop-csam')).toBe(1000);
  });

  test('when the same sender, member and action arrive 200 times at once, then they count once', async () => {
    if (!target) return;
    const { storage } = target;
    const before = await counter(storage, 'total', 'all');
    const input = action({ senderKey: 'duplicate-sender', bioguide: 'M001111' });
    const results = await allRecorded(
      Array.from({ length: 200 }, () => storage.db.transaction().execute((trx) => recordAction(trx, input))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await counter(storage, 'total', 'all')).toBe(before + 1);
    expect(await counter(storage, 'member', 'M001111')).toBe(1);
  });

  test('when a channel action is recorded, then the channel counts it but the letter total does not', async () => {
    if (!target) return;
    const { storage } = target;
    const before = await counter(storage, 'total', 'all');
    const emailed = action({ senderKey: 'duplicate-sender', bioguide: 'M001111', action: 'emailed' });
    expect(await recordAction(storage.db, emailed)).toBe(true);
    expect(await recordAction(storage.db, emailed)).toBe(false);
    expect(await recordAction(storage.db, { ...emailed, action: 'printed' })).toBe(true);
    expect(await counter(storage, 'total', 'all')).toBe(before);
    expect(await counter(storage, 'action', 'emailed')).toBe(1);
    expect(await counter(storage, 'action', 'printed')).toBe(1);
    expect(await counter(storage, 'action_state', 'emailed:WA')).toBe(1);
    expect(await counter(storage, 'action_chamber', 'printed:senate')).toBe(1);
  });

  test('when the caller rolls its transaction back, then neither the action nor the count remains', async () => {
    if (!target) return;
    const { storage } = target;
    const before = await counter(storage, 'total', 'all');
    await expect(
      storage.db.transaction().execute(async (trx) => {
        await recordAction(trx, action({ senderKey: 'rolled-back' }));
        throw new Error('letter insert failed');
      }),
    ).rejects.toThrow('letter insert failed');
    expect(await counter(storage, 'total', 'all')).toBe(before);
    expect(await recordAction(storage.db, action({ senderKey: 'rolled-back' }))).toBe(true);
  });

  test('then every counter equals a COUNT(*) over the actions it summarises', async () => {
    if (!target) return;
    const { storage } = target;
    const counters = await storage.db
      .selectFrom('counters')
      .selectAll()
      .where('campaign', '=', 'stop-csam')
      .execute();
    const actions = await storage.db
      .selectFrom('actions')
      .selectAll()
      .where('campaign', '=', 'stop-csam')
      .execute();
    const expected = new Map<string, number>();
    for (const a of actions) {
      const keys = counterKeysFor({
        action: a.action,
        bioguide: a.bioguide,
        chamber: a.chamber,
        state: a.state,
        district: a.district === null ? null : Number(a.district),
        congress: Number(a.congress),
        ref: a.ref,
        at: new Date(a.created_at),
      });
      for (const k of keys)
        expected.set(`${k.dimension}|${k.key}`, (expected.get(`${k.dimension}|${k.key}`) ?? 0) + 1);
    }
    const actual = new Map(counters.map((c) => [`${c.dimension}|${c.key}`, Number(c.count)]));
    expect(actual).toEqual(expected);
    const created = await sql<{
      n: number | string;
    }>`select count(*) as n from actions where campaign = 'stop-csam' and action = 'verified'`.execute(
      storage.db,
    );
    expect(actual.get('total|all')).toBe(Number(created.rows[0]?.n));
  });

  test('when withTransaction is given a transaction, then it joins it instead of opening another', async () => {
    if (!target) return;
    const { storage } = target;
    await storage.db.transaction().execute(async (trx) => {
      const joined = await withTransaction(trx, async (inner) => inner);
      expect(joined).toBe(trx);
    });
    expect(await withTransaction(storage.db, async (trx) => trx.isTransaction)).toBe(true);
  });

  test('when the actions of some letters are read, then only those letters and kinds come back', async () => {
    if (!target) return;
    const { storage } = target;
    const of = (letterId: string, kind: 'printed' | 'webform' | 'verified') =>
      action({ letterId, action: kind, senderKey: `reader-${letterId}` });
    await recordActions(storage.db, [
      of('read-1', 'printed'),
      of('read-1', 'verified'),
      of('read-2', 'webform'),
    ]);
    await recordActions(storage.db, [of('read-3', 'printed')]);
    const found = await actionsOfLetters(storage.db, ['read-1', 'read-2'], ['printed', 'webform']);
    expect(found.map((a) => `${a.letter_id} ${a.action}`).sort()).toEqual([
      'read-1 printed',
      'read-2 webform',
    ]);
    expect(found.every((a) => a.created_at === AT.toISOString())).toBe(true);
    expect(await actionsOfLetters(storage.db, ['read-1'])).toHaveLength(2);
    expect(await actionsOfLetters(storage.db, [])).toEqual([]);
  });
});

describe('counterKeysFor', () => {
  test('when a House letter is verified, then it counts in every letter dimension including the district', () => {
    const keys = counterKeysFor(
      action({ chamber: 'house', district: 0, state: 'AK', bioguide: 'B001323', ref: 'r1', at: AT }),
    );
    const flat = keys.map((k) => `${k.dimension}|${k.key}`);
    expect(flat).toEqual(
      expect.arrayContaining([
        'total|all',
        'action|verified',
        'chamber|house',
        'state|AK',
        'district|119:AK-0',
        'congress|119',
        'congress_chamber|119:house',
        'congress_member|119:B001323',
        'member|B001323',
        'day|2026-11-28',
        'ref|r1',
      ]),
    );
  });

  test('when a channel action is recorded, then no letter dimension is touched', () => {
    const flat = counterKeysFor(action({ action: 'webform' })).map((k) => k.dimension);
    expect(flat).toEqual(['action', 'action_chamber', 'action_day', 'action_state', 'congress_action']);
  });
});

describeEachStorage('recordActions (a batch) on %s', (kind) => {
  let target: Target | null = null;

  beforeAll(async () => {
    target = await openTarget(kind);
  });
  afterAll(async () => {
    await target?.close();
  });

  async function allCounters(storage: Storage, campaign: string): Promise<Record<string, number>> {
    const rows = await storage.db
      .selectFrom('counters')
      .select(['dimension', 'key', 'count'])
      .where('campaign', '=', campaign)
      .execute();
    return Object.fromEntries(rows.map((r) => [`${r.dimension}|${r.key}`, Number(r.count)]));
  }

  test('when a batch is recorded in one go, then the counters and results equal recording each action in order', async () => {
    if (!target) return;
    const { storage } = target;
    const batch = (campaign: string) => [
      action({ campaign, senderKey: 's1', bioguide: 'C000127', chamber: 'senate', district: null }),
      action({ campaign, senderKey: 's1', bioguide: 'M001111', chamber: 'senate', district: null }),
      action({ campaign, senderKey: 's1', bioguide: 'J000298', chamber: 'house', district: 7, ref: 'mail' }),
      // The same member twice in one batch counts once.
      action({ campaign, senderKey: 's1', bioguide: 'J000298', chamber: 'house', district: 7, ref: 'mail' }),
      action({
        campaign,
        senderKey: 's2',
        bioguide: 'C000127',
        chamber: 'senate',
        district: null,
        action: 'printed',
      }),
    ];
    const oneByOne: boolean[] = [];
    await storage.db.transaction().execute(async (trx) => {
      for (const input of batch('batch-a')) oneByOne.push(await recordAction(trx, input));
    });
    const batched = await storage.db.transaction().execute((trx) => recordActions(trx, batch('batch-b')));
    expect(batched).toEqual(oneByOne);
    expect(batched).toEqual([true, true, true, false, true]);
    expect(await allCounters(storage, 'batch-b')).toEqual(await allCounters(storage, 'batch-a'));
    expect((await allCounters(storage, 'batch-b'))['total|all']).toBe(3);

    // A repeat of an earlier batch counts nothing; a new sender in it counts once.
    const again = await storage.db
      .transaction()
      .execute((trx) =>
        recordActions(trx, [...batch('batch-b'), action({ campaign: 'batch-b', senderKey: 's3' })]),
      );
    expect(again).toEqual([false, false, false, false, false, true]);
    expect((await allCounters(storage, 'batch-b'))['total|all']).toBe(4);
  });
});
