/**
 * campaign/bills: a campaign's bills per Congress and what to ask for. A bill not enacted by the end of its
 * Congress dies, and its reintroduction gets a new number. When a Congress ends is the Congress clock's
 * answer (civic-data/congress), never a constant here.
 */
import { z } from 'zod';
import { billKey, SponsorEntry } from '../civic-data/bill-status';
import { congressAt, congressDates, congressEnds, ordinal } from '../civic-data/congress';
import type { Chamber } from '../civic-data/types';
import { formatList, formatLongDate } from '../platform/i18n-format';

/** The bill types congress.gov and govinfo use, with the way each is cited. */
export const BILL_TYPES = {
  s: 'S.',
  hr: 'H.R.',
  sres: 'S.Res.',
  hres: 'H.Res.',
  sjres: 'S.J.Res.',
  hjres: 'H.J.Res.',
  sconres: 'S.Con.Res.',
  hconres: 'H.Con.Res.',
} as const;
/** A bill type as congress.gov, govinfo and the House's CWC spell it (`s`, `hr`, `hjres`, ...). */
export const BillType = z.enum(Object.keys(BILL_TYPES) as [keyof typeof BILL_TYPES]);
export type BillType = z.infer<typeof BillType>;

const SENATE_TYPES = new Set<string>(['s', 'sres', 'sjres', 'sconres']);

/** The chamber a bill of this type is introduced in (an unknown type counts as the House's). */
export function billChamber(type: string): Chamber {
  return SENATE_TYPES.has(type) ? 'senate' : 'house';
}

const IsoDate = z.iso.date();
export const SourceLink = z.object({ name: z.string().min(1), url: z.url() });

const BillDefinition = z
  .object({
    type: BillType,
    number: z.number().int().positive(),
    title: z.string().min(1).max(300),
    url: z.url(),
    status: z.object({ text: z.string().min(1).max(500), asOf: IsoDate }).strict(),
  })
  .strict();
type BillDefinition = z.infer<typeof BillDefinition>;

/** A sponsor or cosponsor as the campaign lists it (when it does not rely on the imported bill status). */
const SponsorshipDefinition = SponsorEntry.strict();

