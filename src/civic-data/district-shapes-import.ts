/**
 * civic-data/district-shapes-import: writes `data/districts.json` from the Census Bureau's cartographic
 * boundary file of congressional districts (cb_2024_us_cd119_20m by default, or the finer _500k).
 *
 * Sources, in order:
 *  - `from`: a folder laid out like the shared mirror (`<from>/cd119-shapes/<file>.geojson` or `.zip`),
 *    or a path to one `.geojson`/`.json`/`.zip` file;
 *  - `url`: any http(s) URL of a GeoJSON FeatureCollection or of the zipped shapefile;
 *  - otherwise the canonical Census zip for the chosen resolution.
 * A zipped shapefile is read with a small built-in reader (zip central directory + node:zlib inflate, .shp
 * polygons, .dbf attributes), so no extra packages are needed. Every feature goes through one Zod schema
 * whichever the source; errors name the file, the feature index and the field. The output is written to a
 * temporary file and renamed over the old one, so a failed import never replaces good data.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import {
  DISTRICT_SHAPES_FILE,
  normaliseDistrictCode,
  stateFromFips,
  type DistrictShape,
  type DistrictShapesFile,
} from './district-shapes';

export type DistrictShapesResolution = '20m' | '500k';

export const DISTRICT_SHAPES_CANONICAL_URLS: Readonly<Record<DistrictShapesResolution, string>> = {
  '20m': 'https://www2.census.gov/geo/tiger/GENZ2024/shp/cb_2024_us_cd119_20m.zip',
  '500k': 'https://www2.census.gov/geo/tiger/GENZ2024/shp/cb_2024_us_cd119_500k.zip',
};

/** File names looked for under `<from>/cd119-shapes/`, first found wins. */
function mirrorCandidates(resolution: DistrictShapesResolution): string[] {
  return [
    `congressional_districts_cb2024_${resolution}.geojson`,
    `cb_2024_us_cd119_${resolution}.geojson`,
    `cb_2024_us_cd119_${resolution}.json`,
    `cb_2024_us_cd119_${resolution}.zip`,
  ];
}

export interface ImportDistrictShapesOptions {
  /** A mirror folder (with cd119-shapes/) or a .geojson/.json/.zip file. */
  from?: string;
  /** An http(s) URL of the GeoJSON or zipped shapefile (e.g. from env DISTRICT_SHAPES_URL). */
  url?: string;
  /** Which cartographic boundary file to look for: 1:20,000,000 (default) or 1:500,000. */
  resolution?: DistrictShapesResolution;
  outDir: string;
  fetchImpl?: typeof fetch;
  /** Refuse to write fewer districts than this (default 435: a truncated download must not replace data). */
  minFeatures?: number;
  /** Download timeout, default 120 s. */
  timeoutMs?: number;
}

export interface ImportDistrictShapesResult {
  features: number;
  file: string;
  source: string;
}

const coordinate = z.number().finite();
const position = z
  .array(coordinate)
  .min(2, 'a position needs [longitude, latitude]')
  .refine(
    (p) => Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90,
    'position is not a longitude/latitude in degrees',
  );
const ring = z.array(position).min(4, 'a linear ring needs at least 4 positions');
const polygon = z.array(ring).min(1, 'a polygon needs an outer ring');

const GeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygon }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
]);

const DISTRICT_KEY = /^CD(\d{3})FP$/;

const FeatureSchema = z.object({
  type: z.literal('Feature').optional(),
  properties: z.looseObject({
    STATEFP: z
      .string()
      .regex(/^\d{2}$/, 'must be a 2-digit state FIPS code')
      .refine((v) => stateFromFips(v) !== undefined, 'unknown state FIPS code'),
    GEOID: z.string().optional(),
  }),
  geometry: GeometrySchema,
});

const CollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.unknown()),
});

/** "0.1234567" -> 0.12346 (5 decimals is ~1 m, finer than either source file). */
function round5(n: number): number {
  return Math.round(n * 1e5) / 1e5;
}

function compactRing(raw: number[][]): number[][] | null {
  const out: number[][] = [];
  for (const p of raw) {
    const x = round5(p[0]!);
    const y = round5(p[1]!);
    const last = out[out.length - 1];
    if (!last || last[0] !== x || last[1] !== y) out.push([x, y]);
  }
  const first = out[0]!;
  const last = out[out.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0]!, first[1]!]);
  return out.length >= 4 ? out : null;
}

