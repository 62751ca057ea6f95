/**
 * civic-data/reintroductions: after a campaign bill's Congress has ended (the Congress clock says so), the
 * data refresh looks in the congress.gov API for its reintroduction in the Congress now in session: bills
 * of the same type whose short title is the bill's own (the year it carries aside), and the new bills of
 * the same type that the bill's sponsors introduced. What it finds is a list of candidates for the
 * organiser, written beside the bills' other facts in the data folder (`reintroductions.json`) with the
 * moment each was first found; the organiser adopts one per chamber on the admin page (campaign/
 * adopted-bills). The API key travels in a header (civic-data/congress-gov), never in a URL or a message.
 */
import path from 'node:path';
import { z } from 'zod';
import { billChamber, parseBillId } from '../campaign/bills';
import { BioguideId } from './members-import';
import { redactedReason } from '../platform/logger';
import { billKey, LatestAction, latestActionOf, type BillRef } from './bill-status';
import { CongressGovBill, congressGovPages, fetchCongressGov, Pagination } from './congress-gov';
import { readDataFile, writeDataFile } from './data-files';
import { congressAt, congressEnds, ordinal } from './congress';
import { trimEnd } from '../platform/text';

const REINTRODUCTIONS_FILE = 'reintroductions.json';

/** Most pages (250 bills each) of the new Congress's bill list read per bill type and search. */
const BILL_LIST_PAGES = 8;

export const ReintroductionCandidate = z.object({
  /** The campaign bill it would replace: "119-s-1829". */
  replaces: z.string().refine((id) => parseBillId(id) !== undefined, 'must be a bill id like "119-s-1829"'),
  chamber: z.enum(['senate', 'house']),
  congress: z.number().int().positive(),
  type: z.string().regex(/^[a-z]{1,7}$/),
  number: z.number().int().positive(),
  title: z.string().min(1).max(1000),
  sponsor: z.object({ bioguide: BioguideId, name: z.string().max(200) }).optional(),
  introducedDate: z.iso.date(),
  latestAction: LatestAction.optional(),
  /** The bill's page on congress.gov. */
  url: z.url(),
  /** Why it is a candidate: the same short title, or a new bill of one of the sponsors. */
  reason: z.enum(['title', 'sponsor']),
  /** When a refresh first found it. */
  foundAt: z.iso.datetime(),
});
export type ReintroductionCandidate = z.infer<typeof ReintroductionCandidate>;

const ReintroductionsFile = z.object({
  /** When the last search finished or failed; null before any. */
  searchedAt: z.iso.datetime().nullable(),
  /** Why the last search did not run or failed (candidates found before stay). */
  problem: z.string().max(2000).optional(),
  candidates: z.array(ReintroductionCandidate),
});
type ReintroductionsFile = z.infer<typeof ReintroductionsFile>;

/** The search's last result in the data folder; an empty one when no refresh has searched yet. */
export function loadReintroductions(dataDir: string): ReintroductionsFile {
  const file = path.join(dataDir, REINTRODUCTIONS_FILE);
  return readDataFile(
    file,
    ReintroductionsFile,
    { searchedAt: null, candidates: [] },
    '; the next refresh rewrites it',
  );
}

function writeReintroductions(dataDir: string, content: ReintroductionsFile): Promise<void> {
  return writeDataFile(path.join(dataDir, REINTRODUCTIONS_FILE), content);
}

/** The congress.gov API's other answers read here (JSON), only the fields used. */
const ApiTitles = z.object({
  titles: z.array(z.object({ title: z.string(), titleType: z.string() })).default([]),
});
const ApiSponsored = z.object({
  sponsoredLegislation: z
    .array(
      z.object({
        congress: z.number().int().nullable().optional(),
        // Amendments in the list carry `amendmentNumber` instead of a type and number.
        type: z.string().nullable().optional(),
        number: z.string().nullable().optional(),
        title: z.string().nullable().optional(),
      }),
    )
    .default([]),
  pagination: Pagination,
});
const ApiBillList = z.object({
  bills: z
    .array(
      z.object({
        congress: z.number().int(),
        type: z.string(),
        number: z.string(),
        title: z.string(),
      }),
    )
    .default([]),
  pagination: Pagination,
});

