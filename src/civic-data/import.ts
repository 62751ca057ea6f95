/**
 * civic-data/import: the orchestration of `npm run data:update` and of the server's refresh. Reads the
 * member list, the ZIP table and the district boundaries (members-import, zip-table-import,
 * district-shapes-import) and takes what is published, state by state, never mixing two Congresses within
 * a state: the members' Congress's ZIP table and boundaries where the Bureau has published them, the
 * previous Congress's where the importer proves the state's map unchanged, and otherwise nothing, with the
 * state named in `meta.awaitingMaps` (its people give a street address). `data/civic-index.json` and
 * `districts.json` are written only when everything read is valid (a failed import leaves the data in
 * service as it was), and `districts.json` carries the index's `importedAt` so that start-up serves the
 * two together or not at all. See docs/data.md for the sources and every decision on quirks of the data.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import writeFileAtomic from 'write-file-atomic';
import { DataError } from '../platform/errors';
import { congressDates, ordinal } from './congress';
import { DISTRICT_SHAPES_FILE, type DistrictShape, type DistrictShapesFile } from './district-shapes';
import {
  districtShapesUrl,
  readDistrictShapes,
  shapesFolderName,
  writeDistrictShapes,
  type DistrictShapesRead,
} from './district-shapes-import';
import { INDEX_FILE_NAME } from './load';
import { MEMBER_PATHS, memberUrls, parseLegislators, parseOffices, parseSocial } from './members-import';
import {
  downloadText,
  fetchSource,
  isFile,
  knownFile,
  lastModifiedDay,
  loadManifest,
  readLocalText,
  type Manifest,
  type SourceText,
} from './source-files';
import { CANONICAL_SOURCE_URLS, type CivicSourceUrls } from './source-urls';
import { DELEGATE_TERRITORIES } from './states';
import type { AwaitingMaps, CivicIndexFile, DistrictRef, Member, SourceInfo, ZipEntry } from './types';
import {
  befFileName,
  befUrl,
  buildZipTableFromBlocks,
  parseCensusRelationship,
  parseZccd,
  relationshipFileName,
  relationshipFileUrl,
  ZCCD_PATH,
  ZCTA_BLOCK_FILE,
  zctaBlockUrl,
  type Progress,
  type ZipDistrict,
  type ZipTable,
  type ZipTableResult,
} from './zip-table-import';

export { INDEX_FILE_NAME };

/** Below these counts a source is probably truncated, and the import is refused. */
export const MIN_COUNTS = { senators: 90, representatives: 400, zips: 30_000 } as const;

/** The Census ZIP files are large: a download may take this long before it is abandoned. */
const LARGE_DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

export type ZipSourceChoice = 'auto' | 'census' | 'bef' | 'zccd';

export interface ImportOptions {
  /** A local folder laid out like the data mirror; without it the canonical URLs are downloaded. */
  from?: string;
  /** Where `civic-index.json` (and `districts.json`) are written (usually `data`). */
  outDir: string;
  fetchImpl?: typeof fetch;
  now?: Date;
  /** Refuse imports with implausibly few senators, representatives or ZIPs (default true). */
  checkCounts?: boolean;
  /** A manifest file giving sources' dates (and zccd.csv's Congress); see docs/data.md. */
  manifest?: string;
  /** The member data's date when a folder has no manifest (the day the files were fetched upstream). */
  dataDate?: string;
  /** Which ZIP table to build: the best available (default), or one named. */
  zipSource?: ZipSourceChoice;
  /**
   * District boundaries: true imports them (required), false skips them. Default: downloads import them;
   * a folder imports them when it has a `cd<nnn>-shapes` folder.
   */
  shapes?: boolean;
  /** Where the sources are downloaded from (config: CIVIC_MEMBERS_URL, CENSUS_FILES_URL, ...). */
  urls?: CivicSourceUrls;
  /** Minimum number of boundary districts (default 435). */
  minShapes?: number;
  /**
   * The folder of the data in service (default `outDir`): the previous Congress's maps, kept in the
   * states proven unchanged, and the boundaries kept when the Bureau's file is not published.
   */
  servedDir?: string;
  /** Progress lines for long steps (the Census files are hundreds of megabytes). */
  log?: Progress;
}

// ---------------------------------------------------------------------------------------------------
// Members

