/**
 * civic-data/bill-status: who sponsors and cosponsors a campaign's bills, with the day each signed on and
 * any withdrawal. Read from govinfo's BILLSTATUS XML bulk data (public, no key), or from the congress.gov
 * API when CONGRESS_GOV_API_KEY is set; offline (`--from DIR`), from BILLSTATUS files in that folder.
 * Written to `bill-status.json` in the data folder, stamped with the record's own date and the import's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import {
  CongressGovBill,
  congressGovPages,
  fetchCongressGov,
  fetchText,
  Pagination,
  type CongressGovRequest,
} from './congress-gov';
import { readDataFile, writeDataFile } from './data-files';
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

/** A bill's sponsor or cosponsor: the day they signed on (the bill's introduction for its sponsor). */
export const SponsorEntry = z.object({
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

const BillStatusFile = z.object({ bills: z.record(z.string(), BillSponsorsRecord) });

/** "119-s-1829": how bills are keyed here: campaign files' resolved bills, letters, the admin form. */
export function billKey(bill: BillRef): string {
  return `${bill.congress}-${bill.type}-${bill.number}`;
}

/** govinfo's file name for a bill's status: BILLSTATUS-119s1829.xml. */
function billStatusFileName(bill: BillRef): string {
  return `BILLSTATUS-${bill.congress}${bill.type}${bill.number}.xml`;
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
  const items = (list: unknown): unknown[] => (list as { item?: unknown[] } | undefined)?.item ?? [];
  return rollOf(bill, items(bill.sponsors), items(bill.cosponsors), origin);
}

/**
 * A bill's roll from its record, BILLSTATUS XML's `<bill>` or the congress.gov API's `bill` (the same field
 * names): the sponsor from the bill's introduction, each cosponsor from signing on, with any withdrawal.
 */
function rollOf(bill: Record<string, unknown>, sponsors: unknown[], cosponsors: unknown[], origin: string) {
  const introduced = day(bill.introducedDate);
  const entries: BillSponsorsRecord['entries'] = [];
  for (const sponsor of sponsors as Array<Record<string, unknown>>) {
    const bioguide = text(sponsor.bioguideId);
    if (bioguide && introduced) entries.push({ bioguide, role: 'sponsor', since: introduced });
  }
  for (const cosponsor of cosponsors as Array<Record<string, unknown>>) {
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
    // An unusable date is no date: the import's own stands for it.
    asOf: IsoDate.safeParse(day(bill.updateDate)).data,
    latestAction: latestActionOf(bill.latestAction),
  };
}

/** `<latestAction><actionDate/><text/></latestAction>` (XML) or `{actionDate, text}` (JSON), if usable. */
export function latestActionOf(value: unknown): LatestAction | undefined {
  const action = value as { actionDate?: unknown; text?: unknown } | undefined;
  const parsed = LatestAction.safeParse({
    date: day(action?.actionDate),
    text: text(action?.text)?.slice(0, 1000),
  });
  return parsed.success ? parsed.data : undefined;
}

/** The congress.gov API's list of a bill's cosponsors (JSON). */
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
  pagination: Pagination,
});

/** Most pages (250 cosponsors each) of a bill's cosponsor list read. */
const COSPONSOR_PAGES = 20;

interface BillStatusReadOptions {
  bills: readonly BillRef[];
  /** A local folder: BILLSTATUS-*.xml files in it (or under BILLSTATUS/<congress>/<type>/) are read. */
  from?: string | undefined;
  /** When set (and not offline), the congress.gov API is used instead of govinfo's bulk data. */
  congressGovApiKey?: string | undefined;
  now?: Date;
  /** Where govinfo's bulk data and the congress.gov API are (configuration: GOVINFO_BILLSTATUS_URL, ...). */
  urls: Pick<CivicSourceUrls, 'govinfoBillStatus' | 'congressGovApi'>;
  /** Per request (civic-data/congress-gov's default when absent). */
  timeoutMs?: number;
}

