/**
 * civic-data/district-shapes-import: writes `data/districts.json` from the Census Bureau's cartographic
 * boundary file of congressional districts (cb_2024_us_cd119_20m by default, or the finer _500k).
 *
 * Sources, in order:
 *  - `from`: a folder laid out like the shared mirror (`<from>/cd119-shapes/<file>.geojson` or `.zip`),
 *    or a path to one `.geojson`/`.json`/`.zip` file;
 *  - `url`: any http(s) URL of a GeoJSON FeatureCollection or of the zipped shapefile;
 *  - otherwise the canonical Census zip for the chosen resolution.
 * A zipped shapefile is read with shpjs (zip, .shp polygons with their holes, .dbf attributes, .prj
 * reprojection). Every feature goes through one Zod schema
 * whichever the source; errors name the file, the feature index and the field. The output is written to a
 * temporary file and renamed over the old one, so a failed import never replaces good data.
 */
import fs from 'node:fs';
import path from 'node:path';
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

/**
 * Features of the first shapefile in a zip (the Census cartographic boundary file), read with shpjs: it
 * unzips, reads the .shp polygons (outer rings and holes) and the .dbf attributes, and reprojects from
 * the .prj when there is one (NAD83 to WGS84: under a metre).
 */
export async function shapefileZipToFeatures(buffer: Buffer, source: string): Promise<RawFeature[]> {
  // shpjs's CommonJS build is a browser bundle; its ES module build is the one that runs in Node.
  const { parseZip } = await import('shpjs');
  let parsed: Awaited<ReturnType<typeof parseZip>>;
  try {
    parsed = await parseZip(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  } catch (err) {
    throw new DataError(`${source}: corrupt zip or shapefile: ${(err as Error).message}`, { cause: err });
  }
  const collection = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!collection || collection.features.length === 0) {
    throw new DataError(`${source}: no shapefile features in the zip`);
  }
  return collection.features
    .filter((f) => f.geometry !== null)
    .map((f) => ({ properties: f.properties, geometry: f.geometry }));
}

async function parseSource(buffer: Buffer, source: string): Promise<RawFeature[] | unknown[]> {
  if (buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50)
    return shapefileZipToFeatures(buffer, source);
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
  const features = await parseSource(buffer, source);
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
