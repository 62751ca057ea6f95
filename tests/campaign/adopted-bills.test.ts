/**
 * Adopted bills (campaign/adopted-bills): one adoption per Congress. Adopting again in the same Congress
 * replaces the adoption; a later Congress's adoption keeps the earlier one (letters written under it keep
 * their companion bill); undo takes back only the latest; a campaign file's own entry wins.
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

test('when bills are adopted in two Congresses, again in one of them, and undone, then the campaign is read with one entry per Congress and undo takes back only the latest', async () => {
  const clock = new ManualClock(new Date('2029-02-01T00:00:00Z'));
  const adopted = createAdoptedBills({ storage, clock, cacheMs: 0, logger: { warn: () => undefined } });
  const catalog = withAdoptedBills(loadCampaigns(path.resolve('campaigns'), 'stop-csam'), adopted);
  const entries = async () => {
    await adopted.refresh();
    return catalog
      .get('stop-csam')
      .congresses.map((c) => `${c.congress}: S. ${c.senate.number}, H.R. ${c.house.number}`);
  };
  const at = clock.now();

  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(120, 40, 11, 119), at });
  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(120, 41, 12, 119), at });
  await adoptReintroducedBill(storage.db, { campaign: 'stop-csam', bills: pair(121, 7, 8, 120), at });
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921', '120: S. 41, H.R. 12', '121: S. 7, H.R. 8']);

  expect(await undoAdoptedBills(storage.db, { campaign: 'stop-csam', at })).toBe(2);
  expect(await entries()).toEqual(['119: S. 1829, H.R. 3921', '120: S. 41, H.R. 12']);
  expect(await undoAdoptedBills(storage.db, { campaign: 'stop-csam', at })).toBe(2);
  expect(await undoAdoptedBills(storage.db, { campaign: 'stop-csam', at })).toBe(0);
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
  expect(catalog.get('stop-csam').congresses.map((c) => [c.congress, c.senate.number])).toEqual([
    [119, 1829],
  ]);
});