interface MembersRead {
  members: Member[];
  warnings: string[];
  info: SourceInfo;
}

async function readMembers(options: ImportOptions, manifest: Manifest): Promise<MembersRead> {
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const read = (key: keyof typeof MEMBER_PATHS): Promise<SourceText> =>
    options.from
      ? readLocalText(options.from, MEMBER_PATHS[key])
      : downloadText(fetchImpl, memberUrls(sourceUrlsOf(options).members)[key]);
  const [legislators, offices, social] = await Promise.all([
    read('legislators'),
    read('offices'),
    read('social'),
  ]);
  const parsed = parseLegislators(legislators, parseOffices(offices), parseSocial(social));

  let date: string | null = null;
  let dateFrom: SourceInfo['dateFrom'] = null;
  // A published snapshot recognised by its checksum (the project's data mirror) dates itself.
  const known = knownFile(legislators.text);
  if (options.dataDate) [date, dateFrom] = [options.dataDate, 'operator'];
  else if (legislators.date) [date, dateFrom] = [legislators.date, 'last-modified'];
  else if (manifest.members?.date) [date, dateFrom] = [manifest.members.date, 'manifest'];
  else if (known) [date, dateFrom] = [known.date, 'known file'];
  if (!date) {
    throw new DataError(
      `${legislators.name}: the member data's date is unknown (a folder's files carry none); pass --data-date YYYY-MM-DD (the day the files were fetched upstream) or a manifest (--manifest FILE, or manifest.json in the folder; see docs/data.md)`,
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new DataError(`--data-date ${date}: must be a date like 2026-06-15`);
  const window = congressDates(parsed.congress);
  return {
    members: parsed.members,
    warnings: parsed.warnings,
    info: {
      name: legislators.name,
      congress: parsed.congress,
      congressFrom: 'terms',
      date,
      dateFrom,
      validFrom: window.start,
      validUntil: window.end,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// ZIP table

interface ZipsRead {
  result: ZipTableResult;
  name: string;
  date: string | null;
  dateFrom: SourceInfo['dateFrom'];
}

/** The first of `candidates` (paths inside the folder) that exists. */
async function firstFile(dir: string, candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await isFile(path.join(dir, candidate))) return candidate;
  return undefined;
}

/** `census/<name>`, then `<name>` at the top of the folder. */
const inCensusFolder = (name: string): string[] => [`census/${name}`, name];

async function readZipsLocal(
  options: ImportOptions,
  dir: string,
  congress: number,
  manifest: Manifest,
): Promise<ZipsRead | null> {
  const choice = options.zipSource ?? 'auto';
  const manifestDate = manifest.zips?.date ?? null;
  const fromManifest = (result: ZipTableResult, name: string): ZipsRead => ({
    result,
    name,
    date: result.date ?? manifestDate,
    dateFrom: result.dateFrom ?? (manifestDate ? 'manifest' : null),
  });
  if (choice === 'auto' || choice === 'census') {
    const rel = await firstFile(dir, inCensusFolder(relationshipFileName(congress)));
    if (rel) {
      const result = await parseCensusRelationship(rel, createReadStream(path.join(dir, rel)), options.log);
      return fromManifest(result, rel);
    }
    if (choice === 'census')
      throw new DataError(`${dir}: no ${relationshipFileName(congress)} (in census/ or at the top)`);
  }
  if (choice === 'auto' || choice === 'bef') {
    const bef = await firstFile(dir, [
      ...inCensusFolder(befFileName(congress)),
      ...inCensusFolder(`NationalCD${congress}.txt`),
    ]);
    const blocks = await firstFile(dir, inCensusFolder(ZCTA_BLOCK_FILE));
    if (bef && blocks) {
      const result = await buildZipTableFromBlocks(
        { name: bef, data: await fs.readFile(path.join(dir, bef)) },
        { name: blocks, input: createReadStream(path.join(dir, blocks)) },
        options.log,
      );
      return fromManifest(result, `${bef} + ${blocks}`);
    }
    if (choice === 'bef') {
      throw new DataError(
        `${dir}: the BEF join needs census/${befFileName(congress)} and census/${ZCTA_BLOCK_FILE}`,
      );
    }
  }
  if (choice === 'auto') {
    // A relationship file of another Congress is still read, so that the mismatch is reported by name.
    const entries = await fs.readdir(path.join(dir, 'census')).catch(() => [] as string[]);
    const other = entries.find((n) => /^tab20_cd\d{3}20_zcta520_natl\.txt$/.test(n));
    if (other && !(await isFile(path.join(dir, ZCCD_PATH)))) {
      const rel = `census/${other}`;
      return fromManifest(
        await parseCensusRelationship(rel, createReadStream(path.join(dir, rel)), options.log),
        rel,
      );
    }
  }
  if (choice === 'auto' && !(await isFile(path.join(dir, ZCCD_PATH)))) return null;
  const zccd = await readLocalText(dir, ZCCD_PATH);
  return fromManifest(await parseZccd(zccd, manifest.zips), zccd.name);
}

/** Null when the URL answers 404 (the Bureau has not published that file for this Congress). */
async function fetchIfPublished(fetchImpl: typeof fetch, url: string): Promise<Response | null> {
  try {
    return await fetchSource(fetchImpl, url, LARGE_DOWNLOAD_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof DataError && / HTTP 404$/.test(error.message)) return null;
    throw error;
  }
}

async function readZipsRemote(
  options: ImportOptions,
  congress: number,
  manifest: Manifest,
): Promise<ZipsRead | null> {
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const choice = options.zipSource ?? 'auto';
  const urls = sourceUrlsOf(options);
  const blocksUrl = zctaBlockUrl(urls.census);
  if (choice === 'auto' || choice === 'census') {
    const url = relationshipFileUrl(congress, urls.census);
    const response = await fetchIfPublished(fetchImpl, url);
    if (response) {
      options.log?.(`Reading ${url}`);
      const result = await parseCensusRelationship(url, bodyStream(response), options.log);
      return { result, name: url, date: lastModifiedDay(response), dateFrom: 'last-modified' };
    }
    if (choice === 'census') throw new DataError(`${url}: not published (HTTP 404)`);
  }
  if (choice === 'auto' || choice === 'bef') {
    const url = befUrl(congress, Number(congressDates(congress).start.slice(0, 4)), urls.census);
    const bef = await fetchIfPublished(fetchImpl, url);
    if (bef) {
      const blocks = await fetchSource(fetchImpl, blocksUrl, LARGE_DOWNLOAD_TIMEOUT_MS);
      options.log?.(`Joining ${url} with ${blocksUrl}`);
      const result = await buildZipTableFromBlocks(
        { name: url, data: Buffer.from(await bef.arrayBuffer()) },
        { name: blocksUrl, input: bodyStream(blocks) },
        options.log,
      );
      return {
        result,
        name: `${url} + ${blocksUrl}`,
        date: lastModifiedDay(bef),
        dateFrom: 'last-modified',
      };
    }
    if (choice === 'bef') throw new DataError(`${url}: not published (HTTP 404)`);
  }
  const published = await fetchIfPublished(fetchImpl, urls.zccd);
  if (!published && choice === 'auto') return null;
  if (!published) throw new DataError(`${urls.zccd}: not published (HTTP 404)`);
  const zccd = { name: urls.zccd, text: await published.text(), date: lastModifiedDay(published) };
  const result = await parseZccd(zccd, manifest.zips);
  return {
    result,
    name: urls.zccd,
    date: result.date ?? zccd.date ?? null,
    dateFrom: result.dateFrom ?? (zccd.date ? 'last-modified' : null),
  };
}

function bodyStream(response: Response): Readable {
  if (!response.body) return Readable.from([]);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

// ---------------------------------------------------------------------------------------------------
// Boundaries

async function wantsShapes(options: ImportOptions): Promise<boolean> {
  if (options.shapes !== undefined) return options.shapes;
  if (!options.from) return true;
  const entries = await fs.readdir(options.from).catch(() => [] as string[]);
  return entries.some((n) => /^cd\d{3}-shapes$/.test(n));
}

/** The boundaries of the members' Congress (or the newest in a folder); null while not published (404). */
async function readShapes(
  options: ImportOptions,
  congress: number,
  manifest: Manifest,
): Promise<DistrictShapesRead | null> {
  const urls = sourceUrlsOf(options);
  const url = options.from
    ? undefined
    : (urls.districtShapes ?? districtShapesUrl(congress, '20m', urls.census));
  try {
    return await readDistrictShapes({
      from: options.from,
      url,
      congress,
      outDir: options.outDir,
      fetchImpl: options.fetchImpl,
      minFeatures: options.minShapes,
      manifest: manifest.shapes,
    });
  } catch (error) {
    if (error instanceof DataError && / HTTP 404$/.test(error.message)) {
      options.log?.(`${url}: not published yet (HTTP 404)`);
      return null;
    }
    throw error;
  }
}

const sourceUrlsOf = (options: ImportOptions): CivicSourceUrls => options.urls ?? CANONICAL_SOURCE_URLS;

// ---------------------------------------------------------------------------------------------------
// One Congress

const seatKey = (d: DistrictRef): string => `${d.state}-${d.district}`;

function describeSource(label: string, info: Pick<SourceInfo, 'name' | 'congress' | 'congressFrom'>): string {
  return `${label} ${info.name}: ${ordinal(info.congress)} Congress (from its ${info.congressFrom})`;
}

/** What to fetch so that every source is of the members' Congress. */
export function whatToFetch(
  congress: number,
  stale: Array<'zips' | 'shapes'>,
  urls: CivicSourceUrls = CANONICAL_SOURCE_URLS,
): string {
  const parts: string[] = [];
  if (stale.includes('zips')) {
    parts.push(
      `the ${ordinal(congress)} Congress's ZIP table: ${relationshipFileName(congress)} (${relationshipFileUrl(congress, urls.census)}), or ${befFileName(congress)} (${befUrl(congress, Number(congressDates(congress).start.slice(0, 4)), urls.census)}) with ${ZCTA_BLOCK_FILE}, into census/`,
    );
  }
  if (stale.includes('shapes')) {
    parts.push(
      `its district boundaries: ${urls.districtShapes ?? districtShapesUrl(congress, '20m', urls.census)} into ${shapesFolderName(congress)}/ (setting: DISTRICT_SHAPES_URL)`,
    );
  }
  return parts.join('; and ');
}

function mixedCongressError(
  members: SourceInfo,
  sources: Array<['zips' | 'shapes', SourceInfo]>,
  urls: CivicSourceUrls,
): DataError {
  const lines = [
    describeSource('members', members),
    ...sources.map(([key, info]) => describeSource(key === 'zips' ? 'ZIP table' : 'boundaries', info)),
  ];
  const stale = sources.filter(([, info]) => info.congress < members.congress).map(([key]) => key);
  const ahead = sources.filter(([, info]) => info.congress > members.congress);
  const advice: string[] = [];
  if (stale.length) advice.push(`Fetch ${whatToFetch(members.congress, stale, urls)}.`);
  if (ahead.length) {
    const next = ahead[0]![1].congress;
    advice.push(
      `The maps are of the ${ordinal(next)} Congress but the member list is still the ${ordinal(members.congress)}'s: fetch the member list again once upstream has updated it (from ${congressDates(next).start}).`,
    );
  }
  return new DataError(
    `The sources describe different Congresses, and two Congresses are never combined; the data in service is unchanged.\n  - ${lines.join('\n  - ')}\n${advice.join(' ')}`,
  );
}

/** Each state's ZIP areas with their districts and shares, as a comparable text per state. */
function zipListsByState(zips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>>): Map<string, string[]> {
  const byState = new Map<string, string[]>();
  for (const [zip, districts] of zips) {
    const text = `${zip}:${districts
      .map((d) => `${seatKey(d)}=${d.share ?? ''}`)
      .sort()
      .join(',')}`;
    for (const state of new Set(districts.map((d) => d.state))) {
      byState.set(state, [...(byState.get(state) ?? []), text]);
    }
  }
  for (const list of byState.values()) list.sort();
  return byState;
}

/**
 * States whose maps are proven unchanged between the previous Congress and the new one:
 *  - a state with one seat in both (at large): its only district is the whole state;
 *  - a state whose list of ZIP areas, their districts and the shares is identical in the previous
 *    Congress's ZIP table and the new one's (when both are at hand; tables of different kinds never match).
 * Equal district numbers alone prove nothing: a redrawn state keeps its numbers.
 */
export function statesWithUnchangedMaps(
  previousSeats: ReadonlyArray<DistrictRef>,
  newMembers: ReadonlyArray<Member>,
  previousZips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>> | null,
  newZips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>> | null,
): string[] {
  const seatsOf = (refs: Iterable<DistrictRef>): Map<string, Set<number>> => {
    const out = new Map<string, Set<number>>();
    for (const r of refs) out.set(r.state, (out.get(r.state) ?? new Set()).add(r.district));
    return out;
  };
  const before = seatsOf(previousSeats);
  const after = seatsOf(
    newMembers
      .filter((m) => m.chamber === 'house')
      .map((m) => ({ state: m.state, district: m.district ?? 0 })),
  );
  const proven = new Set<string>();
  for (const [state, seats] of before) {
    const now = after.get(state);
    if (seats.size === 1 && seats.has(0) && now?.size === 1 && now.has(0)) proven.add(state);
  }
  if (previousZips && newZips) {
    const old = zipListsByState(previousZips);
    const fresh = zipListsByState(newZips);
    for (const [state, list] of fresh) {
      const was = old.get(state);
      if (was && was.length === list.length && was.every((v, i) => v === list[i])) proven.add(state);
    }
  }
  return [...proven].sort();
}

async function readServedIndex(dir: string): Promise<CivicIndexFile | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, INDEX_FILE_NAME), 'utf8')) as CivicIndexFile;
  } catch {
    return null;
  }
}