/**
 * A title as compared: lower case, words only, without the year a short title ends with ("STOP CSAM Act
 * of 2025" and "STOP CSAM Act of 2027" are the same bill's).
 */
export function comparableTitle(title: string): string {
  const words = title
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1) ?? '';
  if (words.length > 2 && words.at(-2) === 'of' && /^\d{4}$/.test(last)) words.splice(-2);
  return words.join(' ');
}

const BILL_PAGE_KINDS: Record<string, string> = {
  s: 'senate-bill',
  hr: 'house-bill',
  sres: 'senate-resolution',
  hres: 'house-resolution',
  sjres: 'senate-joint-resolution',
  hjres: 'house-joint-resolution',
  sconres: 'senate-concurrent-resolution',
  hconres: 'house-concurrent-resolution',
};

interface ReintroductionSearchOptions {
  /** The campaign bills to look for, each with the title the campaign gives it. */
  bills: ReadonlyArray<{ bill: BillRef; title: string }>;
  now: Date;
  apiKey: string;
  /** CONGRESS_GOV_API_URL. */
  apiBaseUrl: string;
  /** CONGRESS_GOV_BILL_PAGES_URL: where each candidate's page is linked. */
  billPagesUrl: string;
}

/**
 * Looks for the reintroduction of every bill whose Congress has ended by `now`: candidates in the Congress
 * in session, at most one per new bill number. Throws a DataError (URL named, key never) when the API
 * cannot be read.
 */
export async function findReintroductions(
  options: ReintroductionSearchOptions,
): Promise<Array<Omit<ReintroductionCandidate, 'foundAt'>>> {
  const base = trimEnd(options.apiBaseUrl, '/');
  const request = { apiKey: options.apiKey };
  const newCongress = congressAt(options.now);
  const found = new Map<string, Omit<ReintroductionCandidate, 'foundAt'>>();
  const details = new Map<string, z.infer<typeof CongressGovBill>['bill']>();
  const detailOf = async (ref: BillRef) => {
    const key = billKey(ref);
    if (!details.has(key)) {
      const url = `${base}/bill/${ref.congress}/${ref.type}/${ref.number}?format=json`;
      details.set(key, (await fetchCongressGov(CongressGovBill, url, key, request)).bill);
    }
    return details.get(key)!;
  };
  const pageOf = (ref: BillRef) =>
    `${trimEnd(options.billPagesUrl, '/')}/${ordinal(ref.congress)}-congress/${BILL_PAGE_KINDS[ref.type] ?? ref.type}/${ref.number}`;

  for (const { bill, title } of options.bills) {
    if (options.now < congressEnds(bill.congress) || newCongress <= bill.congress) continue;
    const what = billKey(bill);
    const original = await detailOf(bill);
    const titles = await fetchCongressGov(
      ApiTitles,
      `${base}/bill/${bill.congress}/${bill.type}/${bill.number}/titles?format=json`,
      what,
      request,
    );
    const shortTitles = new Set(
      [title, ...titles.titles.filter((t) => /short title/i.test(t.titleType)).map((t) => t.title)]
        .map(comparableTitle)
        .filter(Boolean),
    );
    const chamber = billChamber(bill.type);
    const add = async (ref: BillRef, candidateTitle: string, reason: 'title' | 'sponsor') => {
      const key = billKey(ref);
      const known = found.get(key);
      if (known) {
        if (reason === 'title') known.reason = 'title';
        return;
      }
      const detail = await detailOf(ref);
      const sponsor = detail.sponsors[0];
      const latestAction = latestActionOf(detail.latestAction);
      found.set(key, {
        replaces: what,
        chamber,
        ...ref,
        title: candidateTitle.slice(0, 1000),
        ...(sponsor && BioguideId.safeParse(sponsor.bioguideId).success
          ? {
              sponsor: {
                bioguide: sponsor.bioguideId,
                name: (sponsor.fullName ?? sponsor.bioguideId).slice(0, 200),
              },
            }
          : {}),
        introducedDate: detail.introducedDate,
        ...(latestAction ? { latestAction } : {}),
        url: pageOf(ref),
        reason,
      });
    };

    // The sponsors' new bills of the same type, whatever their title.
    for (const sponsor of original.sponsors) {
      if (!BioguideId.safeParse(sponsor.bioguideId).success) continue;
      const sponsored = `${base}/member/${sponsor.bioguideId}/sponsored-legislation?format=json&limit=250`;
      for await (const answer of congressGovPages(ApiSponsored, sponsored, what, request, BILL_LIST_PAGES)) {
        let older = false;
        for (const item of answer.sponsoredLegislation) {
          const type = item.type?.toLowerCase();
          const number = Number(item.number);
          if (!item.congress || item.congress <= bill.congress) {
            older = true;
            continue;
          }
          if (type !== bill.type || !Number.isInteger(number) || number <= 0 || !item.title) continue;
          const reason = shortTitles.has(comparableTitle(item.title)) ? 'title' : 'sponsor';
          await add({ congress: item.congress, type, number }, item.title, reason);
        }
        // Newest first: the first page holds a Congress that began weeks ago, older ones follow.
        if (older) break;
      }
    }

    // Any member's bill of the same type in the new Congress with the same short title.
    const list = `${base}/bill/${newCongress}/${bill.type}?format=json&limit=250`;
    for await (const answer of congressGovPages(ApiBillList, list, what, request, BILL_LIST_PAGES)) {
      for (const item of answer.bills) {
        const number = Number(item.number);
        if (item.type.toLowerCase() !== bill.type || !Number.isInteger(number) || number <= 0) continue;
        if (!shortTitles.has(comparableTitle(item.title))) continue;
        await add({ congress: item.congress, type: bill.type, number }, item.title, 'title');
      }
    }
  }
  // Same-title candidates first: they are the likelier reintroductions.
  return [...found.values()].sort(
    (a, b) => Number(b.reason === 'title') - Number(a.reason === 'title') || a.number - b.number,
  );
}

