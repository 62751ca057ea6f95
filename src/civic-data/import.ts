/**
 * civic-data/import: builds `data/civic-index.json` from the public sources (members of Congress from
 * unitedstates/congress-legislators, ZIP areas to districts from us-zipcodes-congress or the Census
 * Bureau's CD119-ZCTA relationship file). Every record is validated; a bad file fails the whole import
 * with a message naming the file, the record and the field, and the index already in place is kept.
 * See docs/data.md for the sources and every decision taken on quirks of the data.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { DELEGATE_TERRITORIES, hasSenators, houseTitle, stateByAbbr, stateByFips } from './states';
import type { CivicIndexFile, DistrictOffice, DistrictRef, Member, ZipEntry } from './types';

export const CONGRESS = 119;
/** The 120th Congress starts on 3 January 2027, with new members and some new district maps. */
export const VALID_UNTIL = '2027-01-03';
export const INDEX_FILE_NAME = 'civic-index.json';
export const CENSUS_RELATIONSHIP_FILE = 'tab20_cd11920_zcta520_natl.txt';
export const HOUSE_WRITE_YOUR_REP_URL = 'https://www.house.gov/representatives/find-your-representative';

export const CANONICAL_URLS = {
  legislators: 'https://unitedstates.github.io/congress-legislators/legislators-current.json',
  offices: 'https://unitedstates.github.io/congress-legislators/legislators-district-offices.json',
  social: 'https://unitedstates.github.io/congress-legislators/legislators-social-media.json',
  zccd: 'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv',
} as const;

/** Paths inside a `--from` folder, laid out like the shared data mirror. */
export const LOCAL_PATHS = {
  legislators: 'congress-legislators/legislators-current.json',
  offices: 'congress-legislators/legislators-district-offices.json',
  social: 'congress-legislators/legislators-social-media.json',
  zccd: 'us-zipcodes-congress/zccd.csv',
  /** Looked up first in `census/`, then at the top of the folder. */
  census: [`census/${CENSUS_RELATIONSHIP_FILE}`, CENSUS_RELATIONSHIP_FILE],
} as const;

/** Below these counts a source is probably truncated, and the import is refused. */
export const MIN_COUNTS = { senators: 90, representatives: 400, zips: 30_000 } as const;

export interface ImportOptions {
  /** A local folder laid out like the data mirror; without it the canonical URLs are downloaded. */
  from?: string;
  /** Where `civic-index.json` is written (usually `data`). */
  outDir: string;
  fetchImpl?: typeof fetch;
  now?: Date;
  /** Refuse imports with implausibly few senators, representatives or ZIPs (default true). */
  checkCounts?: boolean;
}

/** The raw text of each source, and the name used for it in error messages. */
export interface SourceTexts {
  legislators: SourceText;
  offices: SourceText;
  social: SourceText;
  zips: SourceText & { format: 'zccd' | 'census' };
}
interface SourceText {
  name: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------------
// Zod schemas of the source records (only the fields used; unknown fields are ignored).

const Bioguide = z.string().regex(/^[A-Z]\d{6}$/, 'must be a bioguide id like "C000127"');
const StateCode = z.string().refine((s) => stateByAbbr(s) !== undefined && s === s.toUpperCase(), {
  message: 'must be a two-letter state, DC or territory code',
});
const OptionalText = z.string().optional();
/** Text that the source sometimes writes as a number (a suite "247" as 247). */
const LooseText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .optional();

const LegislatorSchema = z.object({
  id: z.object({ bioguide: Bioguide }),
  name: z.object({
    first: z.string().min(1),
    last: z.string().min(1),
    official_full: z.string().min(1).optional(),
  }),
  terms: z.array(z.record(z.string(), z.unknown())).min(1),
});

const TermSchema = z
  .object({
    type: z.enum(['sen', 'rep']),
    state: StateCode,
    district: z.number().int().min(0).max(99).nullable().optional(),
    class: z.number().int().min(1).max(3).nullable().optional(),
    party: z.string().min(1),
    end: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-01-03')
      .optional(),
    url: OptionalText,
    contact_form: OptionalText,
    phone: OptionalText,
    office: OptionalText,
    address: OptionalText,
  })
  .superRefine((term, ctx) => {
    if (term.type === 'rep' && (term.district === undefined || term.district === null)) {
      ctx.addIssue({ code: 'custom', path: ['district'], message: 'is required for a representative' });
    }
  });

const OfficeSchema = z.object({
  id: z.string().min(1),
  address: OptionalText,
  suite: LooseText,
  building: LooseText,
  city: OptionalText,
  state: OptionalText,
  zip: LooseText,
  phone: OptionalText,
  latitude: z.number().nullable().optional(),
  longitude: z.number().nullable().optional(),
});
const OfficesRecordSchema = z.object({
  id: z.object({ bioguide: Bioguide }),
  offices: z.array(OfficeSchema),
});

const SocialRecordSchema = z.object({
  id: z.object({ bioguide: Bioguide }),
  social: z.record(z.string(), z.union([z.string(), z.number()])),
});

const ZccdRowSchema = z.object({
  state_abbr: StateCode,
  zcta: z.string().regex(/^\d{5}$/, 'must be 5 digits'),
  cd: z.string().regex(/^\d{1,2}$/, 'must be a district number'),
});

const CensusRowSchema = z.object({
  GEOID_CD119_20: z.string().regex(/^\d{2}(\d{2}|ZZ)$/, 'must be 2-digit state FIPS + 2-digit district'),
  GEOID_ZCTA5_20: z.string().regex(/^(\d{5})?$/, 'must be 5 digits'),
  AREALAND_PART: z.string().regex(/^\d+(\.\d+)?$/, 'must be a land area in square metres'),
});

// ---------------------------------------------------------------------------------------------------
// Errors

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(record)';
}