async function readServedShapes(dir: string): Promise<DistrictShapesFile | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, DISTRICT_SHAPES_FILE), 'utf8')) as DistrictShapesFile;
  } catch {
    return null;
  }
}

/** The previous Congress's maps at hand: its ZIP rows and seats, and the states already proven unchanged. */
interface PreviousMaps {
  zips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>> | null;
  seats: ReadonlyArray<DistrictRef>;
  /** Set when these maps were kept by an earlier import of the new Congress: only these states are usable. */
  proven: ReadonlySet<string> | null;
}

/**
 * No ZIP table published at all (neither the members' Congress's nor a fallback): the index in service
 * answers for the previous Congress's maps (read by `previousZipMaps`), or there is nothing to serve.
 */
function zipsInService(served: CivicIndexFile | null, congress: number, urls: CivicSourceUrls): ZipsRead {
  if (!served || (served.meta.congress !== congress && served.meta.congress !== congress - 1)) {
    throw new DataError(
      `No ZIP table is published for the ${ordinal(congress)} Congress and there is no data in service to keep. Fetch ${whatToFetch(congress, ['zips'], urls)}.`,
    );
  }
  const info = served.meta.sources?.zips;
  return {
    result: {
      table: new Map(),
      congress: info?.congress ?? served.meta.congress,
      congressFrom: info?.congressFrom ?? 'manifest',
    },
    name: info?.name ?? INDEX_FILE_NAME,
    date: info?.date ?? null,
    dateFrom: info?.dateFrom ?? null,
  };
}

