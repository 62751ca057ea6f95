import { promises as fs } from 'node:fs';
import path from 'node:path';
import { importCivicData } from '../../src/civic-data/import';
import { HOUSE_WRITE_YOUR_REP_URL, repairUrl } from '../../src/civic-data/members-import';
import { relationshipFileName } from '../../src/civic-data/zip-table-import';
import { CANONICAL_SOURCE_URLS } from '../../src/config/config';
import type { CivicIndexFile } from '../../src/civic-data/types';
import { DataError } from '../../src/platform/errors';
import { main } from '../../scripts/data-update';
import {
  FIXTURE_DATA_DIR,
  FIXTURES_DIR,
  NATIONAL_MANIFEST,
  TEST_NOW,
  copyFixtureSources,
  editManifest,
  describeWithNationalData,
  importFixture,
  importNationalData,
  makeTempDir,
  nationalDataDir,
  removeDir,
} from '../fixtures/civic/mirror';
import { startFileServer, type FileServer } from '../helpers/file-server';

/** The number of member records in the fixture. */
async function fixtureMemberCount(): Promise<number> {
  const file = path.join(FIXTURE_DATA_DIR, 'congress-legislators', 'legislators-current.json');
  return (JSON.parse(await fs.readFile(file, 'utf8')) as unknown[]).length;
}

describeWithNationalData('importCivicData on the national data mirror', () => {
  let dir: string;
  let index: CivicIndexFile;

  beforeAll(async () => {
    ({ dir, index } = await importNationalData());
  });
  afterAll(() => removeDir(dir));

  test('when the mirror is imported, then it counts 100 senators, 431 representatives and 6 delegates', () => {
    expect(index.meta.counts).toMatchObject({
      senators: 100,
      representatives: 431,
      delegates: 6,
      vacancies: 4,
    });
    expect(index.members).toHaveLength(537);
    expect(index.meta.counts.zips).toBe(33_774);
  });

  test('when seats have no member, then CA-14, FL-20, GA-13 and TX-23 are vacancies', () => {
    expect(index.vacancies).toEqual([
      { state: 'CA', district: 14 },
      { state: 'FL', district: 20 },
      { state: 'GA', district: 13 },
      { state: 'TX', district: 23 },
    ]);
    // 435 voting seats + DC + PR + AS, GU, MP, VI.
    expect(index.districts).toHaveLength(441);
  });

  test("when imported, then meta carries the data's own date, the Congress read from the data and its window", () => {
    expect(index.meta.source).toBe(nationalDataDir());
    // The member snapshot's date (from the manifest), not a file's modification time.
    expect(index.meta.snapshotDate).toBe('2026-06-15');
    expect(index.meta.importedAt).toBe(TEST_NOW.toISOString());
    expect(index.meta).toMatchObject({ congress: 119, validFrom: '2025-01-03', validUntil: '2027-01-03' });
    expect(index.meta.sources).toEqual({
      members: {
        name: 'congress-legislators/legislators-current.json',
        congress: 119,
        congressFrom: 'terms',
        date: '2026-06-15',
        dateFrom: 'manifest',
        validFrom: '2025-01-03',
        validUntil: '2027-01-03',
      },
      zips: {
        name: 'us-zipcodes-congress/zccd.csv',
        congress: 119,
        congressFrom: 'known file',
        date: '2024-11-12',
        dateFrom: 'known file',
        validFrom: '2025-01-03',
        validUntil: '2027-01-03',
      },
      shapes: {
        name: 'congressional_districts_cb2024_20m.geojson',
        congress: 119,
        congressFrom: 'property',
        date: null,
        dateFrom: null,
        validFrom: '2025-01-03',
        validUntil: '2027-01-03',
      },
    });
  });

  test('when offices and social accounts are attached, then most members have social accounts', () => {
    expect(index.members.filter((m) => Object.keys(m.social).length > 0).length).toBeGreaterThan(500);
  });
});

describeWithNationalData('importCivicData on the national mirror without a manifest', () => {
  test("when the mirror's member file is the known published snapshot, then its date needs no manifest", async () => {
    const out = await makeTempDir('civic-known-');
    try {
      const index = await importCivicData({ from: nationalDataDir(), outDir: out, now: TEST_NOW });
      expect(index.meta.snapshotDate).toBe('2026-06-15');
      expect(index.meta.sources?.members).toMatchObject({ date: '2026-06-15', dateFrom: 'known file' });
    } finally {
      await removeDir(out);
    }
  });
});