/**
 * One round's search, written to `reintroductions.json` in the data folder: the candidates found now, each
 * with the moment it was first found; when the search cannot run or fails, the last candidates stay and
 * the problem is written beside them. Returns what was found, or throws the failure (after writing it).
 */
export async function searchReintroductionsInto(
  dataDir: string,
  options: Omit<ReintroductionSearchOptions, 'apiKey'> & { apiKey: string | undefined },
): Promise<{ searched: number; candidates: number }> {
  const previous = loadReintroductions(dataDir);
  const at = options.now.toISOString();
  const due = options.bills.filter(({ bill }) => options.now >= congressEnds(bill.congress));
  if (due.length === 0) return { searched: 0, candidates: previous.candidates.length };
  if (!options.apiKey) {
    await writeReintroductions(dataDir, {
      ...previous,
      searchedAt: at,
      problem: 'not searched: the search needs the congress.gov API (set CONGRESS_GOV_API_KEY)',
    });
    return { searched: 0, candidates: previous.candidates.length };
  }
  try {
    const fresh = await findReintroductions({ ...options, apiKey: options.apiKey });
    const firstFound = new Map(previous.candidates.map((c) => [`${c.replaces}>${billKey(c)}`, c.foundAt]));
    const candidates = fresh.map((c) => ({
      ...c,
      foundAt: firstFound.get(`${c.replaces}>${billKey(c)}`) ?? at,
    }));
    await writeReintroductions(dataDir, { searchedAt: at, candidates });
    return { searched: due.length, candidates: candidates.length };
  } catch (error) {
    const reason = redactedReason(error);
    await writeReintroductions(dataDir, { ...previous, searchedAt: at, problem: `search failed: ${reason}` });
    throw error;
  }
}