/** The previous Congress's ZIP table: from the sources read, else from the index in service. */
function previousZipMaps(
  congress: number,
  zipsRead: ZipTableResult,
  served: CivicIndexFile | null,
): PreviousMaps | null {
  if (zipsRead.congress === congress - 1 && zipsRead.table.size > 0) {
    return { zips: zipsRead.table, seats: [...zipsRead.table.values()].flat(), proven: null };
  }
  if (!served) return null;
  const table = new Map(Object.entries(served.zips).map(([zip, entry]) => [zip, entry.districts]));
  if (served.meta.congress === congress - 1) return { zips: table, seats: served.districts, proven: null };
  const kept = served.meta.previousMaps;
  if (served.meta.congress === congress && kept?.congress === congress - 1) {
    const states = new Set(kept.states);
    const rows = new Map([...table].filter(([, list]) => list.every((d) => states.has(d.state))));
    return { zips: rows, seats: served.districts.filter((d) => states.has(d.state)), proven: states };
  }
  return null;
}

/** Boundaries usable for the new Congress where proven unchanged: the previous Congress's, read or served. */
function previousShapes(
  congress: number,
  read: DistrictShapesRead | null,
  served: DistrictShapesFile | null,
): { districts: DistrictShape[]; proven: ReadonlySet<string> | null } | null {
  if (read && read.info.congress === congress - 1) return { districts: read.file.districts, proven: null };
  if (!served) return null;
  if (served.meta.congress === congress - 1) return { districts: served.districts, proven: null };
  const kept = served.meta.previousMaps;
  if (served.meta.congress === congress && kept?.congress === congress - 1) {
    const states = new Set(kept.states);
    return { districts: served.districts.filter((d) => states.has(d.state)), proven: states };
  }
  return null;
}

