/**
 * The server's refresh takes what is published, source by source: members first; per state the new
 * Congress's ZIP table and boundaries when the publishers' servers have them, the previous Congress's
 * where the state's map is proven unchanged, and otherwise nothing, with the state named on the pages, on
 * /readyz and on the admin page. The sources come from a local stand-in for the publishers' servers at the
 * URLs configured in CIVIC_MEMBERS_URL and CENSUS_FILES_URL (a file not published answers 404).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCivicData } from '../../src/civic-data/import';
import {
  PENN_PLAZA,
  PENN_PLAZA_PLACE,
  publishSources,
  writeSources,
  type PublishedSources,
} from '../fixtures/civic/congress-sources';
import { makeTempDir, removeDir } from '../fixtures/civic/mirror';
import { createTestApp, type TestApp } from '../helpers/app';
import { startFakeCensusGeocoder } from '../helpers/fake-census-geocoder';
import { csrfSession } from '../web/security-helpers';

const ADMIN_TOKEN = 'admin-token-for-published-refresh';

let root: string;
let source: string;
let data: string;
let published: PublishedSources;
let t: TestApp | undefined;

beforeEach(async () => {
  root = await makeTempDir('published-refresh-');
  source = path.join(root, 'source');
  data = path.join(root, 'data');
  // In service: the 119th Congress, whole.
  await writeSources(source, { members: 119, zips: 119, shapes: 119 });
  await importCivicData({ from: source, outDir: data });
  published = await publishSources(source, new Date('2027-01-03T18:00:00Z'));
});

/** The server, configured with the stand-in's URLs; on 3 January 2027 at 13:00 Eastern. */
async function startServer(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp({
    ...env,
    DATA_DIR: data,
    CIVIC_MEMBERS_URL: published.membersUrl,
    CENSUS_FILES_URL: published.censusUrl,
    ZCCD_URL: `${published.membersUrl}/zccd.csv`,
    // The stand-in's files are a few seats: their manifest says so (a national file would hold more).
    CIVIC_DATA_MANIFEST: path.join(source, 'manifest.json'),
    ADMIN_TOKEN,
  });
  t.clock.set(new Date('2027-01-03T18:00:00Z'));
}

afterEach(async () => {
  await t?.close();
  await published.close();
  await removeDir(root);
});

const server = (): TestApp => t!;

async function adminPage(): Promise<string> {
  const { agent, token } = await csrfSession(server().app, '/admin');
  await agent.post('/admin/login').type('form').send({ token: ADMIN_TOKEN, _csrf: token }).expect(303);
  return (await agent.get('/admin').expect(200)).text;
}

