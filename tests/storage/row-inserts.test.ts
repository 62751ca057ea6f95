import { executeRowInsert } from '../../src/storage/row-inserts';
import { KINDS, openTarget, type Target } from '../tracking/helpers';

describe.each(KINDS)('executeRowInsert on %s', (kind) => {
  let target: Target | null = null;

  beforeAll(async () => {
    target = await openTarget(kind);
  });
  afterAll(async () => {
    await target?.close();
  });

  async function rowsOf(campaign: string) {
    const rows = await target!.storage.db
      .selectFrom('counters')
      .select(['dimension', 'key', 'count'])
      .where('campaign', '=', campaign)
      .orderBy('key')
      .execute();
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  function insertCounters(campaign: string, keys: string[], count: number | 'undefined' = 1) {
    const { db } = target!.storage;
    const rows = keys.map((key) => ({
      campaign,
      dimension: 'total',
      key,
      count: count === 'undefined' ? undefined : count,
    }));
    const build = jest.fn(() =>
      db
        .insertInto('counters')
        .values(rows as Array<{ campaign: string; dimension: string; key: string; count: number }>)
        .onConflict((oc) => oc.columns(['campaign', 'dimension', 'key']).doNothing())
        .returning('key'),
    );
    return { build, run: () => executeRowInsert(db, `counters ${kind}`, rows, build) };
  }

  test('when the same shape is inserted again, then its SQL is reused and the new values are the ones stored', async () => {
    if (!target) return;
    const first = insertCounters('first', ['a', 'b', 'c']);
    await first.run();
    const second = insertCounters('second', ['d', 'e', 'f'], 7);
    const result = await second.run();

    expect(first.build).toHaveBeenCalledTimes(1);
    expect(second.build).not.toHaveBeenCalled();
    expect(result.rows.map((r) => r.key)).toEqual(['d', 'e', 'f']);
    expect(await rowsOf('first')).toEqual(
      ['a', 'b', 'c'].map((key) => ({ dimension: 'total', key, count: 1 })),
    );
    expect(await rowsOf('second')).toEqual(
      ['d', 'e', 'f'].map((key) => ({ dimension: 'total', key, count: 7 })),
    );
  });

  test('when the reused statement meets a conflict, then RETURNING still answers only the rows inserted', async () => {
    if (!target) return;
    await insertCounters('conflict', ['x', 'y']).run();
    const again = insertCounters('conflict', ['y', 'z']);
    const result = await again.run();
    expect(again.build).not.toHaveBeenCalled();
    expect(result.rows.map((r) => r.key)).toEqual(['z']);
    expect((await rowsOf('conflict')).map((r) => r.key)).toEqual(['x', 'y', 'z']);
  });

  test('when rows hold an undefined value or another row count, then Kysely compiles them as usual', async () => {
    if (!target) return;
    await insertCounters('mixed', ['m1', 'm2', 'm3']).run();
    const withDefault = insertCounters('mixed', ['m4', 'm5', 'm6'], 'undefined');
    await withDefault.run();
    const fewer = insertCounters('mixed', ['m7']);
    await fewer.run();
    expect(withDefault.build).toHaveBeenCalledTimes(1);
    expect(fewer.build).toHaveBeenCalledTimes(1);
    // The column default (0) where the value was undefined: never a stale value from the cached SQL.
    expect((await rowsOf('mixed')).map((r) => r.count)).toEqual([1, 1, 1, 0, 0, 0, 1]);
  });
});