function formatIssue(source: string, index: number, issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(feature)';
  return `${source}: feature ${index}: ${field}: ${issue.message}`;
}

interface RawFeature {
  properties: unknown;
  geometry: unknown;
}

/** Validate and convert features; merges several features of one district into one entry. */
export function featuresToDistricts(
  features: readonly unknown[],
  source: string,
): { districts: DistrictShape[]; congress: number | null; skipped: number } {
  const byKey = new Map<string, DistrictShape>();
  let congress: number | null = null;
  let skipped = 0;
  features.forEach((raw, index) => {
    const parsed = FeatureSchema.safeParse(raw);
    if (!parsed.success) throw new DataError(formatIssue(source, index, parsed.error.issues[0]!));
    const { properties, geometry } = parsed.data;
    const districtKey = Object.keys(properties).find((k) => DISTRICT_KEY.test(k));
    if (!districtKey) {
      throw new DataError(`${source}: feature ${index}: properties.CD119FP: missing (no CDnnnFP property)`);
    }
    const code = properties[districtKey];
    if (typeof code !== 'string') {
      throw new DataError(`${source}: feature ${index}: properties.${districtKey}: must be a string`);
    }
    if (code === 'ZZ') {
      // "ZZ": an area assigned to no district (water in some files). Not a district; skip it.
      skipped++;
      return;
    }
    const district = normaliseDistrictCode(code);
    if (district === undefined || !/^\d{2}$/.test(code)) {
      throw new DataError(
        `${source}: feature ${index}: properties.${districtKey}: "${code}" is not a district code`,
      );
    }
    const featureCongress = Number(DISTRICT_KEY.exec(districtKey)![1]);
    if (congress === null) congress = featureCongress;
    else if (congress !== featureCongress) {
      throw new DataError(
        `${source}: feature ${index}: properties.${districtKey}: mixes Congress ${featureCongress} with ${congress}`,
      );
    }
    const state = stateFromFips(properties.STATEFP)!;
    const rawPolygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const polygons: number[][][][] = [];
    for (const rawPolygon of rawPolygons) {
      const rings = rawPolygon.map(compactRing);
      // A polygon whose outer ring collapses at 5 decimals is a speck; drop it, and holes that collapse.
      if (!rings[0]) continue;
      polygons.push(rings.filter((r): r is number[][] => r !== null));
    }
    if (polygons.length === 0) {
      throw new DataError(`${source}: feature ${index}: geometry.coordinates: every polygon is degenerate`);
    }
    const key = `${state}-${district}`;
    const existing = byKey.get(key);
    if (existing) existing.polygons.push(...polygons);
    else byKey.set(key, { state, district, polygons });
  });
  const districts = [...byKey.values()].sort((a, b) =>
    a.state === b.state ? a.district - b.district : a.state < b.state ? -1 : 1,
  );
  return { districts, congress, skipped };
}

// ---------------------------------------------------------------------------------------------------------
// Zip and shapefile reading (just enough for the Census cartographic boundary files).

/** Entries of a zip archive by name (stored or deflated; no zip64, no encryption). */
export function readZip(buffer: Buffer, source: string): Map<string, Buffer> {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 65535); i--) {
    if (buffer.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataError(`${source}: not a zip file (no end of central directory)`);
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== 0x02014b50) {
      throw new DataError(`${source}: corrupt zip central directory at entry ${n}`);
    }
    const method = buffer.readUInt16LE(offset + 10);
    const crc = buffer.readUInt32LE(offset + 16);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (buffer.readUInt32LE(localOffset) !== 0x04034b50) {
      throw new DataError(`${source}: corrupt zip local header for ${name}`);
    }
    const dataStart =
      localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    const compressed = buffer.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = compressed;
    else if (method === 8) data = zlib.inflateRawSync(compressed);
    else throw new DataError(`${source}: ${name}: unsupported zip compression method ${method}`);
    if (zlib.crc32(data) !== crc)
      throw new DataError(`${source}: ${name}: CRC mismatch (truncated download?)`);
    entries.set(name, data);
  }
  return entries;
}