export interface ComposedMaps {
  zipTable: ZipTable;
  shapes: DistrictShape[] | null;
  /** States served on the previous Congress's maps, proven unchanged. */
  previousStates: string[];
  awaiting: AwaitingMaps | undefined;
}

/**
 * Takes what is published, state by state. A state's ZIP rows are the new Congress's when its table (or
 * its BEF) is published, else the previous Congress's when its map is proven unchanged, else none; its
 * boundaries the same. Within a state the two are never of different maps: previous boundaries are used
 * beside new ZIP rows only when the state is proven unchanged. States with a single seat need no ZIP rows
 * (the state is the district) and the island areas have none in any table.
 */
export function composeMaps(input: {
  congress: number;
  members: ReadonlyArray<Member>;
  newZips: ZipTable | null;
  /** The new table covers the nation (a relationship file, a national BEF): no state is awaited. */
  newZipsNational: boolean;
  previous: PreviousMaps | null;
  newShapes: DistrictShape[] | null;
  oldShapes: { districts: DistrictShape[]; proven: ReadonlySet<string> | null } | null;
}): ComposedMaps {
  const { newZips, previous } = input;
  const houseSeats = input.members
    .filter((m) => m.chamber === 'house')
    .map((m) => ({ state: m.state, district: m.district ?? 0 }));
  const proven = new Set(
    statesWithUnchangedMaps(previous?.seats ?? [], input.members, previous?.zips ?? null, newZips),
  );
  if (previous?.proven)
    for (const state of [...proven]) if (!previous.proven.has(state)) proven.delete(state);
  for (const state of previous?.proven ?? []) proven.add(state);

  const statesOf = (rows: Iterable<ReadonlyArray<DistrictRef>>): Set<string> =>
    new Set([...rows].flatMap((list) => list.map((d) => d.state)));
  const newZipStates = newZips ? statesOf(newZips.values()) : new Set<string>();
  const seatsPerState = new Map<string, number>();
  for (const seat of houseSeats) seatsPerState.set(seat.state, (seatsPerState.get(seat.state) ?? 0) + 1);
  const territories = new Set<string>(DELEGATE_TERRITORIES);
  const allStates = [...new Set([...seatsPerState.keys(), ...newZipStates])]
    .filter((state) => !territories.has(state))
    .sort();

  // ZIP rows.
  const previousZipStates = new Set<string>();
  const zipTable: ZipTable = new Map(newZips ?? []);
  if (previous?.zips) {
    for (const [zip, list] of previous.zips) {
      if (zipTable.has(zip)) continue;
      const states = new Set(list.map((d) => d.state));
      if ([...states].every((state) => proven.has(state) && !newZipStates.has(state))) {
        zipTable.set(
          zip,
          list.map((d) => ({ ...d })),
        );
        for (const state of states) previousZipStates.add(state);
      }
    }
  }
  const zipsAwaiting = input.newZipsNational
    ? []
    : allStates.filter(
        (state) =>
          !newZipStates.has(state) && !previousZipStates.has(state) && (seatsPerState.get(state) ?? 0) > 1,
      );

  // Boundaries.
  let shapes: DistrictShape[] | null = input.newShapes;
  const previousShapeStates = new Set<string>();
  if (!shapes && input.oldShapes) {
    const kept = input.oldShapes.districts.filter((d) => proven.has(d.state));
    for (const d of kept) previousShapeStates.add(d.state);
    shapes = kept.length > 0 ? kept : null;
  }
  // A published boundary file is the whole map; only without one are states awaited.
  const shapeStates = new Set((shapes ?? []).map((d) => d.state));
  const shapesAwaiting = input.newShapes ? [] : allStates.filter((state) => !shapeStates.has(state));

  const previousStates = [...new Set([...previousZipStates, ...previousShapeStates])].sort();
  const awaiting =
    zipsAwaiting.length > 0 || shapesAwaiting.length > 0
      ? { zips: zipsAwaiting, boundaries: shapesAwaiting }
      : undefined;
  return { zipTable, shapes, previousStates, awaiting };
}