describe('importCivicData on the fixture (real formats, a selection of members)', () => {
  let dir: string;
  let index: CivicIndexFile;

  beforeAll(async () => {
    ({ dir, index } = await importFixture());
  });
  afterAll(() => removeDir(dir));

  test('when the fixture is imported, then its Congress, date and window come from the data and its manifest', async () => {
    expect(index.members).toHaveLength(await fixtureMemberCount());
    expect(index.meta).toMatchObject({
      source: FIXTURE_DATA_DIR,
      snapshotDate: '2026-06-15',
      congress: 119,
      validFrom: '2025-01-03',
      validUntil: '2027-01-03',
    });
    expect(index.meta.sources?.shapes).toMatchObject({ congress: 119, congressFrom: 'property' });
    expect(index.vacancies).toContainEqual({ state: 'CA', district: 14 });
  });

  test('when the index file is written, then it holds the same data as returned', async () => {
    const written = JSON.parse(
      await fs.readFile(path.join(dir, 'civic-index.json'), 'utf8'),
    ) as CivicIndexFile;
    expect(written.meta.counts).toEqual(index.meta.counts);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('when a member is a senator, then title, formalName and contact form come from the last term', () => {
    const cantwell = index.members.find((m) => m.bioguide === 'C000127')!;
    expect(cantwell).toMatchObject({
      chamber: 'senate',
      name: 'Maria Cantwell',
      title: 'Senator',
      formalName: 'Senator Maria Cantwell',
      state: 'WA',
      district: null,
      phone: '202-224-3441',
      dcOffice: '511 Hart Senate Office Building',
      contactUrl: 'https://www.cantwell.senate.gov/public/index.cfm/email-maria',
    });
  });

  test('when the seat is DC, PR or a territory, then the title is Delegate or Resident Commissioner', () => {
    const titles = Object.fromEntries(
      index.members
        .filter((m) => ['DC', 'PR', 'AS', 'GU', 'MP', 'VI'].includes(m.state))
        .map((m) => [m.state, m.title]),
    );
    expect(titles).toEqual({
      DC: 'Delegate',
      PR: 'Resident Commissioner',
      AS: 'Delegate',
      GU: 'Delegate',
      MP: 'Delegate',
      VI: 'Delegate',
    });
    const pr = index.members.find((m) => m.state === 'PR')!;
    expect(pr.formalName).toBe(`Resident Commissioner ${pr.name}`);
    expect(pr.district).toBe(0);
  });

  test('when official_full is missing, then the name is first + last', () => {
    const mejia = index.members.find((m) => m.bioguide === 'M001246')!;
    expect(mejia.name).toBe('Analilia Mejia');
    expect(mejia.formalName).toBe('Representative Analilia Mejia');
  });

  test('when a House member has no contact form, then contactUrl is the House "Write Your Representative" service', () => {
    const noWebsite = index.members.find((m) => m.bioguide === 'G000607')!;
    expect(noWebsite.url).toBeNull();
    expect(noWebsite.contactUrl).toBe(HOUSE_WRITE_YOUR_REP_URL);
    for (const m of index.members) expect(() => new URL(m.contactUrl)).not.toThrow();
  });

  test('when a contact form URL has a mistyped scheme, then it is repaired', () => {
    const fine = index.members.find((m) => m.bioguide === 'F000484')!;
    expect(fine.contactUrl).toBe('https://fine.house.gov/address_authentication?form=/contact/email-me');
  });

  test('when offices and social accounts exist, then they are attached, with suite numbers spelled out', () => {
    const aderholt = index.members.find((m) => m.bioguide === 'A000055')!;
    expect(aderholt.districtOffices.length).toBeGreaterThan(0);
    expect(aderholt.districtOffices[0]).toMatchObject({ city: 'Cullman', state: 'AL', zip: '35055' });
    expect(aderholt.districtOffices[0]!.address).toBe('205 4th Ave. NE, Suite 104');
    const numericSuite = index.members.find((m) => m.bioguide === 'D000230')!;
    expect(numericSuite.districtOffices.some((o) => /Suite \d+/.test(o.address))).toBe(true);
    expect(index.members.filter((m) => Object.keys(m.social).length > 0).length).toBeGreaterThan(
      index.members.length / 2,
    );
    for (const m of index.members) for (const v of Object.values(m.social)) expect(typeof v).toBe('string');
  });

  test('when ZIP rows are read, then districts are numbers and ZIPs are 5 digits', () => {
    expect(index.zips['62704']).toEqual({ districts: [{ state: 'IL', district: 13 }] });
    expect(index.zips['00601']).toEqual({ districts: [{ state: 'PR', district: 0 }] });
    expect(Object.keys(index.zips).every((z) => /^\d{5}$/.test(z))).toBe(true);
  });
});

describe('repairUrl', () => {
  test.each([
    ['www.example.house.gov', 'https://www.example.house.gov/'],
    ['http://smith.house.gov/contact', 'https://smith.house.gov/contact'],
    ['http://example.com/x', 'http://example.com/x'],
    ['hhttps://fine.house.gov/a', 'https://fine.house.gov/a'],
    ['https://ok.senate.gov/contact form', null],
    ['not a url', null],
    ['mailto:someone@house.gov', null],
    ['', null],
    [undefined, null],
  ])('when the value is %p, then it becomes %p', (input, expected) => {
    expect(repairUrl(input)).toBe(expected);
  });
});

describe('importCivicData with a malformed source', () => {
  let source: string;
  let out: string;

  beforeAll(async () => {
    source = await copyFixtureSources({ zccd: true });
    out = await makeTempDir('civic-out-');
  });
  afterAll(async () => {
    await removeDir(source);
    await removeDir(out);
  });

  test('when a legislator has no bioguide, then the error names file, record and field, and the good index stays', async () => {
    await importCivicData({ from: source, outDir: out, now: TEST_NOW });
    const indexFile = path.join(out, 'civic-index.json');
    const good = await fs.readFile(indexFile, 'utf8');

    const file = path.join(source, 'congress-legislators', 'legislators-current.json');
    const records = JSON.parse(await fs.readFile(file, 'utf8')) as Array<{ id: Record<string, unknown> }>;
    delete records[5]!.id.bioguide;
    await fs.writeFile(file, JSON.stringify(records));

    const attempt = importCivicData({
      from: source,
      outDir: out,
      now: new Date('2026-12-01T00:00:00Z'),
    });
    await expect(attempt).rejects.toBeInstanceOf(DataError);
    await expect(attempt).rejects.toThrow(
      /legislators-current\.json: record 5 \(no bioguide\): field "id\.bioguide"/,
    );
    expect(await fs.readFile(indexFile, 'utf8')).toBe(good);
    expect(await fs.readdir(out)).toEqual(['civic-index.json']);
  });

  test('when a representative has no district, then the error names the bioguide and the term field', async () => {
    const file = path.join(source, 'congress-legislators', 'legislators-current.json');
    const records = JSON.parse(
      await fs.readFile(
        path.join(FIXTURE_DATA_DIR, 'congress-legislators', 'legislators-current.json'),
        'utf8',
      ),
    ) as Array<{
      id: { bioguide: string };
      terms: Array<Record<string, unknown>>;
    }>;
    const i = records.findIndex((r) => r.terms.at(-1)!.type === 'rep');
    delete records[i]!.terms.at(-1)!.district;
    await fs.writeFile(file, JSON.stringify(records));
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      new RegExp(`record ${i} \\(bioguide ${records[i]!.id.bioguide}\\): field "terms\\[\\d+\\]\\.district"`),
    );
  });

  test('when a ZIP row is broken, then the error names zccd.csv, the line and the field', async () => {
    await fs.cp(
      path.join(FIXTURE_DATA_DIR, 'congress-legislators', 'legislators-current.json'),
      path.join(source, 'congress-legislators', 'legislators-current.json'),
    );
    await fs.chmod(path.join(source, 'congress-legislators', 'legislators-current.json'), 0o644);
    const csv = path.join(source, 'us-zipcodes-congress', 'zccd.csv');
    const lines = (await fs.readFile(csv, 'utf8')).split('\n');
    lines[3] = '01,AL,3500,3\r';
    await fs.writeFile(csv, lines.join('\n'));
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /zccd\.csv: line 4 \(zcta 3500\): field "zcta" must be 5 digits/,
    );
  });

  test('when a source file is missing, then the error names it', async () => {
    const empty = await makeTempDir('civic-empty-');
    try {
      await expect(importCivicData({ from: empty, outDir: out })).rejects.toThrow(
        /\.(json|csv): cannot read .*\(ENOENT\)/,
      );
    } finally {
      await removeDir(empty);
    }
  });
});

