/**
 * campaign/sponsors: who has signed on to a campaign's bills. The bill status imported by `data:update`
 * (src/civic-data/bill-status.ts) is the full roll; a campaign may list sponsors itself (with a source and
 * a date) for offline use, and that list is used only for a bill the import does not cover.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { billKey, importBillStatus, type BillRef, type BillSponsorsRecord } from '../civic-data/bill-status';
import type { DataUpdateConfig } from '../config/config';
import { DataError } from '../platform/errors';
import { CongressBillsDefinition, type BillSituation, type CampaignBill } from './bills';

/** One bill's roll, as imported or as the campaign lists it. */
export type BillSponsors = Pick<BillSponsorsRecord, 'source' | 'asOf' | 'entries'>;

/** A member's standing on a bill: only a sponsor or a cosponsor who has not withdrawn has one. */
export interface Sponsorship {
  role: 'sponsor' | 'cosponsor';
  /** The member introduced the bill. */
  introduced: boolean;
  since: string;
  source: BillSponsors['source'];
  asOf: string;
}

/** Bill id ("119-s-1829") to its imported roll; the server's refresh may replace it while it runs. */
type ImportedSponsors = Pick<ReadonlyMap<string, BillSponsors>, 'get'>;

export type SponsorRoll = ReturnType<typeof createSponsorRoll>;

export function createSponsorRoll(imported: ImportedSponsors) {
  /** The roll used for a bill: the imported one, else the campaign's own list. */
  function rollFor(situation: BillSituation, bill: CampaignBill): BillSponsors | undefined {
    const listed = situation.chambers[bill.chamber].entry.sponsors;
    return (
      imported.get(bill.id) ??
      (listed && { source: listed.source, asOf: listed.asOf, entries: listed[bill.chamber] })
    );
  }
  return {
    sponsorshipOf(situation: BillSituation, bill: CampaignBill, bioguide: string): Sponsorship | undefined {
      const roll = rollFor(situation, bill);
      const entry = roll?.entries.find((e) => e.bioguide === bioguide && !e.withdrawn);
      if (!roll || !entry) return undefined;
      const { role, since } = entry;
      return { role, introduced: role === 'sponsor', since, source: roll.source, asOf: roll.asOf };
    },
  };
}

const CampaignBillsOnly = z.object({ congresses: z.array(CongressBillsDefinition) });

/** The bills of every campaign folder, each Congress's, once. */
export function campaignBillRefs(campaignsDir: string): BillRef[] {
  const refs = new Map<string, BillRef>();
  for (const entry of fs.readdirSync(campaignsDir, { withFileTypes: true })) {
    const file = path.join(campaignsDir, entry.name, 'campaign.json');
    if (!entry.isDirectory() || !fs.existsSync(file)) continue;
    const parsed = CampaignBillsOnly.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new DataError(`${file}: its congresses are invalid; fix the campaign first`);
    for (const c of parsed.data.congresses) {
      for (const bill of [c.senate, c.house]) {
        const ref = { congress: c.congress, type: bill.type, number: bill.number };
        refs.set(billKey(ref), ref);
      }
    }
  }
  return [...refs.values()];
}

/** The `data:update` step: imports the sponsor rolls of every campaign's bills; returns a summary. */
export async function updateSponsorRolls(context: {
  from: string | undefined;
  outDir: string;
  config: DataUpdateConfig;
  now?: Date | undefined;
}): Promise<string> {
  const { config } = context;
  const result = await importBillStatus({
    bills: campaignBillRefs(config.campaignsDir),
    outDir: context.outDir,
    from: context.from,
    congressGovApiKey: config.congressGovApiKey,
    urls: config.civicSources,
    now: context.now,
  });
  const missing = result.missing.length
    ? ` (no local file for ${result.missing.join(', ')}: the campaign's own list is used)`
    : '';
  return `${result.bills} bill(s)${missing}`;
}
