/**
 * civic-data/district-shapes-import: `data/districts.json` from the Census Bureau's cartographic boundary
 * file of congressional districts (`cb_<year>_us_cd<nnn>_20m`, or the finer `_500k`), for the Congress asked.
 *
 * Sources: `from`, a folder laid out like the shared mirror (`<from>/cd<nnn>-shapes/<file>.geojson` or
 * `.zip`) or a path to one `.geojson`/`.json`/`.zip` file; else `url`, the Census zip for the Congress
 * (`districtShapesUrl`) or any http(s) URL of a GeoJSON FeatureCollection or of the zipped shapefile.
 * A zipped shapefile is opened with yauzl and read with the `shapefile` package, under a time limit. Every
 * feature goes through one Zod schema whichever the source; errors name the file, the feature index and the
 * field. The Congress is the features' `CDnnnFP` property (the file name, when it says one, must agree).
 */
import type { CivicSourceUrls } from '../config/config';
import { trimEnd } from '../platform/text';
import fs from 'node:fs';
import path from 'node:path';
import * as shapefile from 'shapefile';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { compareSeats, MIN_COUNTS, seatKey } from './civic-index';
import { congressStartYear, ordinal } from './congress';
import {
  DISTRICT_SHAPES_FILE,
  normaliseDistrictCode,
  type DistrictShape,
  type DistrictShapesFile,
} from './district-shapes';
import { writeDataFile } from './data-files';
import { stateFromFips } from './states';
import { fetchSource, lastModifiedDay, sourceInfo, type ManifestEntry } from './source-files';
import type { SourceInfo } from './types';
import { isZip, readZipEntries } from './zip-archive';

/**
 * The Bureau's 1:20,000,000 cartographic boundary zip for a Congress on its file server at `census`: its
 * districts first appear in the files of the year before it begins (the 119th's in GENZ2024).
 */
export function districtShapesUrl(congress: number, census: string): string {
  const year = congressStartYear(congress) - 1;
  return `${trimEnd(census, '/')}/geo/tiger/GENZ${year}/shp/cb_${year}_us_cd${congress}_20m.zip`;
}

/** `cd119-shapes`: the folder of a Congress's boundaries inside a `--from` folder. */
export function shapesFolderName(congress: number): string {
  return `cd${congress}-shapes`;
}

export interface ReadDistrictShapesOptions {
  /** A mirror folder (with cd<nnn>-shapes/) or a .geojson/.json/.zip file. */
  from?: string;
  /** An http(s) URL of the GeoJSON or zipped shapefile (DISTRICT_SHAPES_URL, or the Bureau's). */
  url?: string;
  /** The Congress wanted: picks the folder (default: the newest). */
  congress?: number;
  /**
   * What the manifest says of the shapes: their date, and how many districts they hold (`records`; default
   * 435): fewer is refused, so a truncated download never replaces data.
   */
  manifest?: ManifestEntry;
}