describe('importCivicData with the Census CD119-ZCTA relationship file', () => {
  let source: string;
  let out: string;

  beforeAll(async () => {
    source = await copyFixtureSources({ zccd: false });
    await editManifest(source, { zips: { records: 6 } });
    out = await makeTempDir('civic-out-');
  });
  afterAll(async () => {
    await removeDir(source);
    await removeDir(out);
  });

  test.each([`census/${relationshipFileName(119)}`, relationshipFileName(119)])(
    'when the file is at %s, then ZIP districts are ordered by overlap land area with shares',
    async (placement) => {
      await fs.rm(path.join(source, 'census'), { recursive: true, force: true });
      await fs.rm(path.join(source, relationshipFileName(119)), { force: true });
      await fs.mkdir(path.dirname(path.join(source, placement)), { recursive: true });
      await fs.copyFile(
        path.join(FIXTURES_DIR, 'census', relationshipFileName(119)),
        path.join(source, placement),
      );

      const index = await importCivicData({ from: source, outDir: out, now: TEST_NOW });
      expect(index.meta.counts.zips).toBe(6);
      expect(index.zips['10001']!.districts).toEqual([
        { state: 'NY', district: 12, share: 0.75 },
        { state: 'NY', district: 10, share: 0.25 },
      ]);
      expect(index.zips['30165']!.districts).toEqual([
        { state: 'GA', district: 14, share: 0.9 },
        { state: 'AL', district: 3, share: 0.1 },
      ]);
      expect(index.zips['20001']!.districts).toEqual([{ state: 'DC', district: 0, share: 1 }]);
      expect(index.zips['00601']!.districts).toEqual([{ state: 'PR', district: 0, share: 1 }]);
      expect(index.zips['99501']!.districts).toEqual([{ state: 'AK', district: 0, share: 1 }]);
      expect(index.zips['96000']).toBeUndefined();
      expect(index.members).toHaveLength(await fixtureMemberCount());
    },
  );

  test('when the ZIP table holds fewer ZIP areas than its manifest says, then it is refused as truncated', async () => {
    await editManifest(source, { zips: { records: 7 } });
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /tab20_cd11920_zcta520_natl\.txt: only 6 zips \(expected at least 7\); the file looks truncated/,
    );
  });

  test("when the manifest gives no sizes, then the sample is held to a national file's and refused as truncated", async () => {
    await editManifest(source, { members: { records: undefined }, zips: { records: undefined } });
    await expect(importCivicData({ from: source, outDir: out })).rejects.toThrow(
      /legislators-current\.json: only \d+ senators \(expected at least 90\); the file looks truncated/,
    );
  });
});

