/**
 * The change of Congress: members, ZIP table and boundaries must all describe one Congress. Small files in
 * the real formats (congress-legislators JSON, the Census CD-ZCTA relationship file, cartographic boundary
 * GeoJSON) are written here for the 119th and the 120th.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCivicData } from '../../src/civic-data/import';
import { statesWithUnchangedMaps } from '../../src/civic-data/previous-maps';
import { loadCivicIndex } from '../../src/civic-data/load';
import { editManifest, makeTempDir, removeDir } from '../fixtures/civic/mirror';
import {
  HOUSE,
  legislators,
  PENN_PLAZA,
  PENN_PLAZA_PLACE,
  writeSources,
} from '../fixtures/civic/congress-sources';
import { createTestApp } from '../helpers/app';
import { startFakeCensusGeocoder } from '../helpers/fake-census-geocoder';

describe('importing across the change of Congress', () => {
  let root: string;
  let source: string;
  let out: string;

  beforeEach(async () => {
    root = await makeTempDir('congress-change-');
    source = path.join(root, 'source');
    out = path.join(root, 'data');
  });
  afterEach(() => removeDir(root));

  test('when the 120th members come with the 120th ZIP table and boundaries, then the index is the 120th, valid 2027-01-03 to 2029-01-03', async () => {
    await writeSources(source, { members: 120, zips: 120, shapes: 120 });
    const index = await importCivicData({ from: source, outDir: out });
    expect(index.meta).toMatchObject({
      congress: 120,
      validFrom: '2027-01-03',
      validUntil: '2029-01-03',
      snapshotDate: '2027-01-04',
    });
    expect(index.meta.sources?.members).toMatchObject({
      congress: 120,
      congressFrom: 'terms',
      dateFrom: 'manifest',
    });
    expect(index.meta.sources?.zips).toMatchObject({
      name: 'census/tab20_cd12020_zcta520_natl.txt',
      congress: 120,
      congressFrom: 'column',
      validFrom: '2027-01-03',
      validUntil: '2029-01-03',
    });
    expect(index.meta.sources?.shapes).toMatchObject({ congress: 120, congressFrom: 'property' });
    expect(index.meta.previousMaps).toBeUndefined();
    expect(index.zips['10001']!.districts).toEqual([
      { state: 'NY', district: 10, share: 0.8 },
      { state: 'NY', district: 12, share: 0.2 },
    ]);
    const shapes = JSON.parse(await fs.readFile(path.join(out, 'districts.json'), 'utf8'));
    expect(shapes.meta).toMatchObject({ congress: 120, features: 4 });
    expect(loadCivicIndex(out).isStale(new Date('2027-06-01T00:00:00Z'))).toBe(false);
  });

  test('when the 120th members come with the 119th maps, then the members are taken, the single-seat states keep their maps and New York is named as not published', async () => {
    await writeSources(source, { members: 119, zips: 119, shapes: 119 });
    await importCivicData({ from: source, outDir: out });

    await writeSources(source, { members: 120, zips: 119, shapes: 119 });
    const index = await importCivicData({ from: source, outDir: out });
    expect(index.meta.congress).toBe(120);
    // Alaska and DC have one seat in both Congresses: their maps are their borders. New York may have
    // been redrawn, and equal district numbers do not prove otherwise.
    expect(index.meta.previousMaps).toEqual({ congress: 119, states: ['AK', 'DC'] });
    expect(index.meta.awaitingMaps).toEqual({ zips: ['NY'], boundaries: ['NY'] });
    expect(Object.keys(index.zips).sort()).toEqual(['20001', '99501']);
    const shapes = JSON.parse(await fs.readFile(path.join(out, 'districts.json'), 'utf8'));
    expect(shapes.meta).toMatchObject({
      congress: 120,
      indexImportedAt: index.meta.importedAt,
      previousMaps: { congress: 119, states: ['AK', 'DC'] },
    });
    expect(shapes.districts.map((d: { state: string }) => d.state).sort()).toEqual(['AK', 'DC']);
  });

  test('when the maps are newer than the members, then the import is refused and says to fetch the members again', async () => {
    await writeSources(source, { members: 119, zips: 120 });
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /the member list is still the 119th's: fetch the member list again once upstream has updated it \(from 2027-01-03\)/,
    );
  });

  test('when a member list mixes House terms of two Congresses, then it is refused with counts', async () => {
    await writeSources(source, { members: 120, zips: 120 });
    const file = path.join(source, 'congress-legislators', 'legislators-current.json');
    const records = JSON.parse(await fs.readFile(file, 'utf8')) as Array<{
      terms: Array<Record<string, string>>;
    }>;
    records[0]!.terms[0]!.start = '2025-01-03';
    records[0]!.terms[0]!.end = '2027-01-03';
    await fs.writeFile(file, JSON.stringify(records));
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /House terms belong to two Congresses \(119th Congress: 1 \(e\.g\. A000001\); 120th Congress: 3/,
    );
  });

  test('when a folder has no date for the member data, then the import says how to give one', async () => {
    await writeSources(source, { members: 119, zips: 119 });
    await editManifest(source, { members: { date: undefined } });
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /the member data's date is unknown .* --data-date YYYY-MM-DD/,
    );
    const index = await importCivicData({ from: source, outDir: out, dataDate: '2026-06-15' });
    expect(index.meta.sources?.members).toMatchObject({ date: '2026-06-15', dateFrom: 'operator' });
  });

  describe('taking what is published', () => {
    test('when the ZIP table is the previous Congress, then only states proven unchanged keep it, and the index says so', async () => {
      await writeSources(source, { members: 120, zips: 119 });
      const index = await importCivicData({ from: source, outDir: out });
      expect(index.meta.congress).toBe(120);
      // Alaska and DC have one seat in both Congresses: their maps are their borders. New York may have
      // been redrawn, and equal district numbers do not prove otherwise: its ZIP rows are left out.
      expect(index.meta.previousMaps).toEqual({ congress: 119, states: ['AK', 'DC'] });
      expect(Object.keys(index.zips).sort()).toEqual(['20001', '99501']);
      expect(index.meta.sources?.zips.congress).toBe(119);
    });

    test("when the boundaries are the previous Congress's and the index in service has the previous ZIP table, then states with identical ZIP lists keep their boundaries", async () => {
      await writeSources(source, { members: 119, zips: 119, shapes: 119 });
      await importCivicData({ from: source, outDir: out });
      await writeSources(source, { members: 120, zips: 120, shapes: 119 });
      const index = await importCivicData({ from: source, outDir: out });
      expect(index.meta.previousMaps).toEqual({ congress: 119, states: ['AK', 'DC'] });
      expect(index.meta.awaitingMaps).toEqual({ zips: [], boundaries: ['NY'] });
      const shapes = JSON.parse(await fs.readFile(path.join(out, 'districts.json'), 'utf8'));
      expect(shapes.districts.map((d: { state: string }) => d.state).sort()).toEqual(['AK', 'DC']);
      // The 120th ZIP table is used whole.
      expect(index.zips['10001']!.districts[0]).toEqual({ state: 'NY', district: 10, share: 0.8 });
    });

    test('when maps two Congresses old are offered, then they are never used', async () => {
      await writeSources(source, { members: 121, zips: 119 });
      await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(/different Congresses/);
    });
  });
});

describe('statesWithUnchangedMaps', () => {
  const member = (state: string, district: number) =>
    ({ chamber: 'house', state, district }) as Parameters<typeof statesWithUnchangedMaps>[1][number];

  test('a state whose ZIP lists are identical is proven; one whose districts kept their numbers but moved is not', () => {
    const before = new Map([
      ['10001', [{ state: 'NY', district: 12 }]],
      ['73301', [{ state: 'TX', district: 10 }]],
    ]);
    const after = new Map([
      ['10001', [{ state: 'NY', district: 12 }]],
      ['73301', [{ state: 'TX', district: 37 }]],
    ]);
    expect(
      statesWithUnchangedMaps(
        [...before.values()].flat(),
        [member('NY', 12), member('TX', 37)],
        before,
        after,
      ),
    ).toEqual(['NY']);
  });
});

describe('what the pages say about the data', () => {
  test("when the mirror is served, then pages give the member data's own date (2026-06-15), not a file's", async () => {
    const t = await createTestApp();
    try {
      const page = await request(t.app).get('/').expect(200);
      expect(page.text).toContain('Member data as of 2026-06-15 (119th Congress)');
      expect(page.text).not.toContain('previous maps');
    } finally {
      await t.close();
    }
  });

  test('when new members are served on the previous maps, then every page says where', async () => {
    const root = await makeTempDir('previous-maps-');
    try {
      await writeSources(path.join(root, 'source'), { members: 120, zips: 119 });
      await importCivicData({
        from: path.join(root, 'source'),
        outDir: path.join(root, 'data'),
      });
      const t = await createTestApp({ DATA_DIR: path.join(root, 'data') });
      try {
        const page = await request(t.app).get('/').expect(200);
        expect(page.text).toContain('Member data as of 2027-01-04 (120th Congress)');
        expect(page.text).toContain(
          'In AK, DC, where the maps did not change, we use the 119th Congress&#x27;s maps',
        );
      } finally {
        await t.close();
      }
    } finally {
      await removeDir(root);
    }
  });
});

describe('the change of Congress in a running server', () => {
  test('when the 119th data is served and the 120th members and maps arrive, then the new members are served at the new districts without a restart', async () => {
    const root = await makeTempDir('full-path-');
    // The geocoder's stand-in: 1 Penn Plaza is in NY-12 on the 119th map, NY-10 on the 120th.
    const geocoder = await startFakeCensusGeocoder();
    geocoder.places.set(PENN_PLAZA.toUpperCase(), PENN_PLAZA_PLACE);
    try {
      const source = path.join(root, 'source');
      const data = path.join(root, 'data');
      await writeSources(source, { members: 119, zips: 119, shapes: 119 });
      await importCivicData({ from: source, outDir: data });
      // The server's own refresh with the real import, save the count checks sized for the nation.
      const t = await createTestApp({
        DATA_DIR: data,
        CIVIC_DATA_FROM: source,
        CENSUS_GEOCODER_ENABLED: 'true',
        CENSUS_GEOCODER_URL: geocoder.url,
      });
      try {
        const before = await request(t.app).get('/api/representatives').query({ zip: '10001' }).expect(200);
        expect(before.body.data.congress).toBe(119);
        expect(before.body.districts[0]).toMatchObject({ state: 'NY', district: 12, share: 0.75 });
        const addressBefore = await request(t.app)
          .get('/api/representatives')
          .query({ address: PENN_PLAZA })
          .expect(200);
        expect(addressBefore.body).toMatchObject({ precision: 'address', districts: [{ district: 12 }] });
        expect(geocoder.queries.at(-1)?.get('vintage')).toBe('ACS2025_Current');

        // 3 January 2027: upstream has the 120th members, the Bureau the 120th maps (New York redrawn).
        const newHouse = HOUSE.map((seat) =>
          seat.bioguide === 'N000010' ? { ...seat, bioguide: 'N000110', last: 'Newcomer' } : seat,
        );
        await writeSources(source, { members: 120, zips: 120, shapes: 120 });
        await fs.writeFile(
          path.join(source, 'congress-legislators', 'legislators-current.json'),
          legislators(120, newHouse),
        );
        const refreshed = await t.runtime.dataRefresh.refreshNow();
        expect(refreshed).toMatchObject({ ok: true, congress: 120 });

        const after = await request(t.app).get('/api/representatives').query({ zip: '10001' }).expect(200);
        expect(after.body.data).toMatchObject({ congress: 120, validUntil: '2029-01-03' });
        expect(after.body.districts[0]).toMatchObject({ state: 'NY', district: 10, share: 0.8 });
        expect(after.body.members.map((m: { bioguide: string }) => m.bioguide)).toContain('N000110');
        // By street address (the geocoder moved to the vintage of the 120th's map) and by location.
        const address = await request(t.app).get('/api/representatives').query({ address: PENN_PLAZA });
        expect(address.body).toMatchObject({
          precision: 'address',
          districts: [{ state: 'NY', district: 10 }],
        });
        expect(geocoder.queries.at(-1)?.get('vintage')).toBe('Current_Current');
        const point = await request(t.app).get('/api/representatives').query({ lat: 40.5, lon: -73.5 });
        expect(point.body).toMatchObject({ precision: 'point', data: { congress: 120 } });
        expect(point.body.members.map((m: { bioguide: string }) => m.bioguide)).toContain('N000110');
        const page = await request(t.app).get('/').expect(200);
        expect(page.text).toContain('Member data as of 2027-01-04 (120th Congress)');
      } finally {
        await t.close();
      }
    } finally {
      await geocoder.close();
      await removeDir(root);
    }
  });
});
