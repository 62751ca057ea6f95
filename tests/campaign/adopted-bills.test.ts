/**
 * Adopted bills (campaign/adopted-bills): one adoption per chamber and Congress. Adopting again in the
 * same chamber and Congress replaces the adoption; a later Congress's adoption keeps the earlier one
 * (letters written under it keep their companion bill); one chamber may be adopted before the other, which
 * keeps its earlier bill and the reintroduce ask; undo takes back only the named chamber's latest; a
 * campaign file's own entry wins.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  adoptReintroducedBill,
  createAdoptedBills,
  undoAdoptedBills,
  withAdoptedBills,
} from '../../src/campaign/adopted-bills';
import { billSituation, companionBill } from '../../src/campaign/bills';
import { loadCampaigns } from '../../src/campaign/campaign';
import type { ReintroductionCandidate } from '../../src/civic-data/reintroductions';
import { openStorage, type Storage } from '../../src/storage/database';
import { ManualClock } from '../helpers/clock';

let dir: string;
let storage: Storage;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-adopted-'));
  storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
});
afterEach(async () => {
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function candidate(
  congress: number,
  type: 's' | 'hr',
  number: number,
  replaces: string,
): ReintroductionCandidate {
  return {
    replaces,
    chamber: type === 's' ? 'senate' : 'house',
    congress,
    type,
    number,
    title: `STOP CSAM Act of ${1787 + 2 * congress}`,
    introducedDate: `${1787 + 2 * congress}-01-10`,
    url: `https://www.congress.gov/bill/${congress}th-congress/${type === 's' ? 'senate' : 'house'}-bill/${number}`,
    reason: 'title',
    foundAt: `${1787 + 2 * congress}-01-20T00:00:00.000Z`,
  };
}

const pair = (congress: number, senate: number, house: number, from: number) => ({
  senate: candidate(congress, 's', senate, `${from}-s-1`),
  house: candidate(congress, 'hr', house, `${from}-hr-1`),
});

/** The campaign as an instance reads it with the adoptions (no cache), at a moment. */
function readerAt(iso: string) {
  const clock = new ManualClock(new Date(iso));
  const adopted = createAdoptedBills({ storage, clock, cacheMs: 0, logger: { warn: () => undefined } });
  const catalog = withAdoptedBills(loadCampaigns(path.resolve('campaigns'), 'stop-csam'), adopted);
  return { clock, adopted, catalog };
}

test("when bills are adopted in two Congresses, again in one of them, and undone chamber by chamber, then the campaign is read with one entry per Congress and undo takes back only the named chamber's latest", async () => {
  const { clock, adopted, catalog } = readerAt('2029-02-01T00:00:00Z');
  const entries = async () => {
    await adopted.refresh();
    return catalog
      .get('stop-csam')
      .congresses.map(
        (c) => `${c.congress}: S. ${c.senate?.number ?? 'none'}, H.R. ${c.house?.number ?? 'none'}`,
      );
  };
  const at = clock.now();

  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(120, 40, 11, 119), at });
  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(120, 41, 12, 119), at });
  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(121, 7, 8, 120), at });
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921', '120: S. 41, H.R. 12', '121: S. 7, H.R. 8']);

  const undo = (chamber: 'senate' | 'house') =>
    undoAdoptedBills(storage.db, { campaign: 'stop-csam', chamber, at });
  expect(await undo('senate')).toBe(1);
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921', '120: S. 41, H.R. 12', '121: S. none, H.R. 8']);
  expect(await undo('house')).toBe(1);
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921', '120: S. 41, H.R. 12']);
  expect(await undo('senate')).toBe(1);
  expect(await undo('house')).toBe(1);
  expect(await undo('house')).toBe(0);
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921']);
  // The rows stay, marked undone: the record of what was asked for while they stood.
  expect(await storage.db.selectFrom('adopted_bills').select('id').execute()).toHaveLength(6);
});

test('when the campaign file has its own entry for the adopted Congress, then the file wins', async () => {
  const clock = new ManualClock(new Date('2027-02-01T00:00:00Z'));
  const adopted = createAdoptedBills({ storage, clock, cacheMs: 0, logger: { warn: () => undefined } });
  await adoptReintroducedBill(storage.db, {
    campaign: 'stop-csam',
    bills: pair(119, 5, 6, 118),
    at: clock.now(),
  });
  await adopted.refresh();
  const catalog = withAdoptedBills(loadCampaigns(path.resolve('campaigns'), 'stop-csam'), adopted);
  expect(catalog.get('stop-csam').congresses.map((c) => [c.congress, c.senate?.number])).toEqual([
    [119, 1829],
  ]);
});

test("when only the Senate's reintroduction is adopted, then the Senate asks about it while the House keeps its dead bill and the reintroduce ask, until the House's is adopted too", async () => {
  const { clock, adopted, catalog } = readerAt('2027-02-01T00:00:00Z');
  const situation = async () => {
    await adopted.refresh();
    const now = billSituation(catalog.get('stop-csam').congresses, clock.now());
    return (['senate', 'house'] as const).map((chamber) => {
      const c = now.chambers[chamber];
      return `${c.bill.label} (${c.congress}${c.expired ? ', expired' : ''}), companion ${companionBill(now, chamber).label}`;
    });
  };
  const { senate, house } = pair(120, 7, 12, 119);

  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: { senate }, at: clock.now() });
  // The House letter's companion is its own Congress's S. 1829 (of which its words were written); the
  // Senate's has no House bill in the 120th, so it names the House's standing one.
  expect(await situation()).toEqual([
    'S. 7 (120), companion H.R. 3921',
    'H.R. 3921 (119, expired), companion S. 1829',
  ]);

  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: { house }, at: clock.now() });
  expect(await situation()).toEqual(['S. 7 (120), companion H.R. 12', 'H.R. 12 (120), companion S. 7']);

  await undoAdoptedBills(storage.db, { campaign: 'stop-csam', chamber: 'senate', at: clock.now() });
  expect(await situation()).toEqual([
    'S. 1829 (119, expired), companion H.R. 3921',
    'H.R. 12 (120), companion S. 1829',
  ]);
});
