/**
 * campaign/adopted-bills: the reintroduced bills an organiser adopted for a campaign (issue 23). The data
 * refresh finds candidates (civic-data/reintroductions); the organiser adopts them on the admin page, one
 * chamber at a time if need be (bills are often reintroduced in one chamber weeks before the other); each
 * chamber's adoption is a row in the database, so every instance reads the campaign's bills with the new
 * numbers within ADOPTED_BILLS_CACHE_MS, without a redeploy. The campaign is then read as if its file had
 * an entry for the new Congress holding the adopted chambers' bills (the file's own entry for that
 * Congress, when there is one, wins); a chamber with none keeps its earlier bill and the reintroduce ask.
 * Undo names a chamber and marks its latest Congress's row undone: that chamber is read as before it.
 */
import { billKey, type BillRef } from '../civic-data/bill-status';
import { loadReintroductions, type ReintroductionCandidate } from '../civic-data/reintroductions';
import type { Chamber } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import { newId } from '../platform/ids';
import type { Storage } from '../storage/database';
import type { Kysely } from 'kysely';
import type { AdoptedBillsTable, Database, Db } from '../storage/schema';
import { expiredChambers, type BillSituation, type BillType, type CongressBills } from './bills';
import type { Campaign, CampaignCatalog } from './campaign';

/** One chamber's adopted bill, as the admin page shows it. */
type AdoptedBill = ReturnType<typeof fromRow>;

function fromRow(row: AdoptedBillsTable) {
  return {
    campaign: row.campaign,
    chamber: row.chamber,
    replaces: row.replaces,
    congress: Number(row.congress),
    type: row.bill_type,
    number: Number(row.bill_number),
    title: row.title,
    url: row.url,
    sponsor:
      row.sponsor_bioguide !== null
        ? { bioguide: row.sponsor_bioguide, name: row.sponsor_name ?? row.sponsor_bioguide }
        : undefined,
    introducedDate: row.introduced_on,
    latestAction:
      row.latest_action_on !== null && row.latest_action_text !== null
        ? { date: row.latest_action_on, text: row.latest_action_text }
        : undefined,
    adoptedAt: row.adopted_at,
  };
}

type ByChamber<T> = Partial<Record<Chamber, T>>;

/** The candidates found for a chamber: those that would replace the bill the campaign asks about there. */
export function candidatesFor(
  candidates: readonly ReintroductionCandidate[],
  situation: BillSituation,
  chamber: Chamber,
): ReintroductionCandidate[] {
  return candidates.filter((c) => c.chamber === chamber && c.replaces === situation.bills[chamber].id);
}

/**
 * Checks the organiser's choice (candidate keys, "120-s-12"): one chamber at least, each a candidate stored in
 * `dataDir` for the campaign's ended bill there. Returns what to adopt, or each chamber's error (in English).
 */
export function checkAdoptChoice(
  situation: BillSituation,
  choice: ByChamber<string>,
  dataDir: string,
): { picked: ByChamber<ReintroductionCandidate>; errors: ByChamber<string> } {
  const picked: ByChamber<ReintroductionCandidate> = {};
  const errors: ByChamber<string> = {};
  if (!choice.senate && !choice.house) {
    errors[expiredChambers(situation)[0] ?? 'senate'] = 'Choose a bill to adopt in at least one chamber.';
    return { picked, errors };
  }
  const stored = loadReintroductions(dataDir).candidates;
  for (const chamber of ['senate', 'house'] as const) {
    const key = choice[chamber];
    if (!key) continue;
    const match = candidatesFor(stored, situation, chamber).find((c) => billKey(c) === key);
    if (!situation.chambers[chamber].expired) {
      errors[chamber] =
        `The campaign’s ${situation.bills[chamber].label} is not waiting for a reintroduction (its Congress has not ended, or new numbers were adopted already). Reload the page.`;
    } else if (!match) {
      errors[chamber] =
        `${key} is not a bill found for ${situation.bills[chamber].label}. Choose one of the bills listed.`;
    } else {
      picked[chamber] = match;
    }
  }
  return { picked, errors };
}

/**
 * Adopts a reintroduction in the chambers given (one or both): each candidate replaces its chamber's bill.
 * An adoption still standing for the campaign in the same chamber and Congress is undone in the same
 * transaction, so there is one per chamber and Congress (an earlier Congress's stays: letters written under
 * it keep their companion bill).
 */
export async function adoptReintroducedBill(
  db: Kysely<Database>,
  input: { campaign: string; bills: ByChamber<ReintroductionCandidate>; at: Date },
): Promise<void> {
  const at = input.at.toISOString();
  await db.transaction().execute(async (trx) => {
    for (const chamber of ['senate', 'house'] as const) {
      const c = input.bills[chamber];
      if (!c) continue;
      await trx
        .updateTable('adopted_bills')
        .set({ undone_at: at })
        .where('campaign', '=', input.campaign)
        .where('chamber', '=', chamber)
        .where('congress', '=', c.congress)
        .where('undone_at', 'is', null)
        .execute();
      await trx
        .insertInto('adopted_bills')
        .values({
          id: newId(),
          campaign: input.campaign,
          chamber,
          replaces: c.replaces,
          congress: c.congress,
          bill_type: c.type,
          bill_number: c.number,
          title: c.title,
          url: c.url,
          sponsor_bioguide: c.sponsor?.bioguide ?? null,
          sponsor_name: c.sponsor?.name ?? null,
          introduced_on: c.introducedDate,
          latest_action_on: c.latestAction?.date ?? null,
          latest_action_text: c.latestAction?.text ?? null,
          found_at: c.foundAt,
          adopted_at: at,
        })
        .execute();
    }
  });
}

