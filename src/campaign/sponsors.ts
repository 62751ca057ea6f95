/**
 * campaign/sponsors: who has signed on to a campaign's bills. The bill status imported by `data:update`
 * (src/civic-data/bill-status.ts) is the full roll; a campaign may list sponsors itself (with a source and
 * a date) for offline use, and that list is used only for a bill the import does not cover.
 */
import type { BillSituation, CampaignBill } from './bills';
import type { Campaign } from './campaign';

export interface SponsorEntry {
  bioguide: string;
  role: 'sponsor' | 'cosponsor';
  /** The day the member signed on (for the sponsor: the day the bill was introduced). */
  since: string;
  /** The day a cosponsor withdrew, if they did: they are asked again like anyone else. */
  withdrawn?: string | undefined;
}

/** One bill's roll, as imported or as the campaign lists it. */
export interface BillSponsors {
  source: { name: string; url?: string | undefined };
  /** When the roll was read. */
  asOf: string;
  entries: SponsorEntry[];
}

/** A member's standing on a bill: only a sponsor or a cosponsor who has not withdrawn has one. */
export interface Sponsorship {
  role: 'sponsor' | 'cosponsor';
  /** The member introduced the bill. */
  introduced: boolean;
  since: string;
  source: BillSponsors['source'];
  asOf: string;
}

export interface SponsorRoll {
  /** The roll used for a bill: the imported one, else the campaign's own list. */
  rollFor(campaign: Campaign, situation: BillSituation, bill: CampaignBill): BillSponsors | undefined;
  sponsorshipOf(
    campaign: Campaign,
    situation: BillSituation,
    bill: CampaignBill,
    bioguide: string,
  ): Sponsorship | undefined;
}

/** Bill id ("119-s-1829") to its imported roll. */
export type ImportedSponsors = ReadonlyMap<string, BillSponsors>;

export function createSponsorRoll(imported: ImportedSponsors): SponsorRoll {
  function rollFor(campaign: Campaign, situation: BillSituation, bill: CampaignBill) {
    const fromImport = imported.get(bill.id);
    if (fromImport) return fromImport;
    const listed = situation.definition.sponsors;
    if (!listed) return undefined;
    return { source: listed.source, asOf: listed.asOf, entries: listed[bill.chamber] };
  }
  return {
    rollFor,
    sponsorshipOf(campaign, situation, bill, bioguide) {
      const roll = rollFor(campaign, situation, bill);
      const entry = roll?.entries.find((e) => e.bioguide === bioguide && !e.withdrawn);
      if (!roll || !entry) return undefined;
      return {
        role: entry.role,
        introduced: entry.role === 'sponsor',
        since: entry.since,
        source: roll.source,
        asOf: roll.asOf,
      };
    },
  };
}