function recordError(
  file: string,
  where: string,
  issue: z.core.$ZodIssue,
  prefix: PropertyKey[] = [],
): DataError {
  const field = formatPath([...prefix, ...issue.path]);
  return new DataError(`${file}: ${where}: field "${field}" ${issue.message}`);
}

function describeRecord(index: number, raw: unknown): string {
  const bioguide = (raw as { id?: { bioguide?: unknown } } | null)?.id?.bioguide;
  return typeof bioguide === 'string' && bioguide
    ? `record ${index} (bioguide ${bioguide})`
    : `record ${index} (no bioguide)`;
}

function parseJsonArray(source: SourceText): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch (error) {
    throw new DataError(`${source.name}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new DataError(`${source.name}: expected a JSON array of records`);
  return value;
}

// ---------------------------------------------------------------------------------------------------
// URL repair

/**
 * Repairs a URL from the source: adds https:// when the scheme is missing, fixes a doubled letter in the
 * scheme ("hhttps://"), upgrades http to https for .gov hosts, and returns null for anything that still is
 * not an http(s) URL with a host, or that contains spaces.
 */
export function repairUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (!text || /\s/.test(text)) return null;
  text = text.replace(/^h+t+p+(s?):\/*/i, (_m, s: string) => `http${s.toLowerCase()}://`);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `https://${text.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname.includes('.') || url.username || url.password) return null;
  if (url.protocol === 'http:' && /(^|\.)[a-z0-9-]+\.gov$/i.test(url.hostname)) url.protocol = 'https:';
  return url.toString();
}

// ---------------------------------------------------------------------------------------------------
// Members

interface MembersResult {
  members: Member[];
  warnings: string[];
}

function normaliseSuite(suite: string): string {
  return /^\d+[A-Z]?$/i.test(suite) ? `Suite ${suite}` : suite;
}

export function parseOffices(source: SourceText): Map<string, DistrictOffice[]> {
  const out = new Map<string, DistrictOffice[]>();
  parseJsonArray(source).forEach((raw, index) => {
    const parsed = OfficesRecordSchema.safeParse(raw);
    if (!parsed.success) throw recordError(source.name, describeRecord(index, raw), parsed.error.issues[0]!);
    const offices: DistrictOffice[] = [];
    for (const office of parsed.data.offices) {
      // An office without a street address cannot be written to: it is left out.
      if (!office.address?.trim()) continue;
      const lines = [office.address, office.suite && normaliseSuite(office.suite), office.building]
        .map((part) => part?.trim())
        .filter((part): part is string => Boolean(part));
      offices.push({
        id: office.id,
        address: lines.join(', '),
        city: office.city?.trim() ?? '',
        state: office.state?.trim() ?? '',
        zip: office.zip?.trim() ?? '',
        phone: office.phone?.trim() || null,
        latitude: office.latitude ?? null,
        longitude: office.longitude ?? null,
      });
    }
    out.set(parsed.data.id.bioguide, offices);
  });
  return out;
}

export function parseSocial(source: SourceText): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  parseJsonArray(source).forEach((raw, index) => {
    const parsed = SocialRecordSchema.safeParse(raw);
    if (!parsed.success) throw recordError(source.name, describeRecord(index, raw), parsed.error.issues[0]!);
    const social: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.data.social)) social[key] = String(value);
    out.set(parsed.data.id.bioguide, social);
  });
  return out;
}