describe('a refresh that takes what is published', () => {
  test('when the boundary file answers 404, then the members and the ZIP table are taken and the states without boundaries are named', async () => {
    // 3 January: the 120th members and the 120th ZIP table (New York redrawn); no 120th boundary file.
    await writeSources(source, { members: 120, zips: 120 });
    await startServer();
    const t = server();

    const outcome = await t.runtime.dataRefresh.refreshNow();

    expect(outcome).toMatchObject({ ok: true, congress: 120 });
    expect(published.requests).toContainEqual({
      path: '/census/geo/tiger/GENZ2026/shp/cb_2026_us_cd120_20m.zip',
      status: 404,
    });
    const meta = t.runtime.deps.civic.meta;
    expect(meta.awaitingMaps).toEqual({ zips: [], boundaries: ['NY'] });
    // Alaska's and DC's maps are their borders: their 119th boundaries stay in service.
    expect(meta.previousMaps).toEqual({ congress: 119, states: ['AK', 'DC'] });
    expect(meta.sources?.members).toMatchObject({ congress: 120, date: '2027-01-03' });

    // A ZIP lookup in New York answers from the 120th table.
    const zip = await request(t.app).get('/api/representatives').query({ zip: '10001' }).expect(200);
    expect(zip.body.data.congress).toBe(120);
    expect(zip.body.districts[0]).toMatchObject({ state: 'NY', district: 10, share: 0.8 });
    // Location: Alaska answers from the kept boundaries; New York asks for a street address.
    const alaska = await request(t.app).get('/api/representatives').query({ lat: 61.5, lon: -149.5 });
    expect(alaska.status).toBe(200);
    expect(alaska.body.districts[0]).toMatchObject({ state: 'AK', district: 0 });
    const newYork = await request(t.app).get('/api/representatives').query({ lat: 40.5, lon: -73.5 });
    expect(newYork.status).toBe(503);
    expect(JSON.stringify(newYork.body)).toContain('Enter your street address');

    // Named for operators and for the organiser.
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.degraded).toContain('district boundaries of Congress 120 are not published yet for NY');
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).toContain('In New York, finding your district from your location waits');
    expect(await adminPage()).toContain('District boundaries not published yet:</strong> New York');

    // On disk: the boundaries written with this index, and only the proven states'.
    const shapes = JSON.parse(await fs.readFile(path.join(data, 'districts.json'), 'utf8'));
    expect(shapes.meta).toMatchObject({ congress: 120, indexImportedAt: meta.importedAt });
    expect(shapes.districts.map((d: { state: string }) => d.state).sort()).toEqual(['AK', 'DC']);
  });

  test('when only the members are published, then they are taken, the single-seat states are served and New York is named on its lookup', async () => {
    await writeSources(source, { members: 120 });
    await startServer();
    const t = server();

    expect(await t.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: true, congress: 120 });

    expect(t.runtime.deps.civic.meta.awaitingMaps).toEqual({ zips: ['NY'], boundaries: ['NY'] });
    const alaska = await request(t.app).get('/api/representatives').query({ zip: '99501' }).expect(200);
    expect(alaska.body.members.map((m: { bioguide: string }) => m.bioguide)).toContain('A000001');
    const newYork = await request(t.app).get('/api/representatives').query({ zip: '10001' }).expect(200);
    expect(newYork.body).toMatchObject({ needsFullAddress: true, data: { congress: 120 } });
    expect(newYork.body.message).toContain(
      "New York's new districts are not published yet; enter your street address",
    );
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.degraded).toContain(
      'the ZIP table of Congress 120 is not published yet for NY; lookups there need a street address',
    );
    const page = await request(t.app).get('/?lang=es').expect(200);
    expect(page.text).toContain(
      'Los nuevos distritos del 120.º Congreso aún no se han publicado para New York',
    );
  });

  test('when a source is malformed, then the refresh fails and the data in service stays whole, in memory and on disk', async () => {
    const before = await fs.readFile(path.join(data, 'civic-index.json'), 'utf8');
    await writeSources(source, { members: 120, zips: 120, shapes: 120 });
    await fs.writeFile(path.join(source, 'cd120-shapes', 'cb_2026_us_cd120_20m.geojson'), '{"type":');
    await startServer();
    const t = server();

    expect(await t.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: false });

    expect(t.runtime.deps.civic.meta.congress).toBe(119);
    expect(await fs.readFile(path.join(data, 'civic-index.json'), 'utf8')).toBe(before);
    const shapes = JSON.parse(await fs.readFile(path.join(data, 'districts.json'), 'utf8'));
    expect(shapes.meta.congress).toBe(119);
  });

  test('when the Census geocoder is on (production), then a located point where no boundaries are published is answered on the new map by its coordinates service', async () => {
    const geocoder = await startFakeCensusGeocoder();
    geocoder.places.set(PENN_PLAZA.toUpperCase(), PENN_PLAZA_PLACE);
    try {
      await writeSources(source, { members: 120, zips: 120 });
      await startServer({ CENSUS_GEOCODER_ENABLED: 'true', CENSUS_GEOCODER_URL: geocoder.url });
      const t = server();
      expect(await t.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: true, congress: 120 });

      const point = await request(t.app).get('/api/representatives').query({ lat: 40.5, lon: -73.5 });

      expect(point.status).toBe(200);
      expect(point.body).toMatchObject({
        precision: 'point',
        districts: [{ state: 'NY', district: 10 }],
        data: { congress: 120 },
      });
      // Asked on the vintage whose districts are the 120th's (Current_Current), not the 119th's.
      expect(geocoder.points).toContainEqual({ x: -73.5, y: 40.5, vintage: 'Current_Current' });
    } finally {
      await geocoder.close();
    }
  });
});
