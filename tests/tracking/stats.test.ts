import { ManualClock } from '../helpers/clock';
import { recordAction } from '../../src/tracking/actions';
import { lettersTowardDistrictGoals } from '../../src/tracking/district-goals';
import { createStatsService, getRunningTotal, statsFromCounters } from '../../src/tracking/stats';
import { action, AT, openTarget, type Target } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

describeEachStorage('stats on %s', (kind) => {
  let target: Target | null = null;

  beforeAll(async () => {
    target = await openTarget(kind);
    if (!target) return;
    const db = target.storage.db;
    await recordAction(db, action({ senderKey: 'a' }));
    await recordAction(db, action({ senderKey: 'a', bioguide: 'M001111' }));
    await recordAction(db, action({ senderKey: 'a', action: 'emailed' }));
    await recordAction(
      db,
      action({ senderKey: 'b', chamber: 'house', bioguide: 'J000298', district: 7, ref: 'tw' }),
    );
    await recordAction(
      db,
      action({ senderKey: 'b', chamber: 'house', bioguide: 'J000298', district: 7, action: 'printed' }),
    );
    await recordAction(
      db,
      action({ senderKey: 'c', state: 'CA', bioguide: 'P000145', at: new Date('2026-11-29T01:00:00Z') }),
    );
    await recordAction(db, action({ campaign: 'other', senderKey: 'z' }));
  });
  afterAll(async () => {
    await target?.close();
  });

  test('when a House letter is only printed by an unconfirmed sender, then it counts toward no district goal until it is verified', async () => {
    if (!target) return;
    const db = target.storage.db;
    const letter = {
      campaign: 'goals',
      letterId: 'goals-letter-1',
      senderKey: 'd',
      chamber: 'house' as const,
      bioguide: 'J000298',
      district: 9,
    };
    const stats = createStatsService({
      storage: target.storage,
      clock: new ManualClock(AT),
      cacheMs: 0,
      goalFor: () => 100,
    });
    await recordAction(db, action({ ...letter, action: 'printed' }));
    expect(
      lettersTowardDistrictGoals(await stats.getCampaignStats('goals'), 119).get('WA-9'),
    ).toBeUndefined();
    await recordAction(db, action({ ...letter, action: 'verified' }));
    expect(lettersTowardDistrictGoals(await stats.getCampaignStats('goals'), 119).get('WA-9')).toBe(1);
  });

  test('when counters exist, then the stats sum them by chamber, channel, state, member, day, district and ref', async () => {
    if (!target) return;
    const clock = new ManualClock(AT);
    const stats = createStatsService({ storage: target.storage, clock, cacheMs: 0, goalFor: () => 10000 });
    const s = await stats.getCampaignStats('stop-csam');
    expect(s.total).toBe(4);
    expect(s.goal).toBe(10000);
    expect(s.byChamber).toEqual({ senate: 3, house: 1 });
    expect(s.byChannel).toEqual({
      created: 0,
      verified: 4,
      delivered: 0,
      emailed: 1,
      printed: 1,
      webform: 0,
      reported: 0,
    });
    expect(s.byState).toEqual([
      { state: 'WA', count: 3 },
      { state: 'CA', count: 1 },
    ]);
    expect(s.topMembers[0]).toEqual({ bioguide: 'C000127', count: 1 });
    expect(s.byMember).toHaveLength(4);
    expect(s.byDay).toEqual([
      { day: '2026-11-28', count: 3 },
      { day: '2026-11-29', count: 1 },
    ]);
    expect(s.byDistrict).toEqual([{ congress: 119, district: 'WA-7', count: 1 }]);
    expect(s.byRef).toEqual([{ ref: 'tw', count: 1 }]);
    expect(s.channels.byChamber.house.printed).toBe(1);
    expect(s.channels.byState.find((r) => r.state === 'WA')).toEqual({
      state: 'WA',
      created: 0,
      verified: 3,
      delivered: 0,
      emailed: 1,
      printed: 1,
      webform: 0,
      reported: 0,
    });
    expect(s.updatedAt).toBe(AT.toISOString());
    expect(await getRunningTotal(stats, 'other')).toBe(1);
    expect((await stats.getCampaignStats('nobody')).total).toBe(0);
  });

  test('when stats are read twice within cacheMs, then the database is queried once; after cacheMs, again', async () => {
    if (!target) return;
    const clock = new ManualClock(AT);
    const spy = jest.spyOn(target.storage.db, 'selectFrom');
    try {
      const stats = createStatsService({ storage: target.storage, clock, cacheMs: 5000 });
      const first = await stats.getCampaignStats('stop-csam');
      clock.advance(4000);
      const second = await stats.getCampaignStats('stop-csam');
      expect(second).toEqual(first);
      expect(spy).toHaveBeenCalledTimes(1);
      // A burst of concurrent misses shares one query.
      clock.advance(2000);
      await Promise.all(Array.from({ length: 50 }, () => stats.getCampaignStats('stop-csam')));
      expect(spy).toHaveBeenCalledTimes(2);
      // Another campaign has its own cache entry.
      await stats.getCampaignStats('other');
      expect(spy).toHaveBeenCalledTimes(3);
      stats.invalidate('stop-csam');
      await stats.getCampaignStats('stop-csam');
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });

  test('when cacheMs is 0, then every read queries', async () => {
    if (!target) return;
    const spy = jest.spyOn(target.storage.db, 'selectFrom');
    try {
      const stats = createStatsService({ storage: target.storage, clock: new ManualClock(AT), cacheMs: 0 });
      await stats.getCampaignStats('stop-csam');
      await stats.getCampaignStats('stop-csam');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('statsFromCounters', () => {
  test('when counters hold unknown dimensions or bigint-like strings, then they are ignored or parsed', () => {
    const s = statsFromCounters(
      'x',
      [
        { dimension: 'total', key: 'all', count: '12' },
        { dimension: 'future', key: 'k', count: 3 },
        { dimension: 'action_state', key: 'bogus:WA', count: 3 },
      ],
      AT.toISOString(),
    );
    expect(s.total).toBe(12);
    expect(s.channels.byState).toEqual([]);
    expect(s).not.toHaveProperty('goal');
  });
});