export function parseLegislators(
  source: SourceText,
  offices: Map<string, DistrictOffice[]> = new Map(),
  social: Map<string, Record<string, string>> = new Map(),
): MembersResult {
  const members: Member[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  parseJsonArray(source).forEach((raw, index) => {
    const where = describeRecord(index, raw);
    const parsed = LegislatorSchema.safeParse(raw);
    if (!parsed.success) throw recordError(source.name, where, parsed.error.issues[0]!);
    const { id, name, terms } = parsed.data;
    const lastIndex = terms.length - 1;
    const term = TermSchema.safeParse(terms[lastIndex]);
    if (!term.success) throw recordError(source.name, where, term.error.issues[0]!, ['terms', lastIndex]);
    if (seen.has(id.bioguide))
      throw new DataError(`${source.name}: ${where}: duplicate bioguide ${id.bioguide}`);
    seen.add(id.bioguide);

    const t = term.data;
    const chamber = t.type === 'sen' ? 'senate' : 'house';
    if (chamber === 'senate' && !hasSenators(t.state)) {
      throw new DataError(
        `${source.name}: ${where}: field "terms[${lastIndex}].state" ${t.state} has no senators`,
      );
    }
    const title = chamber === 'senate' ? 'Senator' : houseTitle(t.state);
    const fullName = name.official_full?.trim() || `${name.first.trim()} ${name.last.trim()}`;
    const url = repairUrl(t.url);
    const contactForm = repairUrl(t.contact_form);
    if (t.url && !url) warnings.push(`${id.bioguide}: unusable url ${JSON.stringify(t.url)} dropped`);
    if (t.contact_form && !contactForm) {
      warnings.push(`${id.bioguide}: unusable contact_form ${JSON.stringify(t.contact_form)} dropped`);
    }
    members.push({
      bioguide: id.bioguide,
      chamber,
      name: fullName,
      firstName: name.first.trim(),
      lastName: name.last.trim(),
      formalName: `${title} ${fullName}`,
      title,
      state: t.state,
      district: chamber === 'house' ? (t.district ?? 0) : null,
      senateClass: chamber === 'senate' ? (t.class ?? null) : null,
      party: t.party,
      phone: t.phone?.trim() || null,
      url,
      contactUrl:
        contactForm ?? (chamber === 'house' ? HOUSE_WRITE_YOUR_REP_URL : (url ?? HOUSE_WRITE_YOUR_REP_URL)),
      dcOffice: t.office?.trim() || null,
      districtOffices: offices.get(id.bioguide) ?? [],
      social: social.get(id.bioguide) ?? {},
      ...(t.end ? { termEnd: t.end } : {}),
    });
  });
  for (const member of members) {
    if (member.chamber === 'senate' && member.contactUrl === HOUSE_WRITE_YOUR_REP_URL) {
      // A senator with neither a contact form nor a website: point at the Senate's own directory instead.
      member.contactUrl = 'https://www.senate.gov/senators/senators-contact.htm';
      warnings.push(`${member.bioguide}: senator without contact form or website`);
    }
  }
  return { members, warnings };
}

// ---------------------------------------------------------------------------------------------------
// ZIP areas

type ZipTable = Map<string, Array<DistrictRef & { share?: number }>>;

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** us-zipcodes-congress zccd.csv: `state_fips,state_abbr,zcta,cd`, one row per ZCTA and district. */
export function parseZccd(source: SourceText): ZipTable {
  const lines = splitLines(source.text);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new DataError(`${source.name}: header has no "${name}" column (found: ${header.join(',')})`);
    return i;
  };
  const iState = col('state_abbr');
  const iZcta = col('zcta');
  const iCd = col('cd');
  const table: ZipTable = new Map();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    const cells = line.split(',');
    const row = { state_abbr: cells[iState]?.trim(), zcta: cells[iZcta]?.trim(), cd: cells[iCd]?.trim() };
    const parsed = ZccdRowSchema.safeParse(row);
    if (!parsed.success)
      throw recordError(source.name, `line ${n + 1} (zcta ${row.zcta ?? '?'})`, parsed.error.issues[0]!);
    addZip(table, parsed.data.zcta, { state: parsed.data.state_abbr, district: Number(parsed.data.cd) });
  }
  return table;
}

