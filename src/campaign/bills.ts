/**
 * campaign/bills: a campaign's bills per Congress and what to ask for. A Congress runs from noon Eastern
 * on 3 January of an odd year to the same moment two years later (20th Amendment); a bill not enacted by
 * then dies, and its reintroduction gets a new number. Everything here is computed from the Congress's
 * number and the clock, never from a constant.
 */
import { z } from 'zod';
import type { Chamber } from '../civic-data/types';

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
export type BillType = keyof typeof BILL_TYPES;

const SENATE_TYPES = new Set<BillType>(['s', 'sres', 'sjres', 'sconres']);

const IsoDate = z.iso.date();
const SourceLink = z.object({ name: z.string().min(1), url: z.url() });

export const BillDefinition = z
  .object({
    type: z.enum(Object.keys(BILL_TYPES) as [BillType, ...BillType[]]),
    number: z.number().int().positive(),
    title: z.string().min(1).max(300),
    url: z.url(),
    status: z.object({ text: z.string().min(1).max(500), asOf: IsoDate }).strict(),
  })
  .strict();
export type BillDefinition = z.infer<typeof BillDefinition>;

/** A sponsor or cosponsor as the campaign lists it (when it does not rely on the imported bill status). */
export const SponsorshipDefinition = z
  .object({
    bioguide: z.string().regex(/^[A-Z]\d{6}$/),
    role: z.enum(['sponsor', 'cosponsor']),
    since: IsoDate,
    withdrawn: IsoDate.optional(),
  })
  .strict();
export type SponsorshipDefinition = z.infer<typeof SponsorshipDefinition>;

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
      const isSenate = SENATE_TYPES.has(entry[chamber].type);
      if (isSenate !== (chamber === 'senate')) {
        ctx.addIssue({
          code: 'custom',
          path: [chamber, 'type'],
          message: `a ${chamber} bill cannot be of type "${entry[chamber].type}"`,
        });
      }
    }
  });
export type CongressBillsDefinition = z.infer<typeof CongressBillsDefinition>;

/** The first and last moment of a Congress: noon Eastern (17:00 UTC in January) on 3 January. */
export function congressTerm(congress: number): { start: Date; end: Date } {
  const startYear = 1789 + 2 * (congress - 1);
  return {
    start: new Date(Date.UTC(startYear, 0, 3, 17)),
    end: new Date(Date.UTC(startYear + 2, 0, 3, 17)),
  };
}

/** The Congress in session (or between sessions) at a moment. */
export function congressAt(now: Date): number {
  const guess = Math.floor((now.getUTCFullYear() - 1789) / 2) + 1;
  return now < congressTerm(guess).start ? guess - 1 : guess;
}

/** "119th", "120th", "121st": how a Congress is named in English. */
export function congressOrdinal(congress: number): string {
  const tens = congress % 100;
  const suffix =
    tens >= 11 && tens <= 13
      ? 'th'
      : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[congress % 10];
  return `${congress}${suffix ?? 'th'}`;
}

/** A bill with everything the pages and letters show about it. */
export interface CampaignBill extends BillDefinition {
  congress: number;
  chamber: Chamber;
  /** "S. 1829", "H.R. 3921". */
  label: string;
  /** "119-s-1829": the bill recorded on letters and counts. */
  id: string;
  /** "119th". */
  congressOrdinal: string;
}

export function billId(congress: number, type: string, number: number): string {
  return `${congress}-${type}-${number}`;
}

export function campaignBill(congress: number, chamber: Chamber, bill: BillDefinition): CampaignBill {
  return {
    ...bill,
    congress,
    chamber,
    label: `${BILL_TYPES[bill.type]} ${bill.number}`,
    id: billId(congress, bill.type, bill.number),
    congressOrdinal: congressOrdinal(congress),
  };
}

/** Where the campaign stands at a moment: the bills it is about, and whether their Congress has ended. */
export interface BillSituation {
  /** The Congress in session by the clock. */
  currentCongress: number;
  /** The Congress the bills belong to. */
  congress: number;
  bills: Record<Chamber, CampaignBill>;
  /** The bills' Congress has ended and the organiser has not added the next one's bills yet. */
  expired: boolean;
  /** When the bills' Congress ended (or ends), as a date: "2027-01-03". */
  endsOn: string;
  /** The Congress a reintroduced bill would belong to ("120th"). */
  nextCongressOrdinal: string;
  definition: CongressBillsDefinition;
}

/**
 * The bills for the Congress in session, else the latest earlier Congress's (expired). A campaign whose
 * only bills belong to a future Congress is shown as that Congress's (the organiser is preparing it).
 */
export function billSituation(entries: readonly CongressBillsDefinition[], now: Date): BillSituation {
  const currentCongress = congressAt(now);
  const sorted = [...entries].sort((a, b) => b.congress - a.congress);
  const entry =
    sorted.find((e) => e.congress === currentCongress) ??
    sorted.find((e) => e.congress < currentCongress) ??
    sorted.at(-1)!;
  const end = congressTerm(entry.congress).end;
  return {
    currentCongress,
    congress: entry.congress,
    bills: {
      senate: campaignBill(entry.congress, 'senate', entry.senate),
      house: campaignBill(entry.congress, 'house', entry.house),
    },
    expired: now >= end,
    endsOn: end.toISOString().slice(0, 10),
    nextCongressOrdinal: congressOrdinal(Math.max(entry.congress + 1, currentCongress)),
    definition: entry,
  };
}

/** The three letters a campaign writes: support the bill, thank a (co)sponsor, or reintroduce it. */
export type AskKind = 'support' | 'thanks' | 'reintroduce';

export function askFor(situation: BillSituation, sponsor: boolean): AskKind {
  if (situation.expired) return 'reintroduce';
  return sponsor ? 'thanks' : 'support';
}
