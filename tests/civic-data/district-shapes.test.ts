/** District shapes on tiny hand-made geometry: point-in-polygon, holes, MultiPolygons, distances, import. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DistrictShapeIndex,
  loadDistrictShapes,
  loadShapesForIndex,
  normaliseDistrictCode,
  type DistrictShape,
} from '../../src/civic-data/district-shapes';
import { stateFromFips } from '../../src/civic-data/states';
import {
  readDistrictShapes,
  writeDistrictShapes,
  type ReadDistrictShapesOptions,
} from '../../src/civic-data/district-shapes-import';
import { DataError } from '../../src/platform/errors';
import { startFileServer } from '../helpers/file-server';
import { zipOf } from '../helpers/zip';

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// CO-1: square [0,1]x[0,1] with a hole [0.4,0.6]^2. CO-2: the hole's island plus a detached square [2,3]x[0,1].
const SHAPES: DistrictShape[] = [
  { state: 'CO', district: 1, polygons: [[square(0, 0, 1, 1), square(0.4, 0.4, 0.6, 0.6)]] },
  { state: 'CO', district: 2, polygons: [[square(0.4, 0.4, 0.6, 0.6)], [square(2, 0, 3, 1)]] },
  // High latitude, ring left unclosed on purpose: the index closes it.
  { state: 'AK', district: 0, polygons: [[square(0, 60, 1, 61).slice(0, 4)]] },
];

describe('DistrictShapeIndex on hand-made shapes', () => {
  const index = new DistrictShapeIndex(SHAPES);

  test('inside the outer ring, away from every edge', () => {
    expect(index.findDistrictAtPoint(0.2, 0.2)).toEqual({
      state: 'CO',
      district: 1,
      nearBoundary: false,
      neighbours: [],
    });
  });

  test('a point in the hole is not in the holed district but in the island district', () => {
    expect(index.findDistrictAtPoint(0.5, 0.5)).toEqual({
      state: 'CO',
      district: 2,
      nearBoundary: false,
      neighbours: [],
    });
  });

  test('second polygon of a MultiPolygon', () => {
    expect(index.findDistrictAtPoint(0.5, 2.5)).toMatchObject({
      state: 'CO',
      district: 2,
      nearBoundary: false,
    });
  });

  test('far from everything: null', () => {
    expect(index.findDistrictAtPoint(0.5, 1.5)).toBeNull();
    expect(index.findDistrictAtPoint(-40, 100)).toBeNull();
  });

  test('within ~1 km of the hole edge: near boundary, the other district is a neighbour', () => {
    // 0.005 degrees of longitude at the equator is ~0.56 km.
    expect(index.findDistrictAtPoint(0.5, 0.395)).toEqual({
      state: 'CO',
      district: 1,
      nearBoundary: true,
      neighbours: [{ state: 'CO', district: 2 }],
    });
    expect(index.findDistrictAtPoint(0.5, 0.405)).toEqual({
      state: 'CO',
      district: 2,
      nearBoundary: true,
      neighbours: [{ state: 'CO', district: 1 }],
    });
  });

  test('coastal point just outside every polygon snaps to the nearest district within ~2 km', () => {
    expect(index.findDistrictAtPoint(0.5, 1.01)).toEqual({
      state: 'CO',
      district: 1,
      nearBoundary: true,
      neighbours: [],
    });
    expect(index.findDistrictAtPoint(0.5, 1.03)).toBeNull(); // ~3.3 km out
  });

  test('longitude distances shrink with cos(latitude)', () => {
    // 0.03 degrees of longitude at 60.5N is ~1.6 km (it would be 3.3 km at the equator).
    expect(index.findDistrictAtPoint(60.5, 1.03)).toMatchObject({
      state: 'AK',
      district: 0,
      nearBoundary: true,
    });
    expect(index.findDistrictAtPoint(60.5, 0.5)).toMatchObject({ state: 'AK', nearBoundary: false });
  });

  test('bad coordinates are null', () => {
    expect(index.findDistrictAtPoint(Number.NaN, 0)).toBeNull();
    expect(index.findDistrictAtPoint(441.5, -90.5)).toBeNull();
  });

  test('no polygons at all is a DataError', () => {
    expect(() => new DistrictShapeIndex([])).toThrow(DataError);
  });
});

describe('code tables', () => {
  test('state FIPS to USPS, territories included', () => {
    expect(['01', '06', '11', '60', '66', '69', '72', '78'].map(stateFromFips)).toEqual([
      'AL',
      'CA',
      'DC',
      'AS',
      'GU',
      'MP',
      'PR',
      'VI',
    ]);
    expect(stateFromFips('03')).toBeUndefined();
    expect(stateFromFips('constructor')).toBeUndefined();
  });

  test('district codes: 00 and 98 are 0', () => {
    expect(['00', '98', '01', '08', '52', 'ZZ', '99'].map(normaliseDistrictCode)).toEqual([
      0,
      0,
      1,
      8,
      52,
      undefined,
      undefined,
    ]);
  });
});

describe('loadDistrictShapes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes-load-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('missing file: null, so the app starts without location lookup', () => {
    expect(loadDistrictShapes(dir)).toBeNull();
  });

  test('malformed file: DataError naming the file', () => {
    fs.writeFileSync(path.join(dir, 'districts.json'), '{"districts": [');
    expect(() => loadDistrictShapes(dir)).toThrow(/districts\.json: not valid JSON/);
    fs.writeFileSync(path.join(dir, 'districts.json'), JSON.stringify({ districts: [{ state: 'CO' }] }));
    expect(() => loadDistrictShapes(dir)).toThrow(/districts\[0\]/);
  });

  test('start-up serves boundaries only with the index they were written with, and of its Congress', () => {
    const meta = (congress: number, indexImportedAt?: string) => ({
      source: 'test',
      importedAt: '2027-01-03T18:00:00.000Z',
      congress,
      features: SHAPES.length,
      ...(indexImportedAt ? { indexImportedAt } : {}),
    });
    const index = { congress: 120, importedAt: '2027-01-03T18:00:00.000Z' };
    const write = (m: object) =>
      fs.writeFileSync(path.join(dir, 'districts.json'), JSON.stringify({ meta: m, districts: SHAPES }));

    write(meta(120, index.importedAt));
    expect(loadShapesForIndex(dir, index)).toMatchObject({ problem: null, shapes: expect.anything() });
    write(meta(119));
    expect(loadShapesForIndex(dir, index)).toEqual({
      shapes: null,
      problem: 'boundaries of Congress 119, but the member index is of Congress 120',
    });
    // A crash between the two files: the boundaries of the next import beside the old index.
    write(meta(120, '2027-01-04T18:00:00.000Z'));
    expect(loadShapesForIndex(dir, index).shapes).toBeNull();
  });

  test('round trip', () => {
    fs.writeFileSync(path.join(dir, 'districts.json'), JSON.stringify({ meta: null, districts: SHAPES }));
    expect(loadDistrictShapes(dir)!.findDistrictAtPoint(0.5, 0.5)).toMatchObject({
      state: 'CO',
      district: 2,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Import: GeoJSON mirror layout, validation errors, atomic write, and the zipped shapefile path.

function feature(statefp: string, cd: string, geometry: unknown): unknown {
  return { type: 'Feature', properties: { STATEFP: statefp, CD119FP: cd, GEOID: statefp + cd }, geometry };
}

function writeMirror(
  root: string,
  features: unknown[],
  name = 'congressional_districts_cb2024_20m.geojson',
): string {
  const dir = path.join(root, 'cd119-shapes');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

/** Reads boundaries and writes them into `outDir` as the import does; what was read. */
async function importShapes(outDir: string, options: ReadDistrictShapesOptions) {
  const read = await readDistrictShapes(options);
  await writeDistrictShapes(outDir, read.file);
  return { features: read.file.districts.length, source: read.info.name };
}