export const CongressBillsDefinition = z
  .object({
    congress: z.number().int().min(1).max(999),
    senate: BillDefinition,
    house: BillDefinition,
    /** Optional, for offline use: who signed on, with where and when that was read. */
    sponsors: z
      .object({
        source: SourceLink,
        asOf: IsoDate,
        senate: z.array(SponsorshipDefinition).default([]),
        house: z.array(SponsorshipDefinition).default([]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const chamber of ['senate', 'house'] as const) {
      if (billChamber(entry[chamber].type) !== chamber) {
        ctx.addIssue({
          code: 'custom',
          path: [chamber, 'type'],
          message: `a ${chamber} bill cannot be of type "${entry[chamber].type}"`,
        });
      }
    }
  });
export type CongressBillsDefinition = z.infer<typeof CongressBillsDefinition>;

/** A bill with everything the pages and letters show about it. */
export type CampaignBill = ReturnType<typeof campaignBill>;

/** The bill a bill id names ("119-s-1829", as billKey writes it), or undefined when it is not one. */
export function parseBillId(id: string) {
  const [, congress, type = '', number] = /^([1-9]\d{0,2})-([a-z]{1,7})-([1-9]\d{0,4})$/.exec(id) ?? [];
  if (!Object.hasOwn(BILL_TYPES, type)) return undefined;
  return { congress: Number(congress), type: type as BillType, number: Number(number) };
}

/** The bill an id names, as cited ("119-s-1829" -> "S. 1829"), or undefined when it is not a bill id. */
export function billLabelOf(id: string): string | undefined {
  const bill = parseBillId(id);
  return bill && billLabel(bill.type, bill.number);
}

/** The bill label as cited: "S. 12" (an unknown type as it is). */
export function billLabel(type: string, number: number): string {
  return `${BILL_TYPES[type as BillType] ?? type} ${number}`;
}

/**
 * Whether a letter about a bill, written at a moment, asked for its reintroduction: it was written after
 * the bill's Congress had ended (the ask follows the clock, so its date and its bill say which it was).
 */
export function askedToReintroduce(bill: string, writtenAt: Date): boolean {
  const congress = parseBillId(bill)?.congress;
  return congress !== undefined && writtenAt >= congressEnds(congress);
}

function campaignBill(congress: number, chamber: Chamber, bill: BillDefinition) {
  return {
    ...bill,
    congress,
    chamber,
    /** "S. 1829", "H.R. 3921". */
    label: billLabel(bill.type, bill.number),
    /** "119-s-1829": the bill recorded on letters and counts. */
    id: billKey({ ...bill, congress }),
    /** "119th". */
    congressOrdinal: ordinal(congress),
  };
}

/**
 * A Congress's bills as the campaign is read: the campaign file lists both chambers'; an adopted
 * reintroduction may cover one chamber only (the other's bill is not reintroduced yet, or not adopted).
 */
export type CongressBills = Omit<CongressBillsDefinition, Chamber> &
  Partial<Pick<CongressBillsDefinition, Chamber>>;

/** Where one chamber's bill stands at a moment: the bill it is about, and whether its Congress has ended. */
export type ChamberBillSituation = ReturnType<typeof chamberSituation>;

/**
 * Where the campaign stands at a moment, chamber by chamber: a bill is often reintroduced in one chamber
 * weeks before the other, so the Senate may ask about its new bill while the House still asks for one.
 */
export type BillSituation = ReturnType<typeof billSituation>;

/**
 * One chamber's bill for the Congress in session, else its latest earlier Congress's (expired). A campaign
 * whose only bills belong to a future Congress is shown as that Congress's (the organiser is preparing it).
 */
function chamberSituation(
  entries: readonly CongressBills[],
  chamber: Chamber,
  currentCongress: number,
  now: Date,
) {
  const sorted = entries.filter((e) => e[chamber] !== undefined).sort((a, b) => b.congress - a.congress);
  const entry =
    sorted.find((e) => e.congress === currentCongress) ??
    sorted.find((e) => e.congress < currentCongress) ??
    sorted.at(-1);
  // The campaign file's entries list both chambers, so every chamber has one.
  if (!entry) throw new Error(`the campaign lists no ${chamber} bill`);
  return {
    /** The Congress the chamber's bill belongs to. */
    congress: entry.congress,
    bill: campaignBill(entry.congress, chamber, entry[chamber]!),
    /** The bill's Congress has ended and no later bill of this chamber was added or adopted yet. */
    expired: now >= congressEnds(entry.congress),
    /** When the bill's Congress ended (or ends), as a date: "2027-01-03". */
    endsOn: congressDates(entry.congress).end,
    /** The Congress a reintroduced bill would belong to ("120th"). */
    nextCongressOrdinal: ordinal(Math.max(entry.congress + 1, currentCongress)),
    /** The campaign's entry the bill comes from (its listed sponsors, its other chamber's bill if any). */
    entry,
  };
}

/** Each chamber's bills for the Congress in session, else its latest earlier Congress's (expired). */
export function billSituation(entries: readonly CongressBills[], now: Date) {
  const currentCongress = congressAt(now);
  const senate = chamberSituation(entries, 'senate', currentCongress, now);
  const house = chamberSituation(entries, 'house', currentCongress, now);
  return {
    /** The Congress in session by the clock. */
    currentCongress,
    bills: { senate: senate.bill, house: house.bill },
    chambers: { senate, house },
  };
}

/** The chambers whose bill's Congress has ended with no later bill added or adopted, Senate first. */
export function expiredChambers(situation: BillSituation): Chamber[] {
  return (['senate', 'house'] as const).filter((chamber) => situation.chambers[chamber].expired);
}

/**
 * The layout's expiry notice, or undefined: the bills of the chambers still waiting for a reintroduction
 * (one chamber's may be adopted before the other's), in the page's language.
 */
export function billExpiryNotice(situation: BillSituation, lng: string) {
  const waiting = expiredChambers(situation);
  const first = waiting[0] && situation.chambers[waiting[0]];
  if (!first) return undefined;
  const labelOf = (chamber: Chamber) => situation.bills[chamber].label;
  // The other chamber's reintroduction, when it alone was adopted: the notice says its letters ask about it.
  const adopted = (['senate', 'house'] as const).filter((chamber) => !waiting.includes(chamber));
  return {
    bills: formatList(lng, waiting.map(labelOf)),
    adopted: adopted.length > 0 ? formatList(lng, adopted.map(labelOf)) : undefined,
    ordinal: first.bill.congressOrdinal,
    congress: first.congress,
    next: first.nextCongressOrdinal,
    date: formatLongDate(lng, first.endsOn),
  };
}

/**
 * The bill a chamber's letter names as its companion: the other chamber's bill of the same Congress, else
 * (that one is not reintroduced or adopted yet) the other chamber's bill as the campaign stands, which is
 * what the letter's words about it ("advanced by the Senate Judiciary Committee") were written of.
 */
export function companionBill(situation: BillSituation, chamber: Chamber): CampaignBill {
  const own = situation.chambers[chamber];
  const other: Chamber = chamber === 'senate' ? 'house' : 'senate';
  const sameCongress = own.entry[other];
  return sameCongress ? campaignBill(own.congress, other, sameCongress) : situation.bills[other];
}

/** The three letters a campaign writes: support the bill, thank a (co)sponsor, or reintroduce it. */
export type AskKind = 'support' | 'thanks' | 'reintroduce';