function localFile(from: string, bill: BillRef): string | undefined {
  const name = billStatusFileName(bill);
  return [
    path.join(from, name),
    path.join(from, 'billstatus', name),
    path.join(from, 'BILLSTATUS', String(bill.congress), bill.type, name),
  ].find((candidate) => fs.existsSync(candidate));
}

async function fromCongressGov(options: BillStatusReadOptions, bill: BillRef) {
  const what = billKey(bill);
  const request: CongressGovRequest = { apiKey: options.congressGovApiKey, timeoutMs: options.timeoutMs };
  const billPath = `${trimEnd(options.urls.congressGovApi, '/')}/bill/${bill.congress}/${bill.type}/${bill.number}`;
  const info = await fetchCongressGov(CongressGovBill, `${billPath}?format=json`, what, request);
  const list = `${billPath}/cosponsors?format=json&limit=250`;
  const cosponsors = [];
  for await (const page of congressGovPages(CongressGovCosponsors, list, what, request, COSPONSOR_PAGES)) {
    cosponsors.push(...page.cosponsors);
  }
  return {
    source: { name: 'congress.gov API', url: billPath },
    ...rollOf(info.bill, info.bill.sponsors, cosponsors, billPath),
  };
}

/**
 * One bill's roll: from its file in the `from` folder (undefined when there is none), else the congress.gov
 * API when there is a key, else govinfo's bulk data.
 */
async function readRoll(options: BillStatusReadOptions, bill: BillRef) {
  const url = `${trimEnd(options.urls.govinfoBillStatus, '/')}/${bill.congress}/${bill.type}/${billStatusFileName(bill)}`;
  if (options.from) {
    const file = localFile(options.from, bill);
    const source = { name: 'govinfo BILLSTATUS (local copy)', url };
    return file && { source, ...parseBillStatusXml(fs.readFileSync(file, 'utf8'), bill, file) };
  }
  if (options.congressGovApiKey) return fromCongressGov(options, bill);
  const body = await fetchText(url, billKey(bill), { timeoutMs: options.timeoutMs });
  return { source: { name: 'govinfo BILLSTATUS bulk data', url }, ...parseBillStatusXml(body, bill, url) };
}

/**
 * The sponsors of each bill, by bill key. Offline, a bill without a local file is left out (the campaign's
 * own list stands for it) and named in `missing`.
 */
export async function readBillStatus(options: BillStatusReadOptions) {
  const importedAt = (options.now ?? new Date()).toISOString();
  const rolls = new Map<string, BillSponsorsRecord>();
  const missing: string[] = [];
  for (const bill of options.bills) {
    const read = await readRoll(options, bill);
    if (!read) {
      missing.push(billKey(bill));
      continue;
    }
    rolls.set(billKey(bill), {
      source: read.source,
      asOf: read.asOf ?? importedAt.slice(0, 10),
      ...(read.latestAction ? { latestAction: read.latestAction } : {}),
      importedAt,
      entries: read.entries,
    });
  }
  return { rolls, missing };
}

/** Writes the rolls to bill-status.json in `dataDir`. */
export async function writeBillStatus(dataDir: string, rolls: ReadonlyMap<string, BillSponsorsRecord>) {
  await writeDataFile(path.join(dataDir, BILL_STATUS_FILE), { bills: Object.fromEntries(rolls) });
}

/** Imports the sponsors of each bill (readBillStatus) and writes bill-status.json. */
export async function importBillStatus(
  options: BillStatusReadOptions & { outDir: string },
): Promise<{ bills: number; missing: string[] }> {
  const { rolls, missing } = await readBillStatus(options);
  await writeBillStatus(options.outDir, rolls);
  return { bills: rolls.size, missing };
}

/** The imported rolls, by bill key; empty when `data:update` has not imported any (yet). */
export function loadBillStatus(dataDir: string): Map<string, BillSponsorsRecord> {
  const file = path.join(dataDir, BILL_STATUS_FILE);
  return new Map(
    Object.entries(readDataFile(file, BillStatusFile, { bills: {} }, '. Run npm run data:update.').bills),
  );
}
