import { insertLetters } from '../../src/letters/letter-store';
import { ManualClock } from '../helpers/clock';
import { recordAction } from '../../src/tracking/actions';
import { deleteBatchPersonalData, purgeExpiredPersonalData } from '../../src/tracking/retention';
import { createStatsService } from '../../src/tracking/stats';
import { letterRow } from '../helpers/letter-row';
import { action, openTarget, type Target } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

const DAY = 24 * 60 * 60 * 1000;

describeEachStorage('retention on %s', (kind) => {
  let target: Target | null = null;

  beforeAll(async () => {
    target = await openTarget(kind);
  });
  afterAll(async () => {
    await target?.close();
  });

  test('when letters pass the retention period, then final ones lose personal fields and the counts stay', async () => {
    if (!target) return;
    const { storage } = target;
    const old = '2026-01-01T00:00:00.000Z';
    const rows = [
      letterRow({ created_at: old, status: 'sent', sender_key: 's1' }),
      letterRow({ created_at: old, status: 'draft', sender_key: 's2' }),
      letterRow({ created_at: old, status: 'failed', sender_key: 's3' }),
      letterRow({ created_at: old, status: 'queued', sender_key: 's4' }),
      letterRow({ created_at: '2026-11-20T00:00:00.000Z', status: 'sent', sender_key: 's5' }),
    ];
    await storage.db.transaction().execute(async (trx) => {
      await insertLetters(trx, rows);
      for (const r of rows) {
        await recordAction(
          trx,
          action({ letterId: r.id, senderKey: r.sender_key, at: new Date(r.created_at) }),
        );
      }
    });
    const clock = new ManualClock(new Date('2026-11-28T12:00:00Z'));
    const stats = createStatsService({ storage, clock, cacheMs: 0 });
    const before = await stats.getCampaignStats('stop-csam');

    expect(await purgeExpiredPersonalData({ storage, clock, retentionDays: 90 })).toBe(3);
    // A second run finds nothing left to do.
    expect(await purgeExpiredPersonalData({ storage, clock, retentionDays: 90 })).toBe(0);

    const after = await storage.db.selectFrom('letters').selectAll().orderBy('sender_key').execute();
    for (const l of after.slice(0, 3)) {
      expect(l).toMatchObject({
        sender_name: null,
        sender_email: null,
        sender_street: null,
        sender_city: null,
        sender_zip: null,
        body: null,
        purged_at: clock.now().toISOString(),
      });
    }
    // Queued (not final) and recent letters keep their data.
    expect(after[3]).toMatchObject({ sender_key: 's4', sender_email: 'pat@example.org', purged_at: null });
    expect(after[4]).toMatchObject({ sender_key: 's5', body: 'Letter text', purged_at: null });
    const counted = await stats.getCampaignStats('stop-csam');
    expect(counted.total).toBe(5);
    expect({ ...counted, updatedAt: '' }).toEqual({ ...before, updatedAt: '' });
  });

  test('when a sender follows the "delete my data" link, then only that batch is purged and counts stay', async () => {
    if (!target) return;
    const { storage } = target;
    const clock = new ManualClock(new Date('2026-11-28T12:00:00Z'));
    const batch = 'batch-to-delete';
    const mine = [
      letterRow({ batch_id: batch, sender_key: 'd1' }),
      letterRow({ batch_id: batch, sender_key: 'd1', bioguide: 'M001111' }),
    ];
    const other = letterRow({ sender_key: 'd2' });
    await insertLetters(storage.db, [...mine, other]);
    clock.advance(DAY);
    expect(await deleteBatchPersonalData(storage, batch, clock)).toBe(2);
    const rows = await storage.db
      .selectFrom('letters')
      .selectAll()
      .where('sender_key', 'in', ['d1', 'd2'])
      .execute();
    expect(
      rows.filter((r) => r.batch_id === batch).every((r) => r.sender_email === null && r.body === null),
    ).toBe(true);
    expect(rows.find((r) => r.sender_key === 'd2')?.sender_email).toBe('pat@example.org');
    expect(await deleteBatchPersonalData(storage, '', clock)).toBe(0);
  });
});
