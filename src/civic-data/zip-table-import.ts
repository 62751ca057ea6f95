/**
 * civic-data/zip-table-import: ZIP areas (2020 ZCTAs) to congressional districts, with the share of each
 * ZIP area's land in each district where the source allows it. Three sources, best first:
 *  - the Census Bureau's CD-to-ZCTA relationship file for the Congress (`tab20_cd<nnn>20_zcta520_natl.txt`);
 *  - our own join of the Bureau's block equivalency file (BEF) of the Congress, block to district, with the
 *    2020 ZCTA-to-block relationship file (`tab20_zcta520_tabblock20_natl.txt`, about 1 GB);
 *  - us-zipcodes-congress `zccd.csv` (119th only, no shares, over-lists), the fallback.
 * Every file is parsed by csv-parse as a stream, so memory does not grow with the file; the BEF join keeps
 * one number pair per block (about 9 bytes, 75 MB for the nation). The Congress comes from the column names
 * or file names (`GEOID_CD119_20`, `NationalCD119.txt`, `cd120.zip`), or for zccd.csv from a manifest or
 * its known checksum.
 */
import type { CivicSourceUrls } from '../config/config';
import { trimEnd } from '../platform/text';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { congressStartYear, ordinal } from './congress';
import { normaliseDistrictCode } from './district-shapes';
import { StateCode } from './members-import';
import {
  fetchIfPublished,
  fetchSource,
  isFile,
  knownFile,
  lastModifiedDay,
  recordError,
  sourceInfo,
  type ManifestEntry,
} from './source-files';
import { stateFromFips } from './states';
import type { DistrictRef, SourceInfo, ZipDistrict } from './types';
import { forEachZipEntry, isZip } from './zip-archive';

export type ZipTable = Map<string, ZipDistrict[]>;

interface ZipTableResult {
  table: ZipTable;
  congress: number;
  congressFrom: SourceInfo['congressFrom'];
  /** The date the source itself gives (a known file's upstream commit day). */
  date?: string;
  dateFrom?: SourceInfo['dateFrom'];
  /**
   * False when the source covers only some states (a BEF zip of state files, published state by state):
   * the states it lacks are not empty, only not published yet.
   */
  national?: boolean;
}

/** Called every so often with a line such as "ZCTA-block file: 2,000,000 rows". */
export type Progress = (line: string) => void;

const ZCCD_PATH = 'us-zipcodes-congress/zccd.csv';
export const ZCTA_BLOCK_FILE = 'tab20_zcta520_tabblock20_natl.txt';
/** The ZCTA-to-block relationship file on the Census file server at `census` (CENSUS_FILES_URL). */
function zctaBlockUrl(census: string): string {
  return `${trimEnd(census, '/')}/geo/docs/maps-data/data/rel2020/zcta520/${ZCTA_BLOCK_FILE}`;
}

/** `tab20_cd11920_zcta520_natl.txt` for the 119th Congress. */
export function relationshipFileName(congress: number): string {
  return `tab20_cd${congress}20_zcta520_natl.txt`;
}
export function relationshipFileUrl(congress: number, census: string): string {
  return `${trimEnd(census, '/')}/geo/docs/maps-data/data/rel2020/cd-sld/${relationshipFileName(congress)}`;
}
/** `cd119.zip`: the 119th Congress's block equivalency files. */
export function befFileName(congress: number): string {
  return `cd${congress}.zip`;
}
/** The BEFs are published in the year the Congress begins. */
export function befUrl(congress: number, census: string): string {
  return `${trimEnd(census, '/')}/programs-surveys/decennial/rdo/mapping-files/${congressStartYear(congress)}/${congress}-congressional-district-befs/${befFileName(congress)}`;
}

const PROGRESS_EVERY_ROWS = 1_000_000;

// ---------------------------------------------------------------------------------------------------
// CSV records

interface CsvRecord {
  row: Record<string, string>;
  /** Line number in the file (1 = header). */
  line: number;
}

