/**
 * civic-data/bill-status: who sponsors and cosponsors a campaign's bills, with the day each signed on and
 * any withdrawal. Read from govinfo's BILLSTATUS XML bulk data (public, no key), or from the congress.gov
 * API when CONGRESS_GOV_API_KEY is set; offline (`--from DIR`), from BILLSTATUS files in that folder.
 * Written to `bill-status.json` in the data folder, stamped with the record's own date and the import's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { BioguideId } from './members-import';
import { DataError } from '../platform/errors';
import { type CivicSourceUrls } from '../config/config';
import { trimEnd } from '../platform/text';

export const BILL_STATUS_FILE = 'bill-status.json';

export interface BillRef {
  congress: number;
  /** congress.gov / govinfo bill type, lower case: "s", "hr", ... */
  type: string;
  number: number;
}

const IsoDate = z.iso.date();

const SponsorEntry = z.object({
  bioguide: BioguideId,
  role: z.enum(['sponsor', 'cosponsor']),
  since: IsoDate,
  withdrawn: IsoDate.optional(),
});

/** The bill's latest action as its own record gives it (Congress.gov's wording, in English). */
export const LatestAction = z.object({ date: IsoDate, text: z.string().min(1).max(1000) });
export type LatestAction = z.infer<typeof LatestAction>;

const BillSponsorsRecord = z.object({
  source: z.object({ name: z.string().min(1), url: z.string().optional() }),
  /** The day the record was last updated at its source. */
  asOf: IsoDate,
  /** The latest action on the bill and its date; absent in files imported before it was read. */
  latestAction: LatestAction.optional(),
  /** When this import read it. */
  importedAt: z.iso.datetime(),
  entries: z.array(SponsorEntry),
});
export type BillSponsorsRecord = z.infer<typeof BillSponsorsRecord>;

export const BillStatusFile = z.object({ bills: z.record(z.string(), BillSponsorsRecord) });
export type BillStatusFile = z.infer<typeof BillStatusFile>;

/** "119-s-1829": how bills are keyed here: campaign files' resolved bills, letters, the admin form. */
export function billKey(bill: BillRef): string {
  return `${bill.congress}-${bill.type}-${bill.number}`;
}

/** govinfo's file name for a bill's status: BILLSTATUS-119s1829.xml. */
export function billStatusFileName(bill: BillRef): string {
  return `BILLSTATUS-${bill.congress}${bill.type}${bill.number}.xml`;
}

/** The bill's BILLSTATUS file in govinfo's bulk data folder at `base` (GOVINFO_BILLSTATUS_URL). */
export function govinfoBillStatusUrl(bill: BillRef, base: string): string {
  return `${trimEnd(base, '/')}/${bill.congress}/${bill.type}/${billStatusFileName(bill)}`;
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // Lists with one member come back as arrays too.
  isArray: (name, jpath) => /\.(sponsors|cosponsors)\.item$/.test(String(jpath)),
});

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
const day = (value: unknown): string | undefined => text(value)?.slice(0, 10);

/** Reads one BILLSTATUS document; throws a DataError naming the bill when it is not the expected one. */
export function parseBillStatusXml(source: string, expected: BillRef, origin: string) {
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(source) as Record<string, unknown>;
  } catch (error) {
    throw new DataError(`${origin}: not readable XML (${(error as Error).message})`);
  }
  const bill = (doc.billStatus as Record<string, unknown> | undefined)?.bill as
    Record<string, unknown> | undefined;
  if (!bill) throw new DataError(`${origin}: no <billStatus><bill> element`);
  // Version 3 files say <type>/<number>; older ones <billType>/<billNumber>.
  const type = (text(bill.type) ?? text(bill.billType))?.toLowerCase();
  const number = Number(text(bill.number) ?? text(bill.billNumber));
  const congress = Number(text(bill.congress));
  if (type !== expected.type || number !== expected.number || congress !== expected.congress) {
    throw new DataError(
      `${origin}: holds ${congress}-${type}-${number}, not the expected ${billKey(expected)}`,
    );
  }
  const introduced = day(bill.introducedDate);
  const items = (list: unknown): Array<Record<string, unknown>> =>
    ((list as { item?: unknown } | undefined)?.item as Array<Record<string, unknown>> | undefined) ?? [];
  const entries: BillSponsorsRecord['entries'] = [];
  for (const sponsor of items(bill.sponsors)) {
    const bioguide = text(sponsor.bioguideId);
    if (bioguide && introduced) entries.push({ bioguide, role: 'sponsor', since: introduced });
  }
  for (const cosponsor of items(bill.cosponsors)) {
    const bioguide = text(cosponsor.bioguideId);
    const since = day(cosponsor.sponsorshipDate);
    if (!bioguide || !since) continue;
    const withdrawn = day(cosponsor.sponsorshipWithdrawnDate);
    entries.push({ bioguide, role: 'cosponsor', since, ...(withdrawn ? { withdrawn } : {}) });
  }
  const parsed = z.array(SponsorEntry).safeParse(entries);
  if (!parsed.success) throw new DataError(`${origin}: ${parsed.error.issues[0]?.message ?? 'bad entry'}`);
  return {
    entries: parsed.data,
    asOf: day(bill.updateDate),
    latestAction: latestActionOf(bill.latestAction),
  };
}