/** Rows of a dBASE III table (the shapefile's .dbf), values trimmed strings. */
export function readDbf(buffer: Buffer, source: string): Array<Record<string, string>> {
  if (buffer.length < 32) throw new DataError(`${source}: .dbf file too short`);
  const records = buffer.readUInt32LE(4);
  const headerLength = buffer.readUInt16LE(8);
  const recordLength = buffer.readUInt16LE(10);
  const fields: Array<{ name: string; length: number }> = [];
  for (let o = 32; o + 32 <= headerLength && buffer[o] !== 0x0d; o += 32) {
    const name = buffer
      .toString('latin1', o, o + 11)
      .replace(/\0.*$/s, '')
      .trim();
    fields.push({ name, length: buffer[o + 16]! });
  }
  const rows: Array<Record<string, string>> = [];
  for (let i = 0; i < records; i++) {
    let o = headerLength + i * recordLength;
    if (o + recordLength > buffer.length) throw new DataError(`${source}: .dbf record ${i} is truncated`);
    const deleted = buffer[o] === 0x2a;
    o += 1;
    const row: Record<string, string> = {};
    for (const field of fields) {
      row[field.name] = buffer.toString('utf8', o, o + field.length).trim();
      o += field.length;
    }
    if (!deleted) rows.push(row);
  }
  return rows;
}

/** Signed area (shoelace); negative for a clockwise ring (shapefile outer ring) in lon/lat axes. */
function signedArea(ringCoords: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ringCoords.length; i++) {
    const a = ringCoords[i]!;
    const b = ringCoords[i + 1]!;
    sum += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return sum / 2;
}

