/**
 * Rehearsal of 3 January 2027, read as the operator's timeline (docs/data.md tells the same story). The
 * server refreshes itself from a folder that the publishers fill in stages; at each point we look at what
 * a writer in Alaska (one seat: its map cannot have changed) and one in New York (redrawn: ZIP 10001 moves
 * mostly from the 12th to the 10th district) see, and which letter their House member would be sent.
 *
 *   2 Jan 23:00 ET   the 119th Congress, whole; letters ask to support H.R. 3921.
 *   3 Jan 11:59 ET   still the 119th: its terms end at noon Eastern, not at midnight UTC.
 *   3 Jan 12:01 ET   the bills died with their Congress: the letter asks to reintroduce the bill.
 *                    Upstream publishes the 120th members: the refresh takes them at once.
 *                    Alaska is served (its district is the state); New York is named as not published.
 *   4 Jan            the Bureau publishes New York's block equivalency file: New York's ZIP table is the
 *                    120th's; its boundaries are still awaited ("use my location" asks for a street).
 *   1 Feb            the relationship file and the boundaries: nothing is awaited any more.
 *   1 Mar            nothing new: the data stays whole and current; no reintroduced bill has been
 *                    adopted, so the reintroduce ask stands.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCivicData } from '../../src/civic-data/import';
import { HOUSE, legislators, SMALL, writeSources } from '../fixtures/civic/congress-sources';
import { makeTempDir, removeDir } from '../fixtures/civic/mirror';
import { createTestApp, type TestApp } from '../helpers/app';
import { SENDER } from '../helpers/sender';
import { zipOf } from '../helpers/zip';

/** Eastern Standard Time (UTC-5) holds from 2 January to 1 March 2027. */
const ET = (isoLocal: string): Date => new Date(`${isoLocal}-05:00`);

// New York's 120th member for the 10th district is new; the others were re-elected.
const HOUSE_120 = HOUSE.map((seat) =>
  seat.bioguide === 'N000010' ? { ...seat, bioguide: 'N000110', last: 'Newcomer' } : seat,
);

/** New York's block equivalency file (a state file, as the Bureau publishes them state by state). */
const NY_BEF = ['GEOID,CDFP', '360610001001000,10', '360610001001001,12', '360610002001000,12'].join('\n');
/** The 2020 ZCTA-to-block relationship file: the blocks of ZIP 10001 (800 + 200 m²) and 10025. */
const ZCTA_BLOCKS = [
  'GEOID_ZCTA5_20|GEOID_TABBLOCK_20|AREALAND_PART',
  '10001|360610001001000|800',
  '10001|360610001001001|200',
  '10025|360610002001000|500',
  '99501|020200001001000|900',
].join('\n');

let root: string;
let source: string;
let t: TestApp;

beforeAll(async () => {
  root = await makeTempDir('rehearsal-');
  source = path.join(root, 'source');
  const data = path.join(root, 'data');
  await writeSources(source, { members: 119, zips: 119, shapes: 119 });
  await importCivicData({ from: source, outDir: data, ...SMALL });
  t = await createTestApp(
    { DATA_DIR: data, CIVIC_DATA_FROM: source },
    {
      dataImport: async (dir, from, now, servedDir) => {
        await importCivicData({ from, outDir: dir, now, servedDir, ...SMALL });
      },
    },
  );
}, 120_000);
afterAll(async () => {
  await t.close();
  await removeDir(root);
});

async function lookup(zip: string) {
  return (await request(t.app).get('/api/representatives').query({ zip }).expect(200)).body;
}
const house = (body: { members: Array<{ bioguide: string; chamber: string }> }) =>
  body.members.filter((m) => m.chamber === 'house').map((m) => m.bioguide);
const ANCHORAGE = { ...SENDER, street: '1 Main St', city: 'Anchorage', state: 'AK', zip: '99501' };
const MANHATTAN = { ...SENDER, street: '1 Penn Plaza', city: 'New York', state: 'NY', zip: '10001' };
/** The letter a writer would be sent to approve now: its ask, or the refusal's status. */
async function letterTo(bioguide: string): Promise<string | number> {
  const sender = bioguide.startsWith('A') ? ANCHORAGE : MANHATTAN;
  const district = bioguide.startsWith('A') ? undefined : bioguide === 'N000012' ? 'NY-12' : 'NY-10';
  const res = await request(t.app)
    .post('/api/letters/preview')
    .send({ bioguide, sender, ...(district ? { district } : {}) });
  return res.status === 200 ? (res.body.ask as string) : res.status;
}
async function refresh() {
  return t.runtime.dataRefresh.refreshNow();
}