function addZip(table: ZipTable, zip: string, ref: DistrictRef & { share?: number }): void {
  const list = table.get(zip);
  if (!list) table.set(zip, [ref]);
  else if (!list.some((d) => d.state === ref.state && d.district === ref.district)) list.push(ref);
}

/**
 * Census Bureau CD119-ZCTA relationship file (pipe-delimited). GEOID_CD119_20 is the state FIPS and the
 * district ('00' at-large, '98' DC and PR: both become district 0). Each ZIP's districts are ordered by
 * land area of the overlap, largest first, with `share` = overlap land / the ZCTA's total land.
 */
export function parseCensusRelationship(source: SourceText): ZipTable {
  const lines = splitLines(source.text);
  const header = (lines[0] ?? '').split('|').map((h) => h.trim());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new DataError(`${source.name}: header has no "${name}" column`);
    return i;
  };
  const iCd = col('GEOID_CD119_20');
  const iZcta = col('GEOID_ZCTA5_20');
  const iLand = col('AREALAND_PART');
  const areas = new Map<string, Map<string, { ref: DistrictRef; land: number }>>();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    const cells = line.split('|');
    const row = {
      GEOID_CD119_20: cells[iCd]?.trim(),
      GEOID_ZCTA5_20: cells[iZcta]?.trim(),
      AREALAND_PART: cells[iLand]?.trim() || '0',
    };
    const parsed = CensusRowSchema.safeParse(row);
    const where = `line ${n + 1} (GEOID_CD119_20 ${row.GEOID_CD119_20 ?? '?'}, GEOID_ZCTA5_20 ${row.GEOID_ZCTA5_20 ?? '?'})`;
    if (!parsed.success) throw recordError(source.name, where, parsed.error.issues[0]!);
    const { GEOID_CD119_20: geoid, GEOID_ZCTA5_20: zcta } = parsed.data;
    // Rows without a ZCTA (water, unpopulated parts) and undefined districts ('ZZ') carry no ZIP.
    if (!zcta || geoid.endsWith('ZZ')) continue;
    const state = stateByFips(geoid.slice(0, 2));
    if (!state)
      throw new DataError(`${source.name}: ${where}: field "GEOID_CD119_20" has unknown state FIPS`);
    const code = Number(geoid.slice(2));
    const ref: DistrictRef = { state: state.abbr, district: code === 98 ? 0 : code };
    const key = `${ref.state}-${ref.district}`;
    let byDistrict = areas.get(zcta);
    if (!byDistrict) areas.set(zcta, (byDistrict = new Map()));
    const entry = byDistrict.get(key);
    if (entry) entry.land += Number(parsed.data.AREALAND_PART);
    else byDistrict.set(key, { ref, land: Number(parsed.data.AREALAND_PART) });
  }
  const table: ZipTable = new Map();
  for (const [zcta, byDistrict] of areas) {
    const parts = [...byDistrict.values()];
    const total = parts.reduce((sum, p) => sum + p.land, 0);
    parts.sort(
      (a, b) => b.land - a.land || a.ref.state.localeCompare(b.ref.state) || a.ref.district - b.ref.district,
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

// ---------------------------------------------------------------------------------------------------
// Building the index

const seatKey = (d: DistrictRef): string => `${d.state}-${d.district}`;

function compareSeats(a: DistrictRef, b: DistrictRef): number {
  return a.state.localeCompare(b.state) || a.district - b.district;
}

export function buildCivicIndex(
  sources: SourceTexts,
  meta: { source: string; snapshotDate: string; now: Date },
  options: { checkCounts?: boolean } = {},
): CivicIndexFile {
  const offices = parseOffices(sources.offices);
  const social = parseSocial(sources.social);
  const { members, warnings } = parseLegislators(sources.legislators, offices, social);
  const zipTable =
    sources.zips.format === 'census' ? parseCensusRelationship(sources.zips) : parseZccd(sources.zips);

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
  if (seatsMissing > 0)
    warnings.push(`${seatsMissing} member seat(s) have no ZIP area in ${sources.zips.name}`);

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
    for (const key of ['senators', 'representatives', 'zips'] as const) {
      if (counts[key] < MIN_COUNTS[key]) {
        const file = key === 'zips' ? sources.zips.name : sources.legislators.name;
        throw new DataError(
          `${file}: only ${counts[key]} ${key} (expected at least ${MIN_COUNTS[key]}); the file looks truncated`,
        );
      }
    }
    if (counts.senators > 100)
      throw new DataError(`${sources.legislators.name}: ${counts.senators} senators (max 100)`);
  }

  return {
    meta: {
      source: meta.source,
      snapshotDate: meta.snapshotDate,
      importedAt: meta.now.toISOString(),
      congress: CONGRESS,
      validUntil: VALID_UNTIL,
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
// Reading the sources

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function readLocal(
  from: string,
): Promise<{ sources: SourceTexts; snapshotDate: string; source: string }> {
  const dir = path.resolve(from);
  let newest = 0;
  const read = async (rel: string): Promise<SourceText> => {
    const file = path.join(dir, rel);
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      newest = Math.max(newest, stat.mtimeMs);
      return { name: rel, text };
    } catch (error) {
      throw new DataError(
        `${rel}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        {
          cause: error,
        },
      );
    }
  };
  let censusPath: string | undefined;
  for (const candidate of LOCAL_PATHS.census) {
    if (await exists(path.join(dir, candidate))) {
      censusPath = candidate;
      break;
    }
  }
  const [legislators, offices, social, zipText] = await Promise.all([
    read(LOCAL_PATHS.legislators),
    read(LOCAL_PATHS.offices),
    read(LOCAL_PATHS.social),
    read(censusPath ?? LOCAL_PATHS.zccd),
  ]);
  return {
    sources: { legislators, offices, social, zips: { ...zipText, format: censusPath ? 'census' : 'zccd' } },
    snapshotDate: new Date(newest).toISOString().slice(0, 10),
    source: dir,
  };
}

async function download(fetchImpl: typeof fetch, url: string): Promise<SourceText> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new DataError(`${url}: download failed (${(error as Error).message}). Offline? Use --from DIR.`, {
      cause: error,
    });
  }
  if (!response.ok) throw new DataError(`${url}: download failed with HTTP ${response.status}`);
  return { name: url, text: await response.text() };
}

async function readRemote(fetchImpl: typeof fetch): Promise<SourceTexts> {
  const [legislators, offices, social, zips] = await Promise.all([
    download(fetchImpl, CANONICAL_URLS.legislators),
    download(fetchImpl, CANONICAL_URLS.offices),
    download(fetchImpl, CANONICAL_URLS.social),
    download(fetchImpl, CANONICAL_URLS.zccd),
  ]);
  return { legislators, offices, social, zips: { ...zips, format: 'zccd' } };
}

/** Writes the file next to its final place then renames it, so readers never see a half-written index. */
export async function writeFileAtomically(file: string, contents: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, contents, 'utf8');
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** Imports the sources, validates them and writes `<outDir>/civic-index.json`. */
export async function importCivicData(options: ImportOptions): Promise<CivicIndexFile> {
  const now = options.now ?? new Date();
  let sources: SourceTexts;
  let source: string;
  let snapshotDate: string;
  if (options.from) {
    ({ sources, source, snapshotDate } = await readLocal(options.from));
  } else {
    const fetchImpl = options.fetchImpl ?? globalThis.fetch;
    sources = await readRemote(fetchImpl);
    source = Object.values(CANONICAL_URLS).join(' ');
    snapshotDate = now.toISOString().slice(0, 10);
  }
  const index = buildCivicIndex(sources, { source, snapshotDate, now }, { checkCounts: options.checkCounts });
  await writeFileAtomically(path.join(options.outDir, INDEX_FILE_NAME), JSON.stringify(index));
  return index;
}