// ---------------------------------------------------------------------------------------------------
// Building the index

function compareSeats(a: DistrictRef, b: DistrictRef): number {
  return a.state.localeCompare(b.state) || a.district - b.district;
}

export function buildCivicIndex(
  parts: { members: Member[]; warnings: string[]; zipTable: ZipTable; zipsName: string },
  meta: Pick<
    CivicIndexFile['meta'],
    'source' | 'snapshotDate' | 'sources' | 'previousMaps' | 'awaitingMaps'
  > & { now: Date },
  options: { checkCounts?: boolean; zipCountForCheck?: number } = {},
): CivicIndexFile {
  const { members, zipTable } = parts;
  const warnings = [...parts.warnings];
  const seats = new Map<string, DistrictRef>();
  for (const list of zipTable.values()) {
    for (const d of list) seats.set(seatKey(d), { state: d.state, district: d.district });
  }
  for (const territory of DELEGATE_TERRITORIES)
    seats.set(`${territory}-0`, { state: territory, district: 0 });

  const occupied = new Map<string, Member>();
  let seatsMissing = 0;
  for (const member of members) {
    if (member.chamber !== 'house') continue;
    const ref = { state: member.state, district: member.district ?? 0 };
    const key = seatKey(ref);
    const other = occupied.get(key);
    if (other) warnings.push(`${key}: two members (${other.bioguide}, ${member.bioguide})`);
    occupied.set(key, member);
    if (!seats.has(key)) {
      seatsMissing++;
      seats.set(key, ref);
    }
  }
  if (seatsMissing > 0) warnings.push(`${seatsMissing} member seat(s) have no ZIP area in ${parts.zipsName}`);

  const districts = [...seats.values()].sort(compareSeats);
  const vacancies = districts.filter((d) => !occupied.has(seatKey(d)));

  const zips: Record<string, ZipEntry> = {};
  for (const zip of [...zipTable.keys()].sort()) zips[zip] = { districts: zipTable.get(zip)! };

  const counts = {
    senators: members.filter((m) => m.chamber === 'senate').length,
    representatives: members.filter((m) => m.title === 'Representative').length,
    delegates: members.filter((m) => m.title === 'Delegate' || m.title === 'Resident Commissioner').length,
    vacancies: vacancies.length,
    zips: zipTable.size,
  };
  if (options.checkCounts !== false) {
    const checked = { ...counts, zips: options.zipCountForCheck ?? counts.zips };
    for (const key of ['senators', 'representatives', 'zips'] as const) {
      if (checked[key] < MIN_COUNTS[key]) {
        const file = key === 'zips' ? parts.zipsName : (meta.sources?.members.name ?? 'members');
        throw new DataError(
          `${file}: only ${checked[key]} ${key} (expected at least ${MIN_COUNTS[key]}); the file looks truncated`,
        );
      }
    }
    if (counts.senators > 100) throw new DataError(`members: ${counts.senators} senators (max 100)`);
  }

  const membersInfo = meta.sources!.members;
  return {
    meta: {
      source: meta.source,
      snapshotDate: meta.snapshotDate,
      importedAt: meta.now.toISOString(),
      congress: membersInfo.congress,
      validFrom: membersInfo.validFrom,
      validUntil: membersInfo.validUntil,
      sources: meta.sources,
      ...(meta.previousMaps ? { previousMaps: meta.previousMaps } : {}),
      ...(meta.awaitingMaps ? { awaitingMaps: meta.awaitingMaps } : {}),
      counts,
      warnings,
    },
    members: members.sort(
      (a, b) =>
        a.state.localeCompare(b.state) ||
        a.chamber.localeCompare(b.chamber) ||
        (a.district ?? 0) - (b.district ?? 0) ||
        a.lastName.localeCompare(b.lastName),
    ),
    districts,
    vacancies,
    zips,
  };
}