export interface DistrictShapesRead {
  file: DistrictShapesFile;
  info: SourceInfo;
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

/** Validate and convert features; merges several features of one district into one entry. */
function featuresToDistricts(features: readonly unknown[], source: string) {
  const byKey = new Map<string, DistrictShape>();
  let congress: number | null = null;
  let skipped = 0;
  features.forEach((raw, index) => {
    const fail = (field: string, why: string) =>
      new DataError(`${source}: feature ${index}: ${field}: ${why}`);
    const parsed = FeatureSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw fail(issue.path.length > 0 ? issue.path.map(String).join('.') : '(feature)', issue.message);
    }
    const { properties, geometry } = parsed.data;
    const districtKey = Object.keys(properties).find((k) => DISTRICT_KEY.test(k));
    if (!districtKey) throw fail('properties', 'no CDnnnFP property (e.g. CD119FP)');
    const field = `properties.${districtKey}`;
    const code = properties[districtKey];
    if (typeof code !== 'string') throw fail(field, 'must be a string');
    if (code === 'ZZ') {
      // "ZZ": an area assigned to no district (water in some files). Not a district; skip it.
      skipped++;
      return;
    }
    const district = normaliseDistrictCode(code);
    if (district === undefined || !/^\d{2}$/.test(code))
      throw fail(field, `"${code}" is not a district code`);
    const featureCongress = Number(DISTRICT_KEY.exec(districtKey)![1]);
    if (congress === null) congress = featureCongress;
    else if (congress !== featureCongress) {
      throw fail(field, `mixes Congress ${featureCongress} with ${congress}`);
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
    if (polygons.length === 0) throw fail('geometry.coordinates', 'every polygon is degenerate');
    const key = seatKey({ state, district });
    const existing = byKey.get(key);
    if (existing) existing.polygons.push(...polygons);
    else byKey.set(key, { state, district, polygons });
  });
  const districts = [...byKey.values()].sort(compareSeats);
  return { districts, congress, skipped };
}

/** Features (properties from .dbf, geometry from .shp) of the first shapefile in a zip. */
async function shapefileZipToFeatures(buffer: Buffer, source: string): Promise<unknown[]> {
  const entries = await readZipEntries(buffer, source, (n) => /\.(shp|dbf)$/i.test(n));
  const shpName = [...entries.keys()].find((n) => n.toLowerCase().endsWith('.shp'));
  if (!shpName) throw new DataError(`${source}: no .shp file in the zip`);
  const base = shpName.slice(0, -4);
  const dbfName = [...entries.keys()].find((n) => n.toLowerCase() === `${base.toLowerCase()}.dbf`);
  if (!dbfName) throw new DataError(`${source}: no ${base}.dbf beside ${shpName}`);
  try {
    const collection = await shapefile.read(entries.get(shpName)!, entries.get(dbfName)!, {
      encoding: 'utf-8',
    });
    return collection.features.filter((f) => f.geometry !== null);
  } catch (err) {
    throw new DataError(`${source}: corrupt shapefile (${(err as Error).message})`, { cause: err });
  }
}

async function parseSource(buffer: Buffer, source: string): Promise<unknown[]> {
  if (isZip(buffer)) return shapefileZipToFeatures(buffer, source);
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

const SHAPES_FOLDER = /^cd(\d{3})-shapes$/;
const SHAPES_FILE = /\.(geojson|json|zip)$/i;

/** The boundary file in a `--from` folder: `cd<nnn>-shapes/`, the 1:20,000,000 file or the only one. */
function findInFolder(from: string, congress: number | undefined): string {
  const folders = fs
    .readdirSync(from)
    .filter((n) => SHAPES_FOLDER.test(n))
    .sort();
  const folder =
    folders.find((n) => congress !== undefined && n === shapesFolderName(congress)) ?? folders.at(-1);
  if (!folder) throw new DataError(`${from}: no cd<nnn>-shapes folder of district boundaries`);
  const dir = path.join(from, folder);
  const files = fs.readdirSync(dir).filter((n) => SHAPES_FILE.test(n));
  const chosen = files.find((n) => n.includes('_20m')) ?? (files.length === 1 ? files[0] : undefined);
  if (!chosen) throw new DataError(`${dir}: no 20m boundary file (.geojson, .json or .zip)`);
  return path.join(dir, chosen);
}

async function readSource(options: ReadDistrictShapesOptions) {
  if (options.from) {
    const stat = fs.statSync(options.from, { throwIfNoEntry: false });
    if (!stat) throw new DataError(`${options.from}: not found`);
    const file = stat.isDirectory() ? findInFolder(options.from, options.congress) : options.from;
    return { buffer: fs.readFileSync(file), source: file, date: null };
  }
  const { url } = options;
  if (!url) throw new DataError('District boundaries: neither a folder nor a URL to read them from');
  const response = await fetchSource(url);
  return { buffer: Buffer.from(await response.arrayBuffer()), source: url, date: lastModifiedDay(response) };
}

/** Reads and validates the boundaries without writing anything. */
export async function readDistrictShapes(options: ReadDistrictShapesOptions): Promise<DistrictShapesRead> {
  const { buffer, source, date } = await readSource(options);
  const features = await parseSource(buffer, source);
  const { districts, congress, skipped } = featuresToDistricts(features, source);
  const least = options.manifest?.records ?? MIN_COUNTS.districts;
  if (districts.length < least) {
    throw new DataError(
      `${source}: only ${districts.length} districts (${skipped} skipped); expected at least ${least}`,
    );
  }
  if (congress === null) throw new DataError(`${source}: no feature says its Congress (CDnnnFP)`);
  // The Congress in a file name such as `cb_2024_us_cd119_20m.zip`, when it says one, must agree.
  const fromName = Number(/_cd(\d{3})_/i.exec(path.basename(source))?.[1] ?? congress);
  if (fromName !== congress) {
    throw new DataError(
      `${source}: the file name says the ${ordinal(fromName)} Congress but the features say the ${ordinal(congress)}`,
    );
  }
  const name = options.from ? path.basename(source) : source;
  const manifestDate = options.manifest?.date ?? null;
  return {
    file: {
      meta: { source: name, importedAt: new Date().toISOString(), congress, features: districts.length },
      districts,
    },
    info: sourceInfo({
      name,
      congress,
      congressFrom: 'property',
      date: date ?? manifestDate,
      dateFrom: date ? 'last-modified' : manifestDate ? 'manifest' : null,
    }),
  };
}

/**
 * The boundaries of the members' Congress (or the newest in a folder): DISTRICT_SHAPES_URL or the Bureau's
 * file at CENSUS_FILES_URL; null while the Bureau has not published them (404). `wanted` is the operator's
 * word (--no-shapes); unsaid, a download always reads them and a folder when it has a `cd<nnn>-shapes`.
 */
export async function readShapesIfPublished(
  options: Pick<ReadDistrictShapesOptions, 'from' | 'manifest'> & {
    wanted: boolean | undefined;
    urls: Pick<CivicSourceUrls, 'census' | 'districtShapes'>;
    log?: ((line: string) => void) | undefined;
  },
  congress: number,
): Promise<DistrictShapesRead | null> {
  const { urls, from } = options;
  const folders = from ? await fs.promises.readdir(from).catch(() => [] as string[]) : [];
  const wanted = options.wanted ?? (!from || folders.some((n) => SHAPES_FOLDER.test(n)));
  if (!wanted) return null;
  const url = from ? undefined : (urls.districtShapes ?? districtShapesUrl(congress, urls.census));
  try {
    return await readDistrictShapes({ from, url, congress, manifest: options.manifest });
  } catch (error) {
    if (error instanceof DataError && / HTTP 404$/.test(error.message)) {
      options.log?.(`${url}: not published yet (HTTP 404)`);
      return null;
    }
    throw error;
  }
}

export async function writeDistrictShapes(outDir: string, file: DistrictShapesFile): Promise<void> {
  const target = path.join(outDir, DISTRICT_SHAPES_FILE);
  try {
    await writeDataFile(target, file, { compact: true });
  } catch (err) {
    throw new DataError(`${target}: cannot write district shapes: ${(err as Error).message}`, { cause: err });
  }
}