describe("importCivicData from the publishers' URLs", () => {
  /** The fixture's files at the publishers' paths (CIVIC_MEMBERS_URL, CENSUS_FILES_URL, ZCCD_URL). */
  const files: Record<string, string> = {
    '/congress-legislators/legislators-current.json': 'congress-legislators/legislators-current.json',
    '/congress-legislators/legislators-district-offices.json':
      'congress-legislators/legislators-district-offices.json',
    '/congress-legislators/legislators-social-media.json':
      'congress-legislators/legislators-social-media.json',
    '/zccd.csv': 'us-zipcodes-congress/zccd.csv',
    '/census/geo/tiger/GENZ2024/shp/cb_2024_us_cd119_20m.zip':
      'cd119-shapes/congressional_districts_cb2024_20m.geojson',
  };
  let out: string;
  let publisher: FileServer;
  const urlsAt = (base: string) => ({
    ...CANONICAL_SOURCE_URLS,
    members: `${base}/congress-legislators`,
    census: `${base}/census`,
    zccd: `${base}/zccd.csv`,
  });
  beforeAll(async () => {
    out = await makeTempDir('civic-out-');
    publisher = await startFileServer(async (urlPath) =>
      files[urlPath]
        ? {
            body: await fs.readFile(path.join(FIXTURE_DATA_DIR, files[urlPath]!)),
            headers: { 'last-modified': 'Mon, 15 Jun 2026 08:00:00 GMT' },
          }
        : undefined,
    );
  });
  afterAll(async () => {
    await publisher.close();
    await removeDir(out);
  });

  test("when downloads succeed, then the URLs are templated by the members' Congress and dated by Last-Modified", async () => {
    const index = await importCivicData({
      outDir: out,
      urls: urlsAt(publisher.url),
      now: TEST_NOW,
      // The fixture's zccd.csv is not the published file, so its Congress comes from its manifest.
      manifest: path.join(FIXTURE_DATA_DIR, 'manifest.json'),
    });
    // The Census relationship file and BEF of the 119th Congress are asked for first, then zccd.csv.
    expect(publisher.requested).toEqual(
      expect.arrayContaining([
        ...Object.keys(files),
        '/census/geo/docs/maps-data/data/rel2020/cd-sld/tab20_cd11920_zcta520_natl.txt',
        '/census/programs-surveys/decennial/rdo/mapping-files/2025/119-congressional-district-befs/cd119.zip',
      ]),
    );
    expect(index.meta.source).toContain(`${publisher.url}/congress-legislators/legislators-current.json`);
    expect(index.meta.snapshotDate).toBe('2026-06-15');
    expect(index.meta.sources?.members.dateFrom).toBe('last-modified');
    expect(index.meta.sources?.shapes?.name).toBe(
      `${publisher.url}/census/geo/tiger/GENZ2024/shp/cb_2024_us_cd119_20m.zip`,
    );
    expect(index.members).toHaveLength(await fixtureMemberCount());
    expect((await fs.readdir(out)).sort()).toEqual(['civic-index.json', 'districts.json']);
  });

  test('when a download fails, then the error names the URL', async () => {
    const empty = await startFileServer(() => undefined);
    try {
      await expect(importCivicData({ outDir: out, urls: urlsAt(empty.url) })).rejects.toThrow(
        /http:\/\/127\.0\.0\.1:\d+\/.*: download failed with HTTP 404/,
      );
    } finally {
      await empty.close();
    }
  });
});