describe('reading and writing district boundaries', () => {
  let root: string;
  let out: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes-import-'));
    out = path.join(root, 'data');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('GeoJSON mirror: maps FIPS, normalises 00/98, rounds to 5 decimals, merges a split district', async () => {
    writeMirror(root, [
      feature('11', '98', { type: 'Polygon', coordinates: [square(-77.1, 38.8, -76.9, 39.0)] }),
      feature('56', '00', {
        type: 'Polygon',
        coordinates: [square(-111.123456789, 41, -104.05, 45.0000049)],
      }),
      feature('51', '08', { type: 'MultiPolygon', coordinates: [[square(-77.2, 38.7, -77.1, 38.9)]] }),
      feature('51', '08', { type: 'Polygon', coordinates: [square(-77.3, 38.7, -77.25, 38.8)] }),
      feature('06', 'ZZ', { type: 'Polygon', coordinates: [square(-125, 33, -124, 34)] }),
    ]);
    const result = await importShapes(out, { from: root, manifest: { records: 1 } });
    expect(result.features).toBe(3);
    const written = JSON.parse(fs.readFileSync(path.join(out, 'districts.json'), 'utf8'));
    expect(written.meta).toMatchObject({ congress: 119, features: 3 });
    expect(
      written.districts.map((d: DistrictShape) => `${d.state}-${d.district}:${d.polygons.length}`),
    ).toEqual(['DC-0:1', 'VA-8:2', 'WY-0:1']);
    expect(written.districts[2].polygons[0][0][0]).toEqual([-111.12346, 41]);
    expect(written.districts[2].polygons[0][0][2]).toEqual([-104.05, 45]);
    expect(fs.readdirSync(out)).toEqual(['districts.json']);
    expect(loadDistrictShapes(out)!.findDistrictAtPoint(38.9, -77)).toMatchObject({
      state: 'DC',
      district: 0,
    });
  });

  test("when a folder's only boundary file is the 1:500,000 one, then it is read by the same code path", async () => {
    writeMirror(
      root,
      [feature('08', '01', { type: 'Polygon', coordinates: [square(-105, 39, -104, 40)] })],
      'cb_2024_us_cd119_500k.geojson',
    );
    const result = await importShapes(out, { from: root, manifest: { records: 1 } });
    expect(result).toMatchObject({ features: 1 });
    expect(result.source).toMatch(/cb_2024_us_cd119_500k\.geojson$/);
  });

  test('invalid feature: DataError names file, feature index and field; existing data is kept', async () => {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'districts.json'), 'GOOD');
    const file = writeMirror(root, [
      feature('08', '01', { type: 'Polygon', coordinates: [square(-105, 39, -104, 40)] }),
      feature('99', '02', { type: 'Polygon', coordinates: [square(-105, 39, -104, 40)] }),
    ]);
    await expect(importShapes(out, { from: root, manifest: { records: 1 } })).rejects.toThrow(
      `${file}: feature 1: properties.STATEFP: unknown state FIPS code`,
    );

    writeMirror(root, [feature('08', '01', { type: 'Point', coordinates: [-105, 39] })]);
    await expect(importShapes(out, { from: root, manifest: { records: 1 } })).rejects.toThrow(
      /feature 0: geometry\.type/,
    );

    writeMirror(root, [feature('08', '1A', { type: 'Polygon', coordinates: [square(-105, 39, -104, 40)] })]);
    await expect(importShapes(out, { from: root, manifest: { records: 1 } })).rejects.toThrow(
      /feature 0: properties\.CD119FP: "1A" is not a district code/,
    );

    writeMirror(root, [
      feature('08', '01', {
        type: 'Polygon',
        coordinates: [
          [
            [-105, 39],
            [-104, 95],
            [-105, 39],
          ],
        ],
      }),
    ]);
    await expect(importShapes(out, { from: root, manifest: { records: 1 } })).rejects.toThrow(
      /feature 0: geometry\.coordinates\.0/,
    );

    // Too few districts (a truncated source) is refused by default.
    writeMirror(root, [feature('08', '01', { type: 'Polygon', coordinates: [square(-105, 39, -104, 40)] })]);
    await expect(importShapes(out, { from: root })).rejects.toThrow(/only 1 districts/);

    expect(fs.readFileSync(path.join(out, 'districts.json'), 'utf8')).toBe('GOOD');
    expect(fs.readdirSync(out)).toEqual(['districts.json']);
  });

  test('download errors are DataErrors naming the URL', async () => {
    const publisher = await startFileServer(() => undefined);
    try {
      const url = `${publisher.url}/cb_2024_us_cd119_20m.zip`;
      await expect(importShapes(out, { url, congress: 119 })).rejects.toThrow(
        `${url}: download failed with HTTP 404`,
      );
    } finally {
      await publisher.close();
    }
  });

  test('zipped shapefile (the canonical Census format), fetched from a URL', async () => {
    // Shapefile rings: outer clockwise, hole counter-clockwise.
    const cw = (x0: number, y0: number, x1: number, y1: number) => [
      [x0, y0],
      [x0, y1],
      [x1, y1],
      [x1, y0],
      [x0, y0],
    ];
    const ccw = (x0: number, y0: number, x1: number, y1: number) => cw(x0, y0, x1, y1).reverse();
    const zip = buildShapefileZip('cb_2024_us_cd119_20m', [
      {
        props: { STATEFP: '08', CD119FP: '01', GEOID: '0801' },
        rings: [cw(-105, 39, -104, 40), ccw(-104.6, 39.4, -104.4, 39.6)],
      },
      {
        props: { STATEFP: '08', CD119FP: '02', GEOID: '0802' },
        rings: [cw(-104.6, 39.4, -104.4, 39.6), cw(-103, 39, -102, 40)],
      },
      { props: { STATEFP: '72', CD119FP: '98', GEOID: '7298' }, rings: [cw(-67, 18, -66, 18.5)] },
    ]);
    const publisher = await startFileServer(() => ({ body: new Uint8Array(zip) }));
    const result = await importShapes(out, {
      url: `${publisher.url}/shapes.zip`,
      manifest: { records: 1 },
    }).finally(() => publisher.close());
    expect(publisher.requested).toEqual(['/shapes.zip']);
    expect(result.features).toBe(3);
    const index = loadDistrictShapes(out)!;
    expect(index.findDistrictAtPoint(39.2, -104.8)).toMatchObject({
      state: 'CO',
      district: 1,
      nearBoundary: false,
    });
    expect(index.findDistrictAtPoint(39.5, -104.5)).toMatchObject({
      state: 'CO',
      district: 2,
      nearBoundary: false,
    });
    expect(index.findDistrictAtPoint(39.5, -102.5)).toMatchObject({ state: 'CO', district: 2 });
    expect(index.findDistrictAtPoint(18.25, -66.5)).toMatchObject({ state: 'PR', district: 0 });
    const written = JSON.parse(fs.readFileSync(path.join(out, 'districts.json'), 'utf8'));
    const co1 = written.districts.find((d: DistrictShape) => d.state === 'CO' && d.district === 1);
    expect(co1.polygons).toHaveLength(1);
    expect(co1.polygons[0]).toHaveLength(2); // outer ring + hole
  });

  test('a truncated zip download is a DataError naming the file, not a hang', async () => {
    const zip = buildShapefileZip('x', [
      {
        props: { STATEFP: '08', CD119FP: '01', GEOID: '0801' },
        rings: [
          [
            [0, 0],
            [0, 1],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    ]);
    fs.mkdirSync(path.join(root, 'cd119-shapes'), { recursive: true });
    const file = path.join(root, 'cd119-shapes', 'cb_2024_us_cd119_20m.zip');
    fs.writeFileSync(file, zip.subarray(0, Math.floor(zip.length * 0.6)));
    const attempt = importShapes(out, { from: file, manifest: { records: 1 } });
    await expect(attempt).rejects.toThrow(DataError);
    await expect(attempt).rejects.toThrow(/cb_2024_us_cd119_20m\.zip: .*truncated download/);
  });
});

/** A zip with <name>.shp and <name>.dbf holding polygon records, for the import test. */
function buildShapefileZip(
  name: string,
  records: Array<{ props: Record<string, string>; rings: number[][][] }>,
): Buffer {
  // .shp
  const contents = records.map(({ rings }) => {
    const points = rings.flat();
    const content = Buffer.alloc(44 + rings.length * 4 + points.length * 16);
    content.writeInt32LE(5, 0);
    const xs = points.map((p) => p[0]!);
    const ys = points.map((p) => p[1]!);
    [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) =>
      content.writeDoubleLE(v, 4 + i * 8),
    );
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      content.writeInt32LE(start, 44 + i * 4);
      start += ring.length;
    });
    const at = 44 + rings.length * 4;
    points.forEach((p, i) => {
      content.writeDoubleLE(p[0]!, at + i * 16);
      content.writeDoubleLE(p[1]!, at + i * 16 + 8);
    });
    return content;
  });
  const shpRecords = contents.map((content, i) => {
    const header = Buffer.alloc(8);
    header.writeInt32BE(i + 1, 0);
    header.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([header, content]);
  });
  const shpHeader = Buffer.alloc(100);
  shpHeader.writeInt32BE(9994, 0);
  shpHeader.writeInt32BE((100 + shpRecords.reduce((n, r) => n + r.length, 0)) / 2, 24);
  shpHeader.writeInt32LE(1000, 28);
  shpHeader.writeInt32LE(5, 32);
  const shp = Buffer.concat([shpHeader, ...shpRecords]);

  // .dbf
  const fields = Object.keys(records[0]!.props).map((n) => ({ name: n, length: 10 }));
  const headerLength = 32 + fields.length * 32 + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const dbfHeader = Buffer.alloc(headerLength);
  dbfHeader[0] = 3;
  dbfHeader.writeUInt32LE(records.length, 4);
  dbfHeader.writeUInt16LE(headerLength, 8);
  dbfHeader.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    dbfHeader.write(f.name, 32 + i * 32, 'latin1');
    dbfHeader.write('C', 32 + i * 32 + 11, 'latin1');
    dbfHeader[32 + i * 32 + 16] = f.length;
  });
  dbfHeader[headerLength - 1] = 0x0d;
  const dbfRows = records.map(({ props }) =>
    Buffer.from(' ' + fields.map((f) => (props[f.name] ?? '').padEnd(f.length)).join(''), 'latin1'),
  );
  const dbf = Buffer.concat([dbfHeader, ...dbfRows, Buffer.from([0x1a])]);

  return zipOf({
    [`${name}.shp`]: shp,
    [`${name}.dbf`]: dbf,
    [`${name}.prj`]: 'GEOGCS["GCS_North_American_1983"]',
  });
}