/**
 * Undoes the campaign's latest standing adoption in the chamber named (its newest Congress's), leaving the
 * other chamber's as it is; the number of rows undone (0 when the chamber had none).
 */
export async function undoAdoptedBills(
  db: Db,
  input: { campaign: string; chamber: Chamber; at: Date },
): Promise<number> {
  const result = await db
    .updateTable('adopted_bills')
    .set({ undone_at: input.at.toISOString() })
    .where('campaign', '=', input.campaign)
    .where('chamber', '=', input.chamber)
    .where('undone_at', 'is', null)
    .where('congress', '=', (eb) =>
      eb
        .selectFrom('adopted_bills as latest')
        .select((l) => l.fn.max('latest.congress').as('congress'))
        .where('latest.campaign', '=', input.campaign)
        .where('latest.chamber', '=', input.chamber)
        .where('latest.undone_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The campaign file's entry for the new Congress that the adoptions of one Congress stand for: the adopted
 * chambers' bills (one or both), with their latest action (else their introduction) as the status shown
 * until the imported record is read, and the sponsors that introduced them. Undefined without adoptions.
 */
function adoptedCongressEntry(bills: readonly AdoptedBill[]): CongressBills | undefined {
  const first = bills[0];
  if (!first || bills.some((b) => b.congress !== first.congress)) return undefined;
  const senate = bills.find((b) => b.chamber === 'senate');
  const house = bills.find((b) => b.chamber === 'house');
  const definition = (bill: AdoptedBill) => ({
    type: bill.type as BillType,
    number: bill.number,
    title: bill.title.slice(0, 300),
    url: bill.url,
    status: bill.latestAction
      ? { text: bill.latestAction.text.slice(0, 500), asOf: bill.latestAction.date }
      : { text: `Introduced on ${bill.introducedDate}.`, asOf: bill.introducedDate },
  });
  const sponsorOf = (bill: AdoptedBill | undefined) =>
    bill?.sponsor
      ? [{ bioguide: bill.sponsor.bioguide, role: 'sponsor' as const, since: bill.introducedDate }]
      : [];
  const introduced = bills.map((b) => b.introducedDate).sort();
  return {
    congress: first.congress,
    ...(senate ? { senate: definition(senate) } : {}),
    ...(house ? { house: definition(house) } : {}),
    sponsors: {
      source: { name: 'congress.gov (the sponsor who introduced it)', url: (senate ?? first).url },
      asOf: introduced.at(-1)!,
      senate: sponsorOf(senate),
      house: sponsorOf(house),
    },
  };
}

/** The standing adoptions as one instance holds them: read from the database at most every `cacheMs`. */
export type AdoptedBills = ReturnType<typeof createAdoptedBills>;

export function createAdoptedBills(deps: {
  storage: Pick<Storage, 'db'>;
  clock: Clock;
  cacheMs: number;
  logger: { warn(obj: object, msg: string): void };
}) {
  let bills: AdoptedBill[] = [];
  let readAt: number | undefined;
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    try {
      // Every campaign's standing adoptions (rows not undone).
      const rows = await deps.storage.db
        .selectFrom('adopted_bills')
        .selectAll()
        .where('undone_at', 'is', null)
        .orderBy('adopted_at')
        .execute();
      bills = rows.map(fromRow);
      readAt = deps.clock.now().getTime();
    } catch (error) {
      // A database outage must not take the pages down: the copy held stays until the next read.
      deps.logger.warn(
        { event: 'campaign.adopted_bills_unreadable', reason: (error as Error)?.message },
        'the adopted bills could not be read; the last copy is used',
      );
    }
  }

  return {
    /** Reads the adoptions again when the copy held is older than the cache time; never throws. */
    refresh(): Promise<void> {
      const now = deps.clock.now().getTime();
      if (readAt !== undefined && now - readAt < deps.cacheMs && now >= readAt) return Promise.resolve();
      reading ??= read().finally(() => {
        reading = undefined;
      });
      return reading;
    },
    /** Forgets the copy held: this instance just changed an adoption. */
    invalidate() {
      readAt = undefined;
    },
    /** The standing adoptions of a campaign, each chamber's of each Congress, oldest Congress first. */
    forCampaign: (slug: string) =>
      bills.filter((b) => b.campaign === slug).sort((a, b) => a.congress - b.congress),
    /** The adopted bills of every campaign, for the sponsor-roll import. */
    refs: (): BillRef[] => bills.map((b) => ({ congress: b.congress, type: b.type, number: b.number })),
  };
}

/**
 * The catalog with each campaign read with its adopted bills: an entry per adopted Congress (with the
 * chambers adopted in it) is added to its `congresses` unless its file already has one for that Congress.
 */
export function withAdoptedBills(
  catalog: CampaignCatalog,
  adopted: Pick<AdoptedBills, 'forCampaign'>,
): CampaignCatalog {
  const withAdoption = (campaign: Campaign): Campaign => {
    const rows = adopted.forCampaign(campaign.slug);
    const congresses = [...new Set(rows.map((b) => b.congress))];
    const entries = congresses
      .filter((congress) => !campaign.congresses.some((c) => c.congress === congress))
      .map((congress) => adoptedCongressEntry(rows.filter((b) => b.congress === congress)))
      .filter((entry) => entry !== undefined);
    return entries.length === 0
      ? campaign
      : { ...campaign, congresses: [...campaign.congresses, ...entries] };
  };
  return {
    defaultSlug: catalog.defaultSlug,
    list: () => catalog.list().map(withAdoption),
    get: (slug) => withAdoption(catalog.get(slug)),
  };
}