test('the operator timeline of 3 January 2027', async () => {
  // 2 January, 23:00 Eastern: the 119th Congress, whole.
  t.clock.set(ET('2027-01-02T23:00:00'));
  expect(house(await lookup('99501'))).toEqual(['A000001']);
  expect((await lookup('10001')).districts[0]).toMatchObject({ state: 'NY', district: 12 });
  expect(await letterTo('A000001')).toBe('support');
  expect(await letterTo('N000012')).toBe('support');

  // 3 January, 11:59 Eastern: the terms have not ended yet.
  t.clock.set(ET('2027-01-03T11:59:00'));
  expect((await lookup('99501')).data.stale).toBe(false);
  expect(await letterTo('A000001')).toBe('support');

  // 3 January, 12:01 Eastern: the terms have ended; the 119th data says so and refuses House letters.
  t.clock.set(ET('2027-01-03T12:01:00'));
  expect((await lookup('99501')).data.stale).toBe(true);
  // The House member's term has ended: no letter to them is previewed, as none would be saved or sent.
  expect(await letterTo('A000001')).toBe(409);
  // Upstream publishes the 120th members; nothing else yet.
  await writeSources(source, { members: 120 });
  await fs.writeFile(
    path.join(source, 'congress-legislators', 'legislators-current.json'),
    legislators(120, HOUSE_120),
  );
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  // Alaska: its one district is the state, so its re-elected member is served and written to.
  const alaska = await lookup('99501');
  expect(alaska.data).toMatchObject({ congress: 120, stale: false });
  expect(house(alaska)).toEqual(['A000001']);
  expect(await letterTo('A000001')).toBe('reintroduce');
  // New York: senators only, and the reason the House member is not known yet.
  const newYork = await lookup('10001');
  expect(newYork).toMatchObject({ needsFullAddress: true, districts: [] });
  expect(newYork.message).toContain("New York's new districts are not published yet");
  expect((await request(t.app).get('/readyz')).body.awaitingMaps).toEqual({
    zips: ['NY'],
    boundaries: ['NY'],
  });

  // 4 January: the Bureau publishes New York's block equivalency file.
  t.clock.set(ET('2027-01-04T12:00:00'));
  await fs.mkdir(path.join(source, 'census'), { recursive: true });
  await fs.writeFile(path.join(source, 'census', 'cd120.zip'), zipOf({ 'CD120_36.txt': NY_BEF }));
  await fs.writeFile(path.join(source, 'census', 'tab20_zcta520_tabblock20_natl.txt'), ZCTA_BLOCKS);
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  const redrawn = await lookup('10001');
  expect(redrawn.districts[0]).toMatchObject({ state: 'NY', district: 10, share: 0.8 });
  expect(house(redrawn)).toEqual(['N000110', 'N000012']);
  expect(await letterTo('N000110')).toBe('reintroduce');
  // Its boundaries are not published: "use my location" there asks for a street address.
  const located = await request(t.app).get('/api/representatives').query({ lat: 40.5, lon: -73.5 });
  expect(located.status).toBe(503);
  expect((await request(t.app).get('/readyz')).body.awaitingMaps).toEqual({
    zips: [],
    boundaries: ['NY'],
  });

  // 1 February: the relationship file and the boundaries are published.
  t.clock.set(ET('2027-02-01T12:00:00'));
  await writeSources(source, { members: 120, zips: 120, shapes: 120 });
  await fs.writeFile(
    path.join(source, 'congress-legislators', 'legislators-current.json'),
    legislators(120, HOUSE_120),
  );
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  expect(t.runtime.deps.civic.meta.awaitingMaps).toBeUndefined();
  expect(t.runtime.deps.civic.meta.previousMaps).toBeUndefined();
  const point = await request(t.app).get('/api/representatives').query({ lat: 40.5, lon: -73.5 });
  expect(point.body).toMatchObject({ precision: 'point', districts: [{ state: 'NY', district: 10 }] });
  expect(house(point.body)).toEqual(['N000110']);
  expect((await request(t.app).get('/readyz')).body.status).toBe('ready');

  // 1 March: nothing new; a refresh keeps everything whole.
  t.clock.set(ET('2027-03-01T12:00:00'));
  expect(await refresh()).toMatchObject({ ok: true, congress: 120 });
  expect(house(await lookup('99501'))).toEqual(['A000001']);
  // No reintroduced bill was adopted: the reintroduce ask stands.
  expect(await letterTo('N000110')).toBe('reintroduce');
});