// ---------------------------------------------------------------------------------------------------
// The import

/**
 * Imports the sources and writes `<outDir>/districts.json` (when there are boundaries to serve) and
 * `<outDir>/civic-index.json`, each replaced atomically, the index last; without boundaries, an old
 * `districts.json` is removed. Takes what is published (`composeMaps`); nothing is written unless every
 * source read is valid and its maps are of the members' Congress or the one before it.
 */
export async function importCivicData(options: ImportOptions): Promise<CivicIndexFile> {
  const now = options.now ?? new Date();
  const from = options.from ? path.resolve(options.from) : undefined;
  const opts = { ...options, from };
  const urls = sourceUrlsOf(options);
  const manifest = await loadManifest({ from, manifest: options.manifest });

  const members = await readMembers(opts, manifest);
  const congress = members.info.congress;
  const servedDir = options.servedDir ?? options.outDir;
  const served = await readServedIndex(servedDir);
  const zips =
    (from
      ? await readZipsLocal(opts, from, congress, manifest)
      : await readZipsRemote(opts, congress, manifest)) ?? zipsInService(served, congress, urls);
  const zipWindow = congressDates(zips.result.congress);
  const zipsInfo: SourceInfo = {
    name: zips.name,
    congress: zips.result.congress,
    congressFrom: zips.result.congressFrom,
    date: zips.date,
    dateFrom: zips.dateFrom,
    validFrom: zipWindow.start,
    validUntil: zipWindow.end,
  };
  const shapes = (await wantsShapes(opts)) ? await readShapes(opts, congress, manifest) : null;

  // Maps newer than the members, or older than the previous Congress, are never used.
  const mismatched: Array<['zips' | 'shapes', SourceInfo]> = [];
  if (zipsInfo.congress !== congress) mismatched.push(['zips', zipsInfo]);
  if (shapes && shapes.info.congress !== congress) mismatched.push(['shapes', shapes.info]);
  if (mismatched.some(([, info]) => info.congress !== congress - 1)) {
    throw mixedCongressError(members.info, mismatched, urls);
  }

  const servedShapes = await readServedShapes(servedDir);
  const newZips = zips.result.congress === congress && zips.result.table.size > 0 ? zips.result.table : null;
  // Boundaries not published: the ones in service stay while they are of the members' Congress.
  const newShapes =
    shapes && shapes.info.congress === congress
      ? shapes.file.districts
      : servedShapes?.meta.congress === congress && !servedShapes.meta.previousMaps
        ? servedShapes.districts
        : null;
  const composed = composeMaps({
    congress,
    members: members.members,
    newZips,
    newZipsNational: newZips !== null && zips.result.national !== false,
    previous: previousZipMaps(congress, zips.result, served),
    newShapes,
    oldShapes: newShapes ? null : previousShapes(congress, shapes, servedShapes),
  });
  const previousMaps = composed.previousStates.length
    ? { congress: congress - 1, states: composed.previousStates }
    : undefined;
  const shapesInfo =
    shapes?.info.congress === congress
      ? shapes.info
      : newShapes
        ? (served?.meta.sources?.shapes ?? undefined)
        : composed.shapes
          ? (shapes?.info ?? served?.meta.sources?.shapes ?? undefined)
          : undefined;

  const index = buildCivicIndex(
    {
      members: members.members,
      warnings: members.warnings,
      zipTable: composed.zipTable,
      zipsName: zips.name,
    },
    {
      source: from ?? [...Object.values(memberUrls(urls.members)), zips.name].join(' '),
      snapshotDate: members.info.date!,
      sources: { members: members.info, zips: zipsInfo, ...(shapesInfo ? { shapes: shapesInfo } : {}) },
      previousMaps,
      awaitingMaps: composed.awaiting,
      now,
    },
    {
      checkCounts: options.checkCounts,
      // Only a national table of the new Congress can be checked for truncation; states it lacks would
      // otherwise pass as "not published".
      zipCountForCheck: newZips && zips.result.national !== false ? newZips.size : Infinity,
    },
  );
  // Boundaries first, the index last; districts.json names the index it belongs to (start-up checks).
  if (composed.shapes) {
    const shapeStates = new Set(previousMaps?.states ?? []);
    const keptPrevious = composed.shapes.some((d) => shapeStates.has(d.state)) && !newShapes;
    await writeDistrictShapes(options.outDir, {
      meta: {
        source: shapesInfo?.name ?? 'districts.json',
        importedAt: index.meta.importedAt,
        indexImportedAt: index.meta.importedAt,
        congress,
        features: composed.shapes.length,
        ...(keptPrevious && previousMaps ? { previousMaps } : {}),
      },
      districts: composed.shapes,
    });
  }
  await fs.mkdir(options.outDir, { recursive: true });
  await writeFileAtomic(path.join(options.outDir, INDEX_FILE_NAME), JSON.stringify(index));
  if (!composed.shapes) await fs.rm(path.join(options.outDir, DISTRICT_SHAPES_FILE), { force: true });
  return index;
}