describeWithNationalData('scripts/data-update main on the national mirror', () => {
  let out: string;
  beforeAll(async () => {
    out = await makeTempDir('civic-cli-');
  });
  afterAll(() => removeDir(out));

  test('when run with --from and --out, then it prints a one-line summary and exits 0', async () => {
    const logs: string[] = [];
    const code = await main(
      ['--from', nationalDataDir(), '--out', out, '--manifest', NATIONAL_MANIFEST],
      {},
      { log: (l) => logs.push(l), error: (l) => logs.push(l) },
    );
    expect(code).toBe(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /119th Congress \(2025-01-03 to 2027-01-03\); 100 senators, 431 representatives, 6 delegates; 4 vacancies \(CA-14, FL-20, GA-13, TX-23\)/,
    );
    expect(logs[0]).toMatch(/member data of 2026-06-15/);
  });
});

describe('scripts/data-update main', () => {
  let out: string;
  beforeAll(async () => {
    out = await makeTempDir('civic-cli-');
  });
  afterAll(() => removeDir(out));

  test('when CIVIC_DATA_FROM points to a missing folder, then it prints the error and exits 1', async () => {
    const errors: string[] = [];
    const code = await main(
      [],
      { CIVIC_DATA_FROM: path.join(out, 'nowhere'), DATA_DIR: out },
      {
        log: () => undefined,
        error: (l) => errors.push(l),
      },
    );
    expect(code).toBe(1);
    expect(errors[0]).toMatch(/^Civic data update failed: .*: cannot read .*ENOENT/);
  });

  test('when given an unknown flag, then it exits 1 with the usage', async () => {
    const errors: string[] = [];
    expect(await main(['--bogus'], {}, { log: () => undefined, error: (l) => errors.push(l) })).toBe(1);
    expect(errors[0]).toMatch(/Unknown option '--bogus'/);
    expect(errors[0]).toMatch(/Usage:/);
  });
});