function ringContains(ringCoords: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ringCoords.length - 1; i < ringCoords.length; j = i++) {
    const [xi, yi] = ringCoords[i] as [number, number];
    const [xj, yj] = ringCoords[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Polygon shapes of a .shp file as GeoJSON geometries (null for null shapes), in record order. */
export function readShpPolygons(buffer: Buffer, source: string): Array<RawFeature['geometry'] | null> {
  if (buffer.length < 100 || buffer.readInt32BE(0) !== 9994)
    throw new DataError(`${source}: not a .shp file`);
  const fileLength = Math.min(buffer.readInt32BE(24) * 2, buffer.length);
  const geometries: Array<RawFeature['geometry'] | null> = [];
  let o = 100;
  while (o + 8 <= fileLength) {
    const contentLength = buffer.readInt32BE(o + 4) * 2;
    const c = o + 8;
    if (c + contentLength > buffer.length) {
      throw new DataError(`${source}: record ${geometries.length} is truncated`);
    }
    const shapeType = buffer.readInt32LE(c);
    if (shapeType === 0) {
      geometries.push(null);
    } else if (shapeType === 5 || shapeType === 15 || shapeType === 25) {
      const numParts = buffer.readInt32LE(c + 36);
      const numPoints = buffer.readInt32LE(c + 40);
      const pointsAt = c + 44 + numParts * 4;
      const rings: number[][][] = [];
      for (let part = 0; part < numParts; part++) {
        const start = buffer.readInt32LE(c + 44 + part * 4);
        const end = part + 1 < numParts ? buffer.readInt32LE(c + 44 + (part + 1) * 4) : numPoints;
        const r: number[][] = [];
        for (let k = start; k < end; k++) {
          r.push([buffer.readDoubleLE(pointsAt + k * 16), buffer.readDoubleLE(pointsAt + k * 16 + 8)]);
        }
        rings.push(r);
      }
      // Shapefile: outer rings clockwise, holes counter-clockwise. Each hole joins the outer ring containing it.
      const outers: number[][][][] = [];
      const holes: number[][][] = [];
      for (const r of rings) {
        if (signedArea(r) <= 0) outers.push([r]);
        else holes.push(r);
      }
      for (const hole of holes) {
        const [hx, hy] = hole[0] as [number, number];
        const owner = outers.find((poly) => ringContains(poly[0]!, hx, hy));
        if (owner) owner.push(hole);
        else outers.push([hole]); // Mis-oriented ring: keep it as an outer ring rather than lose area.
      }
      geometries.push(
        outers.length === 1
          ? { type: 'Polygon', coordinates: outers[0] }
          : { type: 'MultiPolygon', coordinates: outers },
      );
    } else {
      throw new DataError(`${source}: record ${geometries.length}: shape type ${shapeType} is not a polygon`);
    }
    o = c + contentLength;
  }
  return geometries;
}

/** Features (properties from .dbf, geometry from .shp) of the first shapefile in a zip. */
export function shapefileZipToFeatures(buffer: Buffer, source: string): RawFeature[] {
  const entries = readZip(buffer, source);
  const shpName = [...entries.keys()].find((n) => n.toLowerCase().endsWith('.shp'));
  if (!shpName) throw new DataError(`${source}: no .shp file in the zip`);
  const base = shpName.slice(0, -4);
  const dbfName = [...entries.keys()].find((n) => n.toLowerCase() === `${base.toLowerCase()}.dbf`);
  if (!dbfName) throw new DataError(`${source}: no ${base}.dbf beside ${shpName}`);
  const geometries = readShpPolygons(entries.get(shpName)!, `${source}!${shpName}`);
  const rows = readDbf(entries.get(dbfName)!, `${source}!${dbfName}`);
  if (rows.length !== geometries.length) {
    throw new DataError(
      `${source}: ${shpName} has ${geometries.length} shapes but ${dbfName} has ${rows.length} rows`,
    );
  }
  const features: RawFeature[] = [];
  geometries.forEach((geometry, i) => {
    if (geometry) features.push({ properties: rows[i], geometry });
  });
  return features;
}

function parseSource(buffer: Buffer, source: string): RawFeature[] | unknown[] {
  if (buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50) {
    try {
      return shapefileZipToFeatures(buffer, source);
    } catch (err) {
      if (err instanceof DataError) throw err;
      // Offsets pointing past the end of a truncated or corrupt file surface as RangeError.
      throw new DataError(`${source}: corrupt zip or shapefile: ${(err as Error).message}`, { cause: err });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(buffer.toString('utf8'));
  } catch (err) {
    throw new DataError(`${source}: neither a zip file nor valid JSON`, { cause: err });
  }
  const collection = CollectionSchema.safeParse(json);
  if (!collection.success) {
    const issue = collection.error.issues[0]!;
    throw new DataError(`${source}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  return collection.data.features;
}

async function readSource(options: ImportDistrictShapesOptions): Promise<{ buffer: Buffer; source: string }> {
  const resolution = options.resolution ?? '20m';
  if (options.from) {
    let file = options.from;
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new DataError(`${file}: not found`);
    if (stat.isDirectory()) {
      const dir = path.join(options.from, 'cd119-shapes');
      const names = mirrorCandidates(resolution);
      const found = names.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
      if (!found) throw new DataError(`${dir}: none of ${names.join(', ')} found`);
      file = found;
    }
    return { buffer: fs.readFileSync(file), source: file };
  }
  const url = options.url ?? DISTRICT_SHAPES_CANONICAL_URLS[resolution];
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  } catch (err) {
    throw new DataError(`${url}: download failed: ${(err as Error).message}`, { cause: err });
  }
  if (!response.ok) throw new DataError(`${url}: download failed with HTTP ${response.status}`);
  return { buffer: Buffer.from(await response.arrayBuffer()), source: url };
}

/** Write `file` atomically: a temporary file in the same folder, then rename over the old one. */
function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new DataError(`${file}: cannot write district shapes: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Import congressional district boundaries into `<outDir>/districts.json`. Resolves with the number of
 * districts written; rejects with DataError (naming file, feature index and field) without touching the
 * existing file when the source is unusable.
 */
export async function importDistrictShapes(
  options: ImportDistrictShapesOptions,
): Promise<ImportDistrictShapesResult> {
  const { buffer, source } = await readSource(options);
  const features = parseSource(buffer, source);
  const { districts, congress, skipped } = featuresToDistricts(features, source);
  const minFeatures = options.minFeatures ?? 435;
  if (districts.length < minFeatures) {
    throw new DataError(
      `${source}: only ${districts.length} districts (${skipped} skipped); expected at least ${minFeatures}`,
    );
  }
  const out: DistrictShapesFile = {
    meta: {
      source: options.from ? path.basename(source) : source,
      importedAt: new Date().toISOString(),
      congress,
      features: districts.length,
    },
    districts,
  };
  const file = path.join(options.outDir, DISTRICT_SHAPES_FILE);
  writeAtomic(file, JSON.stringify(out));
  return { features: districts.length, file, source };
}