/** Records of a delimited text with a header row, as a stream; a malformed file is a DataError naming it. */
async function* csvRecords(
  name: string,
  input: Readable | string,
  delimiter: string | string[],
  onHeader?: (columns: string[]) => void,
): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_quotes: true,
    // The Bureau's files sometimes end a row with an extra empty field.
    relax_column_count: true,
    info: true,
    columns: (header: string[]) => {
      onHeader?.(header);
      return header;
    },
  });
  const source = typeof input === 'string' ? Readable.from(chunksOf(input)) : input;
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { row: record.record, line: record.info.lines };
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${name}: ${(error as Error).message}`, { cause: error });
  }
}

/** Small chunks: csv-parse emits every record of a chunk at once, whatever the reader. */
function* chunksOf(data: string | Buffer): Generator<string | Buffer> {
  for (let i = 0; i < data.length; i += 64 * 1024) {
    yield typeof data === 'string' ? data.slice(i, i + 64 * 1024) : data.subarray(i, i + 64 * 1024);
  }
}

function requireColumns(file: string, header: string[], names: string[]): void {
  for (const name of names) {
    if (!header.includes(name)) {
      throw new DataError(`${file}: header has no "${name}" column (found: ${header.join(',')})`);
    }
  }
}

/** The formats of the Bureau's fields, each with what a mismatch says. */
const FORMAT = {
  zcta: [/^\d{5}$/, 'must be 5 digits'],
  zctaOrNone: [/^(\d{5})?$/, 'must be 5 digits'],
  block: [/^\d{15}$/, 'must be a 15-digit block GEOID'],
  district: [/^\d{2}(\d{2}|ZZ)$/, 'must be 2-digit state FIPS + 2-digit district'],
  land: [/^\d+(\.\d+)?$/, 'must be a land area in square metres'],
} satisfies Record<string, [RegExp, string]>;

/** The field's value when it has the format; else a DataError naming file, line and column. */
function field(where: string, column: string, value: string | undefined, [format, rule]: [RegExp, string]) {
  if (value === undefined || !format.test(value)) throw new DataError(`${where}: field "${column}" ${rule}`);
  return value;
}

function addZip(table: ZipTable, zip: string, ref: ZipDistrict): void {
  const list = table.get(zip);
  if (!list) table.set(zip, [ref]);
  else if (!list.some((d) => d.state === ref.state && d.district === ref.district)) list.push(ref);
}

// ---------------------------------------------------------------------------------------------------
// zccd.csv

const ZccdRowSchema = z.object({
  state_abbr: StateCode,
  zcta: z.string().regex(/^\d{5}$/, 'must be 5 digits'),
  cd: z.string().regex(/^\d{1,2}$/, 'must be a district number'),
});

/**
 * us-zipcodes-congress zccd.csv: `state_fips,state_abbr,zcta,cd`, one row per ZCTA and district. The file
 * says neither its Congress nor its date: they come from the manifest, or from its known checksum.
 */
async function parseZccd(name: string, text: string, manifest: ManifestEntry = {}): Promise<ZipTableResult> {
  const table: ZipTable = new Map();
  for await (const { row, line } of csvRecords(name, text, ',', (header) =>
    requireColumns(name, header, ['state_abbr', 'zcta', 'cd']),
  )) {
    const parsed = ZccdRowSchema.safeParse(row);
    if (!parsed.success) {
      throw recordError(name, `line ${line} (zcta ${row.zcta ?? '?'})`, parsed.error.issues[0]!);
    }
    addZip(table, parsed.data.zcta, { state: parsed.data.state_abbr, district: Number(parsed.data.cd) });
  }
  const known = knownFile(text);
  if (manifest.congress !== undefined) {
    if (known && known.congress !== manifest.congress) {
      throw new DataError(
        `${name}: the manifest says the ${ordinal(manifest.congress)} Congress, but this file is ${known.source}, the ${ordinal(known.congress)} Congress`,
      );
    }
    return { table, congress: manifest.congress, congressFrom: 'manifest' };
  }
  if (known) {
    return {
      table,
      congress: known.congress,
      congressFrom: 'known file',
      date: known.date,
      dateFrom: 'known file',
    };
  }
  throw new DataError(
    `${name}: this zccd.csv is not the published 119th-Congress file and says no Congress itself; give its Congress in a manifest ("zips": {"congress": N}, see docs/data.md) or use the Census files`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Census CD-to-ZCTA relationship file

const GEOID_CD_COLUMN = /^GEOID_CD(\d{3})_20$/;

/** Land area of each (ZIP area, district) overlap, summed as rows come. */
class OverlapAreas {
  private readonly areas = new Map<string, Map<string, { ref: DistrictRef; land: number }>>();

  add(zcta: string, ref: DistrictRef, land: number): void {
    let byDistrict = this.areas.get(zcta);
    if (!byDistrict) this.areas.set(zcta, (byDistrict = new Map()));
    const key = `${ref.state}-${ref.district}`;
    const entry = byDistrict.get(key);
    if (entry) entry.land += land;
    else byDistrict.set(key, { ref, land });
  }

  /**
   * Each ZIP's districts by land area of the overlap, largest first, with `share` = overlap land / the ZIP
   * area's land in all its parts (4 decimals; equal shares when the ZIP area has no land).
   */
  toTable(): ZipTable {
    const table: ZipTable = new Map();
    for (const [zcta, byDistrict] of this.areas) {
      const parts = [...byDistrict.values()];
      const total = parts.reduce((sum, p) => sum + p.land, 0);
      parts.sort(
        (a, b) =>
          b.land - a.land || a.ref.state.localeCompare(b.ref.state) || a.ref.district - b.ref.district,
      );
      table.set(
        zcta,
        parts.map((p) => ({
          ...p.ref,
          share:
            total > 0
              ? Math.round((p.land / total) * 10_000) / 10_000
              : Math.round(10_000 / parts.length) / 10_000,
        })),
      );
    }
    return table;
  }
}

/** "3610" to NY-10; '00' (at-large) and '98' (DC, PR) to district 0; undefined for 'ZZ' (no district). */
function districtFromGeoid(where: string, column: string, geoid: string): DistrictRef | undefined {
  if (geoid.endsWith('ZZ')) return undefined;
  const state = stateFromFips(geoid.slice(0, 2));
  if (!state) throw new DataError(`${where}: field "${column}" has unknown state FIPS`);
  const district = normaliseDistrictCode(geoid.slice(2));
  if (district === undefined) throw new DataError(`${where}: field "${column}" "${geoid}" is not a district`);
  return { state, district };
}

/**
 * The Census CD-to-ZCTA relationship file (pipe-delimited). Its Congress is in its column names
 * (`GEOID_CD119_20`); the file name, when it follows the Bureau's pattern, must agree.
 */
async function parseCensusRelationship(
  name: string,
  input: Readable | string,
  progress?: Progress,
): Promise<ZipTableResult> {
  let column = '';
  let congress = 0;
  const areas = new OverlapAreas();
  let rows = 0;
  for await (const { row, line } of csvRecords(name, input, '|', (header) => {
    column = header.find((h) => GEOID_CD_COLUMN.test(h)) ?? '';
    if (!column) throw new DataError(`${name}: header has no "GEOID_CDnnn_20" column`);
    requireColumns(name, header, ['GEOID_ZCTA5_20', 'AREALAND_PART']);
    congress = Number(GEOID_CD_COLUMN.exec(column)![1]);
  })) {
    if (++rows % PROGRESS_EVERY_ROWS === 0) progress?.(`${name}: ${rows.toLocaleString('en-US')} rows`);
    const where = `${name}: line ${line} (${column} ${row[column] ?? '?'}, GEOID_ZCTA5_20 ${row.GEOID_ZCTA5_20 ?? '?'})`;
    const geoid = field(where, column, row[column], FORMAT.district);
    const zcta = field(where, 'GEOID_ZCTA5_20', row.GEOID_ZCTA5_20, FORMAT.zctaOrNone);
    const land = field(where, 'AREALAND_PART', row.AREALAND_PART || '0', FORMAT.land);
    // Rows without a ZCTA (water, unpopulated parts) carry no ZIP.
    if (!zcta) continue;
    const ref = districtFromGeoid(where, column, geoid);
    if (ref) areas.add(zcta, ref, Number(land));
  }
  if (!column) throw new DataError(`${name}: empty file`);
  const fromName = /tab20_cd(\d{3})20_zcta520/.exec(name);
  if (fromName && Number(fromName[1]) !== congress) {
    throw new DataError(
      `${name}: the file name says the ${ordinal(Number(fromName[1]))} Congress but its columns say the ${ordinal(congress)}`,
    );
  }
  return { table: areas.toTable(), congress, congressFrom: 'column' };
}

// ---------------------------------------------------------------------------------------------------
// Block equivalency file joined with the ZCTA-to-block relationship file

/** Block GEOID (15 digits) to a state FIPS * 100 + district code, in growable typed arrays. */
class BlockDistricts {
  private keys = new Float64Array(1 << 16);
  private codes = new Uint16Array(1 << 16);
  private count = 0;
  private sorted = true;

  add(block: number, code: number): void {
    if (this.count === this.keys.length) {
      const keys = new Float64Array(this.keys.length * 2);
      keys.set(this.keys);
      const codes = new Uint16Array(this.codes.length * 2);
      codes.set(this.codes);
      this.keys = keys;
      this.codes = codes;
    }
    if (this.count > 0 && block <= this.keys[this.count - 1]!) this.sorted = false;
    this.keys[this.count] = block;
    this.codes[this.count] = code;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Sorts by block once all files are in (the Bureau's files are sorted already: usually a no-op). */
  finish(file: string): void {
    if (!this.sorted) {
      const order = Array.from({ length: this.count }, (_, i) => i).sort(
        (a, b) => this.keys[a]! - this.keys[b]!,
      );
      this.keys = Float64Array.from(order, (i) => this.keys[i]!);
      this.codes = Uint16Array.from(order, (i) => this.codes[i]!);
      this.sorted = true;
    }
    for (let i = 1; i < this.count; i++) {
      if (this.keys[i] === this.keys[i - 1]) {
        throw new DataError(`${file}: block ${String(this.keys[i]).padStart(15, '0')} is assigned twice`);
      }
    }
  }

  find(block: number): number | undefined {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid]!;
      if (key === block) return this.codes[mid];
      if (key < block) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** A district code the join cannot use: 'ZZ', no district (water in a few states). */
const NO_DISTRICT = 0xffff;
const BLOCK_COLUMNS = ['GEOID', 'BLOCKID', 'GEOID20'];
const DISTRICT_COLUMN = /^(CDFP|CD\d{3}FP|DISTRICT)$/;

/** One block equivalency file's text: `GEOID,CDFP` (national file) or `GEOID,...,CDFP` (state files). */
async function readBefText(
  name: string,
  input: Readable | string,
  blocks: BlockDistricts,
  progress?: Progress,
): Promise<number | null> {
  let blockColumn = '';
  let districtColumn = '';
  let rows = 0;
  // The national file is comma-separated; a few state files use '|'. Neither character is in a field.
  for await (const { row, line } of csvRecords(name, input, [',', '|'], (header) => {
    blockColumn = BLOCK_COLUMNS.find((c) => header.includes(c)) ?? '';
    districtColumn = header.find((h) => DISTRICT_COLUMN.test(h)) ?? '';
    if (!blockColumn || !districtColumn) {
      throw new DataError(
        `${name}: header needs a block column (GEOID) and a district column (CDFP); found ${header.join(',')}`,
      );
    }
  })) {
    if (++rows % PROGRESS_EVERY_ROWS === 0) progress?.(`${name}: ${rows.toLocaleString('en-US')} blocks`);
    const block = field(`${name}: line ${line}`, blockColumn, row[blockColumn], FORMAT.block);
    const code = row[districtColumn] ?? '';
    if (!stateFromFips(block.slice(0, 2)))
      throw new DataError(`${name}: line ${line}: field "${blockColumn}" has unknown state FIPS`);
    if (code === 'ZZ') {
      blocks.add(Number(block), NO_DISTRICT);
      continue;
    }
    const district = normaliseDistrictCode(code);
    if (district === undefined || !/^\d{2}$/.test(code)) {
      throw new DataError(
        `${name}: line ${line}: field "${districtColumn}" "${code}" is not a district code`,
      );
    }
    blocks.add(Number(block), Number(block.slice(0, 2)) * 100 + district);
  }
  const fromColumn = /^CD(\d{3})FP$/.exec(districtColumn);
  return fromColumn ? Number(fromColumn[1]) : null;
}

/** The Congress a BEF's file name gives: `NationalCD119.txt`, `cd120.zip`, `CD120_06.txt`. */
export function congressFromBefName(name: string): number | null {
  const match = /cd(\d{3})/i.exec(name.split(/[\\/]/).pop() ?? '');
  return match ? Number(match[1]) : null;
}

interface BefSource {
  /** The zip (`cd120.zip`) or one text file. */
  name: string;
  data: Buffer;
}

/**
 * Loads a block equivalency file: a zip with the national file (`NationalCDnnn.txt`, preferred) or the
 * state files, or a single text file. Returns the blocks and the file's Congress.
 */
async function loadBef(
  source: BefSource,
  progress?: Progress,
): Promise<{ blocks: BlockDistricts; congress: number; national: boolean }> {
  const blocks = new BlockDistricts();
  const congresses = new Set<number>();
  // A single text file is national unless its name is a state's (`CD120_06.txt`).
  let national = !/_\d{2}\.txt$/i.test(source.name) || /national/i.test(source.name);
  const note = (fileName: string, fromColumn: number | null): void => {
    const fromName = congressFromBefName(fileName) ?? congressFromBefName(source.name);
    const congress = fromColumn ?? fromName;
    if (congress === null)
      throw new DataError(`${fileName}: neither the file name nor the columns say the Congress`);
    if (fromColumn !== null && fromName !== null && fromColumn !== fromName) {
      throw new DataError(
        `${fileName}: the file name says the ${ordinal(fromName)} Congress but the columns say the ${ordinal(fromColumn)}`,
      );
    }
    congresses.add(congress);
  };
  if (isZip(source.data)) {
    const names: string[] = [];
    await forEachZipEntry(
      source.data,
      source.name,
      (n) => {
        if (/\.txt$/i.test(n)) names.push(n);
        return false;
      },
      () => Promise.resolve(),
    );
    const nationalFile = names.find((n) => /national/i.test(n));
    national = nationalFile !== undefined;
    const chosen = nationalFile ? [nationalFile] : names;
    if (chosen.length === 0) throw new DataError(`${source.name}: no block equivalency text file in the zip`);
    await forEachZipEntry(
      source.data,
      source.name,
      (n) => chosen.includes(n),
      async (n, stream) =>
        note(`${source.name}!${n}`, await readBefText(`${source.name}!${n}`, stream, blocks, progress)),
    );
  } else {
    note(source.name, await readBefText(source.name, Readable.from(chunksOf(source.data)), blocks, progress));
  }
  if (congresses.size !== 1) {
    throw new DataError(
      `${source.name}: its files are of ${[...congresses].map(ordinal).join(' and ')} Congresses`,
    );
  }
  blocks.finish(source.name);
  return { blocks, congress: [...congresses][0]!, national };
}

/**
 * Our own ZIP table: every 2020 block of the ZCTA-to-block relationship file gets the district the BEF
 * assigns it; a ZIP area's share in a district is the land of its blocks there over its land.
 */
export async function buildZipTableFromBlocks(
  bef: BefSource,
  zctaBlocks: { name: string; input: Readable | string },
  progress?: Progress,
): Promise<ZipTableResult & { unassignedBlocks: number }> {
  const { blocks, congress, national } = await loadBef(bef, progress);
  progress?.(
    `${bef.name}: ${blocks.size.toLocaleString('en-US')} blocks of the ${ordinal(congress)} Congress`,
  );
  const areas = new OverlapAreas();
  let rows = 0;
  let unassignedBlocks = 0;
  const name = zctaBlocks.name;
  for await (const { row, line } of csvRecords(name, zctaBlocks.input, '|', (header) =>
    requireColumns(name, header, ['GEOID_ZCTA5_20', 'GEOID_TABBLOCK_20', 'AREALAND_PART']),
  )) {
    if (++rows % PROGRESS_EVERY_ROWS === 0) progress?.(`${name}: ${rows.toLocaleString('en-US')} rows`);
    if (!row.GEOID_ZCTA5_20) continue;
    const where = `${name}: line ${line}`;
    const zcta = field(where, 'GEOID_ZCTA5_20', row.GEOID_ZCTA5_20, FORMAT.zcta);
    const block = field(where, 'GEOID_TABBLOCK_20', row.GEOID_TABBLOCK_20 ?? '', FORMAT.block);
    const land = field(where, 'AREALAND_PART', row.AREALAND_PART || '0', FORMAT.land);
    const code = blocks.find(Number(block));
    if (code === undefined) {
      // Blocks the BEF does not cover (island areas) have no district.
      unassignedBlocks++;
      continue;
    }
    if (code === NO_DISTRICT) continue;
    const state = stateFromFips(String(Math.floor(code / 100)))!;
    areas.add(zcta, { state, district: code % 100 }, Number(land));
  }
  if (rows === 0) throw new DataError(`${name}: no rows`);
  progress?.(`${name}: ${rows.toLocaleString('en-US')} rows joined`);
  return { table: areas.toTable(), congress, congressFrom: 'file name', unassignedBlocks, national };
}

// ---------------------------------------------------------------------------------------------------
// Choosing the source: the relationship file, else the BEF join, else zccd.csv, from a folder or the URLs

/** Which ZIP table to build: the best available (default), or one named. */
export type ZipSourceChoice = 'auto' | 'census' | 'bef' | 'zccd';

/** The ZIP table read; `info.name` is the file or URL (two joined with " + " for the BEF join). */
export type ZipsRead = Pick<ZipTableResult, 'table' | 'national'> & { info: SourceInfo };

interface ZipSourceOptions {
  /** A local folder laid out like the data mirror; without it `urls` are downloaded. */
  from: string | undefined;
  choice: ZipSourceChoice;
  urls: Pick<CivicSourceUrls, 'census' | 'zccd'>;
  /** What the manifest says of the ZIP table (its date; zccd.csv's Congress). */
  manifest: ManifestEntry | undefined;
  log?: Progress | undefined;
}

/** A ZIP source file in the folder or published at its URL, with the date its origin gives it. */
interface FoundFile {
  /** The path inside the folder, or the URL. */
  name: string;
  date: string | null;
  dateFrom: SourceInfo['dateFrom'];
  open: () => Readable;
}

type ZipFile = 'relationship' | 'bef' | 'blocks' | 'zccd' | 'other relationship';

/**
 * Finds a ZIP source file in the folder or at the publisher's URL: null when the folder lacks it or the
 * publisher answers 404 (not published yet); a DataError instead when the operator's choice requires it.
 */
type FindZipFile = (file: ZipFile, required: boolean) => Promise<FoundFile | null>;

/** The best ZIP table published for `congress` (or the one chosen); null when none is (auto only). */
export async function readZipTable(options: ZipSourceOptions, congress: number): Promise<ZipsRead | null> {
  const { choice, log } = options;
  const find = options.from
    ? inFolder(options.from, congress, options.manifest)
    : atPublishers(options.urls, congress);
  const read = ({ table, national, ...result }: ZipTableResult, name: string, file: FoundFile): ZipsRead => ({
    table,
    national,
    info: sourceInfo({
      name,
      congress: result.congress,
      congressFrom: result.congressFrom,
      date: result.date ?? file.date,
      dateFrom: result.dateFrom ?? file.dateFrom,
    }),
  });
  const readRelationship = async (rel: FoundFile): Promise<ZipsRead> => {
    log?.(`Reading ${rel.name}`);
    return read(await parseCensusRelationship(rel.name, rel.open(), log), rel.name, rel);
  };
  if (choice === 'auto' || choice === 'census') {
    const rel = await find('relationship', choice === 'census');
    if (rel) return readRelationship(rel);
  }
  if (choice === 'auto' || choice === 'bef') {
    const bef = await find('bef', choice === 'bef');
    const blocks = bef && (await find('blocks', choice === 'bef'));
    if (bef && blocks) {
      log?.(`Joining ${bef.name} with ${blocks.name}`);
      const result = await buildZipTableFromBlocks(
        { name: bef.name, data: await buffer(bef.open()) },
        { name: blocks.name, input: blocks.open() },
        log,
      );
      return read(result, `${bef.name} + ${blocks.name}`, bef);
    }
  }
  const zccd = await find('zccd', choice === 'zccd');
  if (!zccd) {
    // Nothing of this Congress (auto): a folder's relationship file of another Congress is still read, so
    // that the mismatch is reported by name.
    const other = await find('other relationship', false);
    return other && readRelationship(other);
  }
  const text = (await buffer(zccd.open())).toString('utf8');
  return read(await parseZccd(zccd.name, text, options.manifest), zccd.name, zccd);
}

/** `census/<name>`, then `<name>` at the top of the folder. */
const inCensusFolder = (name: string): string[] => [`census/${name}`, name];

function inFolder(dir: string, congress: number, manifest: ManifestEntry | undefined): FindZipFile {
  const date = manifest?.date ?? null;
  const candidates = {
    relationship: inCensusFolder(relationshipFileName(congress)),
    bef: [...inCensusFolder(befFileName(congress)), ...inCensusFolder(`NationalCD${congress}.txt`)],
    blocks: inCensusFolder(ZCTA_BLOCK_FILE),
    zccd: [ZCCD_PATH],
  };
  const otherRelationship = async (): Promise<string[]> =>
    (await fs.readdir(path.join(dir, 'census')).catch(() => [] as string[]))
      .filter((n) => /^tab20_cd\d{3}20_zcta520_natl\.txt$/.test(n))
      .map((n) => `census/${n}`);
  return async (file, required) => {
    const names = file === 'other relationship' ? await otherRelationship() : candidates[file];
    for (const name of names) {
      const full = path.join(dir, name);
      if (await isFile(full)) {
        return { name, date, dateFrom: date ? 'manifest' : null, open: () => createReadStream(full) };
      }
    }
    if (required) throw new DataError(`${dir}: no ${names.join(' or ')}`);
    return null;
  };
}

/** The Census ZIP files are large: a download may take this long before it is abandoned. */
const LARGE_DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

function atPublishers(urls: ZipSourceOptions['urls'], congress: number): FindZipFile {
  const url = {
    relationship: relationshipFileUrl(congress, urls.census),
    bef: befUrl(congress, urls.census),
    blocks: zctaBlockUrl(urls.census),
    zccd: urls.zccd,
  };
  return async (file, required) => {
    if (file === 'other relationship') return null;
    // The ZCTA-to-block file is the 2020 census's, published for good: a 404 there is an error.
    const response =
      required || file === 'blocks'
        ? await fetchSource(url[file], LARGE_DOWNLOAD_TIMEOUT_MS)
        : await fetchIfPublished(url[file], LARGE_DOWNLOAD_TIMEOUT_MS);
    if (!response) return null;
    const date = lastModifiedDay(response);
    return {
      name: url[file],
      date,
      dateFrom: date ? 'last-modified' : null,
      open: () => (response.body ? Readable.fromWeb(response.body as WebStream) : Readable.from([])),
    };
  };
}
