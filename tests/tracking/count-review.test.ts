/**
 * Counts that resist cheap padding (issue 28), on SQLite and PostgreSQL: caps per mailbox a day and per
 * district an hour hold letters for the organiser instead of counting them; the organiser releases them,
 * sets a window's letters aside and restores them, and every counter comes back to what it was.
 */
import { insertLetters, type LetterRow } from '../../src/letters/letter-store';
import {
  findBursts,
  heldSummary,
  releaseHeldCounts,
  restoreSetAside,
  setAsideWindow,
} from '../../src/tracking/count-review';
import { verifyLetters } from '../../src/tracking/verification';
import { letterRow } from '../helpers/letter-row';
import { AT, openTarget, type Target } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

async function counters(target: Target): Promise<Record<string, number>> {
  const rows = await target.storage.db.selectFrom('counters').selectAll().execute();
  return Object.fromEntries(
    rows.filter((r) => Number(r.count) !== 0).map((r) => [`${r.dimension}|${r.key}`, Number(r.count)]),
  );
}

async function total(target: Target): Promise<number> {
  return (await counters(target))['total|all'] ?? 0;
}

/** A writer's batch: two senators and the House member of IL-13, from one mailbox. */
function batch(senderKey: string, overrides: Partial<LetterRow> = {}): LetterRow[] {
  const batchId = `b-${senderKey}-${Math.random().toString(36).slice(2)}`;
  const common = { batch_id: batchId, sender_key: senderKey, state: 'IL', ...overrides };
  return [
    letterRow({ ...common, bioguide: 'D000563', chamber: 'senate' }),
    letterRow({ ...common, bioguide: 'D000622', chamber: 'senate' }),
    letterRow({ ...common, bioguide: 'B001315', chamber: 'house', district: 13 }),
  ];
}

describeEachStorage('count review on %s', (kind) => {
  let target: Target | null;
  beforeEach(async () => {
    target = await openTarget(kind);
  });
  afterEach(async () => {
    await target?.close();
  });

  test('when one mailbox verifies letters to more members than its daily cap, then the rest are held, not counted, and the organiser can count them', async () => {
    if (!target) return;
    const db = target.storage.db;
    const caps = { mailboxPerDay: 3, districtPerHour: 1000 };
    const first = batch('pad-mailbox');
    // The same mailbox writes again from another state: three more members.
    const second = batch('pad-mailbox', { state: 'NY' }).map((l, i) => ({
      ...l,
      bioguide: ['S000148', 'G000555', 'O000172'][i]!,
      district: l.chamber === 'house' ? 14 : null,
    }));
    await insertLetters(db, [...first, ...second]);
    expect(await verifyLetters(db, first, AT, caps)).toBe(3);
    expect(await verifyLetters(db, second, AT, caps)).toBe(3);
    expect(await total(target)).toBe(3);
    expect(await heldSummary(db, 'stop-csam')).toEqual({ mailbox: 3, district: 0 });
    // A letter to a member already counted for that mailbox is no new letter: it is not held either.
    const again = batch('pad-mailbox');
    await insertLetters(db, again);
    await verifyLetters(db, again, AT, caps);
    expect(await heldSummary(db, 'stop-csam')).toEqual({ mailbox: 3, district: 0 });

    expect(await releaseHeldCounts(db, 'stop-csam')).toBe(3);
    expect(await total(target)).toBe(6);
    expect(await heldSummary(db, 'stop-csam')).toEqual({ mailbox: 0, district: 0 });
  });

  test('when a district verifies more letters in an hour than its cap, then the rest are held and the burst is listed; the next hour counts again', async () => {
    if (!target) return;
    const db = target.storage.db;
    const caps = { mailboxPerDay: 3, districtPerHour: 6 };
    for (let i = 0; i < 4; i += 1) {
      const letters = batch(`writer-${i}`);
      await insertLetters(db, letters);
      await verifyLetters(db, letters, AT, caps);
    }
    expect(await total(target)).toBe(6);
    expect(await heldSummary(db, 'stop-csam')).toEqual({ mailbox: 0, district: 6 });
    const bursts = await findBursts(db, 'stop-csam', new Date(AT.getTime() - 3_600_000), 2);
    expect(bursts).toEqual([{ hour: '2026-11-28T12', district: 'IL-13', counted: 2, held: 2 }]);
    const later = batch('writer-later');
    await insertLetters(db, later);
    await verifyLetters(db, later, new Date(AT.getTime() + 61 * 60_000), caps);
    expect(await total(target)).toBe(9);
  });

  test('when the organiser sets an hour of a district aside and restores it, then the counts go down by its letters and come back exactly', async () => {
    if (!target) return;
    const db = target.storage.db;
    const elsewhere = batch('elsewhere', { state: 'NY' }).map((l, i) => ({
      ...l,
      bioguide: ['S000148', 'G000555', 'O000172'][i]!,
      district: l.chamber === 'house' ? 14 : null,
    }));
    const burst = [...batch('burst-1'), ...batch('burst-2')];
    await insertLetters(db, [...elsewhere, ...burst]);
    await verifyLetters(db, elsewhere, AT, { mailboxPerDay: 3, districtPerHour: 100 });
    await verifyLetters(db, burst, AT, { mailboxPerDay: 3, districtPerHour: 100 });
    const before = await counters(target);
    expect(before['total|all']).toBe(9);

    const aside = await setAsideWindow(db, {
      campaign: 'stop-csam',
      from: new Date('2026-11-28T12:00:00Z'),
      to: new Date('2026-11-28T13:00:00Z'),
      district: 'IL-13',
      reason: 'Throwaway addresses in one burst',
      at: AT,
    });
    expect(aside.letters).toBe(6);
    const during = await counters(target);
    expect(during['total|all']).toBe(3);
    expect(during['state|IL']).toBeUndefined();
    expect(during['state|NY']).toBe(3);

    expect(await restoreSetAside(db, aside.id, AT)).toBe(6);
    expect(await counters(target)).toEqual(before);
    // Restoring twice changes nothing.
    expect(await restoreSetAside(db, aside.id, AT)).toBe(0);
    expect(await counters(target)).toEqual(before);
  });
});