/** `<latestAction><actionDate/><text/></latestAction>` (XML) or `{actionDate, text}` (JSON), if usable. */
function latestActionOf(value: unknown): LatestAction | undefined {
  const action = value as { actionDate?: unknown; text?: unknown } | undefined;
  const parsed = LatestAction.safeParse({ date: day(action?.actionDate), text: text(action?.text) });
  return parsed.success ? parsed.data : undefined;
}

/** The congress.gov API's answers we read (JSON). */
const CongressGovBill = z.object({
  bill: z.object({
    introducedDate: IsoDate,
    updateDate: z.string(),
    sponsors: z.array(z.object({ bioguideId: z.string() })).default([]),
    latestAction: z.object({ actionDate: z.string(), text: z.string() }).optional(),
  }),
});
const CongressGovCosponsors = z.object({
  cosponsors: z
    .array(
      z.object({
        bioguideId: z.string(),
        sponsorshipDate: z.string(),
        sponsorshipWithdrawnDate: z.string().optional(),
      }),
    )
    .default([]),
  pagination: z.object({ next: z.string().optional() }).optional(),
});

export interface BillStatusImportOptions {
  bills: readonly BillRef[];
  outDir: string;
  /** A local folder: BILLSTATUS-*.xml files in it (or under BILLSTATUS/<congress>/<type>/) are read. */
  from?: string | undefined;
  /** When set (and not offline), the congress.gov API is used instead of govinfo's bulk data. */
  congressGovApiKey?: string | undefined;
  now?: Date;
  /** Where govinfo's bulk data and the congress.gov API are (configuration: GOVINFO_BILLSTATUS_URL, ...). */
  urls: Pick<CivicSourceUrls, 'govinfoBillStatus' | 'congressGovApi'>;
  /** Per request; default BILL_STATUS_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** How long one bill-status request may take before the import gives up on it. */
export const BILL_STATUS_TIMEOUT_MS = 30_000;

function localFile(from: string, bill: BillRef): string | undefined {
  const name = billStatusFileName(bill);
  return [
    path.join(from, name),
    path.join(from, 'billstatus', name),
    path.join(from, 'BILLSTATUS', String(bill.congress), bill.type, name),
  ].find((candidate) => fs.existsSync(candidate));
}

/**
 * GET with a time limit. The congress.gov key travels in the `X-Api-Key` header (api.data.gov takes it
 * there as well as in the query), so the URL that errors and logs name never carries it.
 */
export async function fetchText(
  url: string,
  what: string,
  options: { apiKey?: string | undefined; timeoutMs?: number | undefined },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? BILL_STATUS_TIMEOUT_MS;
  try {
    const response = await fetch(url, {
      headers: {
        accept: 'application/xml, application/json',
        ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new DataError(`${what}: ${url} answered ${response.status}`);
    }
    return await response.text();
  } catch (error) {
    if (error instanceof DataError) throw error;
    const name = (error as Error)?.name;
    const why =
      name === 'TimeoutError' ? `did not answer within ${timeoutMs / 1000} s` : 'could not be reached';
    throw new DataError(`${what}: ${url} ${why}`, { cause: error });
  }
}

/** The congress.gov API's pagination link, without any key it may carry (ours goes in a header). */
export function withoutApiKey(link: string, what: string): string {
  const url = URL.parse(link);
  if (!url) throw new DataError(`${what}: the congress.gov API's next-page link is not a URL`);
  url.searchParams.delete('api_key');
  return url.toString();
}

async function fromCongressGov(options: BillStatusImportOptions, bill: BillRef) {
  const base = trimEnd(options.urls.congressGovApi, '/');
  const request = { apiKey: options.congressGovApiKey, timeoutMs: options.timeoutMs };
  const billPath = `${base}/bill/${bill.congress}/${bill.type}/${bill.number}`;
  const info = CongressGovBill.parse(
    JSON.parse(await fetchText(`${billPath}?format=json`, billKey(bill), request)),
  );
  const entries: BillSponsorsRecord['entries'] = info.bill.sponsors.map((s) => ({
    bioguide: s.bioguideId,
    role: 'sponsor' as const,
    since: info.bill.introducedDate,
  }));
  let next: string | undefined = `${billPath}/cosponsors?format=json&limit=250`;
  for (let page = 0; next && page < 20; page++) {
    const answer = CongressGovCosponsors.parse(JSON.parse(await fetchText(next, billKey(bill), request)));
    for (const c of answer.cosponsors) {
      const withdrawn = c.sponsorshipWithdrawnDate?.slice(0, 10);
      entries.push({
        bioguide: c.bioguideId,
        role: 'cosponsor',
        since: c.sponsorshipDate.slice(0, 10),
        ...(withdrawn ? { withdrawn } : {}),
      });
    }
    next = answer.pagination?.next ? withoutApiKey(answer.pagination.next, billKey(bill)) : undefined;
  }
  return {
    source: { name: 'congress.gov API', url: billPath },
    asOf: info.bill.updateDate.slice(0, 10),
    latestAction: latestActionOf(info.bill.latestAction),
    entries: z.array(SponsorEntry).parse(entries),
  };
}

/**
 * Imports the sponsors of each bill and writes bill-status.json. Offline, a bill without a local file is
 * left out (the campaign's own list stands for it) and named in `missing`.
 */
export async function importBillStatus(
  options: BillStatusImportOptions,
): Promise<{ bills: number; missing: string[] }> {
  const importedAt = (options.now ?? new Date()).toISOString();
  const out: BillStatusFile = { bills: {} };
  const missing: string[] = [];
  for (const bill of options.bills) {
    const key = billKey(bill);
    const url = govinfoBillStatusUrl(bill, options.urls.govinfoBillStatus);
    const file = options.from ? localFile(options.from, bill) : undefined;
    if (options.from && !file) {
      missing.push(key);
      continue;
    }
    const read = file
      ? {
          source: { name: 'govinfo BILLSTATUS (local copy)', url },
          ...parseBillStatusXml(fs.readFileSync(file, 'utf8'), bill, file),
        }
      : options.congressGovApiKey
        ? await fromCongressGov(options, bill)
        : {
            source: { name: 'govinfo BILLSTATUS bulk data', url },
            ...parseBillStatusXml(await fetchText(url, key, { timeoutMs: options.timeoutMs }), bill, url),
          };
    out.bills[key] = {
      source: read.source,
      asOf: read.asOf ?? importedAt.slice(0, 10),
      ...(read.latestAction ? { latestAction: read.latestAction } : {}),
      importedAt,
      entries: read.entries,
    };
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  await writeFileAtomic(path.join(options.outDir, BILL_STATUS_FILE), `${JSON.stringify(out, null, 2)}\n`);
  return { bills: Object.keys(out.bills).length, missing };
}

/** A JSON file of the data folder checked against `schema`; `missing` while there is none. */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, missing: T, hint: string): T {
  if (!fs.existsSync(file)) return missing;
  const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new DataError(`${file} is invalid: ${parsed.error.issues[0]?.message}${hint}`);
  return parsed.data;
}

/** The imported rolls, by bill key; empty when `data:update` has not imported any (yet). */
export function loadBillStatus(dataDir: string): Map<string, BillSponsorsRecord> {
  const file = path.join(dataDir, BILL_STATUS_FILE);
  return new Map(
    Object.entries(readDataFile(file, BillStatusFile, { bills: {} }, '. Run npm run data:update.').bills),
  );
}
