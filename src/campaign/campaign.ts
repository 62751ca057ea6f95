/**
 * campaign: loads and validates campaign folders under `campaigns/`. A campaign is data (campaign.json,
 * with its bills per Congress, plus a Handlebars letter per situation and chamber), so a second campaign
 * needs only a new folder. The format is described in docs/campaigns.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Chamber } from '../civic-data/types';
import { LIBRARY_OF_CONGRESS_TOPICS } from '../delivery/cwc/format';
import { isSafeEmailAddress } from '../delivery/email-headers';
import { DataError, NotFoundError } from '../platform/errors';
import { CAMPAIGN_SOURCE_LANGUAGE, campaignTextsByLanguage, type CampaignTexts } from './campaign-texts';
import { BioguideId } from '../civic-data/members-import';
import { CongressBillsDefinition, SourceLink, type AskKind, type CongressBills } from './bills';

/** An address the mailer will send to: the mailer's own check, so a campaign file is refused at load, not at send time. */
const DeliverableEmail = z.email().refine(isSafeEmailAddress, 'is not an address the mailer can send to');

const PerChamber = z.object({ senate: z.string().min(1), house: z.string().min(1) }).strict();

/** One situation's letter: a subject line and a body template per chamber, both Handlebars. */
const AskDefinition = z.object({ subject: PerChamber, letterTemplates: PerChamber }).strict();

/** A House district as counted: `IL-13`, `AK-0` for an at-large seat. */
const DistrictKey = z.string().regex(/^[A-Z]{2}-\d{1,2}$/, 'must look like "IL-13" (AK-0 for at large)');
const LetterGoal = z.number().int().positive();

/**
 * Public goals per House district: one number for every district, or a default and a table (either may
 * be left out: without a default only the listed districts have a goal). A single number is read as the
 * default, so a mistake in either form is reported at its own key.
 */
export const DistrictGoals = z.preprocess(
  (value) => (typeof value === 'number' ? { default: value } : value),
  z
    .object({
      default: LetterGoal.optional(),
      districts: z
        .record(DistrictKey, LetterGoal, {
          error: (issue) =>
            issue.code === 'invalid_key' ? 'is not a district like "IL-13" (AK-0 for at large)' : undefined,
        })
        .default({}),
    })
    .strict(),
);
export type DistrictGoals = z.infer<typeof DistrictGoals>;

export const CampaignDefinition = z.object({
  slug: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1).max(200),
  shortTitle: z.string().min(1).max(80),
  summary: z.string().min(1).max(2000),
  explainer: z.array(z.string().min(1)).min(1),
  /** The campaign's bills, one entry per Congress; the organiser adds the next when they are reintroduced. */
  congresses: z
    .array(CongressBillsDefinition)
    .min(1)
    .refine((list) => new Set(list.map((c) => c.congress)).size === list.length, 'one entry per Congress'),
  goal: z.number().int().positive(),
  /** Goals per House district, shown to people from that district (src/tracking/district-goals.ts). */
  districtGoals: DistrictGoals.optional(),
  talkingPoints: z.array(z.object({ text: z.string().min(1), source: SourceLink })).min(1),
  criticism: z.array(z.object({ text: z.string().min(1), source: SourceLink })).default([]),
  sources: z.array(SourceLink).default([]),
  personalNotePrompt: z.string().min(1).max(500),
  /**
   * The letter for each situation: `support` (the bill is before this Congress), `thanks` (to a sponsor
   * or cosponsor who has not withdrawn: thanks, and a next step), `reintroduce` (the bill's Congress ended).
   */
  asks: z.object({ support: AskDefinition, thanks: AskDefinition, reintroduce: AskDefinition }).strict(),
  delivery: z
    .object({
      /** Where emailed letters go when no member-specific address is listed. */
      inbox: DeliverableEmail,
      /** Offices or coalition partners that accept email, keyed by bioguide id. */
      byMember: z.record(BioguideId, DeliverableEmail).default({}),
    })
    .strict(),
  shareText: z.string().min(1).max(280),
  /** Referral codes the organiser hands out (`?ref=newsletter`); other codes than these and share codes are not counted. */
  referralCodes: z.array(z.string().regex(/^[\w-]{1,64}$/)).default([]),
  /**
   * The languages the campaign's texts are written in: English (campaign.json) first, then each with its
   * `content/<lng>.json`. Letters to Congress are always sent in English.
   */
  languages: z
    .array(z.string().regex(/^[a-z]{2}$/))
    .min(1)
    .default([CAMPAIGN_SOURCE_LANGUAGE])
    .refine((l) => l[0] === CAMPAIGN_SOURCE_LANGUAGE, 'must start with "en" (the texts in campaign.json)')
    .refine((l) => new Set(l).size === l.length, 'must not repeat a language'),
  /** What Communicating with Congress needs to know of the campaign (docs/delivery.md); none = no CWC. */
  cwc: z
    .object({
      /** Stable across the campaign's life: offices group letters by it. */
      // The CWC schema's lengths (the Senate takes an Organization from 3 characters, the House from 6).
      campaignId: z.string().regex(/^[A-Za-z0-9]{2,64}$/, 'letters and digits only, 2 to 64'),
      organization: z.string().trim().min(6).max(500).optional(),
      organizationAbout: z.string().trim().min(6).max(500).optional(),
      topics: z.array(z.enum(LIBRARY_OF_CONGRESS_TOPICS)).min(1),
      proOrCon: z.enum(['Pro', 'Con']),
    })
    .strict()
    .optional(),
});

export type CampaignDefinition = z.infer<typeof CampaignDefinition>;

export interface Campaign extends Omit<CampaignDefinition, 'congresses'> {
  /** The file's entries, plus any adopted reintroduction's (campaign/adopted-bills), which may lack a chamber. */
  congresses: CongressBills[];
  /** Raw Handlebars source of the letter body per situation and chamber. */
  templates: Record<AskKind, Record<Chamber, string>>;
  /** The campaign's texts in a page's language, or in English when the campaign does not declare it. */
  textsIn(lng: string): CampaignTexts;
}

function readCampaignFolder(folder: string): Campaign {
  const file = path.join(folder, 'campaign.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError(`Campaign file ${file} cannot be read: ${(error as Error).message}`);
  }
  const parsed = CampaignDefinition.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DataError(`Campaign file ${file} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  if (parsed.data.slug !== path.basename(folder)) {
    throw new DataError(`Campaign file ${file}: slug "${parsed.data.slug}" must match its folder name`);
  }
  const templates = {} as Campaign['templates'];
  for (const kind of ['support', 'thanks', 'reintroduce'] as const) {
    const perChamber = {} as Record<Chamber, string>;
    for (const chamber of ['senate', 'house'] as const) {
      const templateFile = path.join(folder, parsed.data.asks[kind].letterTemplates[chamber]);
      if (!fs.existsSync(templateFile)) {
        throw new DataError(`Campaign ${parsed.data.slug}: letter template ${templateFile} is missing`);
      }
      perChamber[chamber] = fs.readFileSync(templateFile, 'utf8');
    }
    templates[kind] = perChamber;
  }
  return { ...parsed.data, templates, textsIn: campaignTextsByLanguage(folder, parsed.data) };
}

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): mail to them never reaches anyone.
 * A campaign inbox there in production would count letters as sent that nobody can read.
 */
const RESERVED_DOMAIN = /(^|\.)(example\.(org|com|net)|invalid|test|example|localhost)$/i;

export function isReservedEmailDomain(address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).replace(/\.$/, '');
  return RESERVED_DOMAIN.test(domain);
}

/** Every delivery address of the campaigns that sits on a reserved domain, as "slug: field (address)". */
export function reservedDeliveryAddresses(campaigns: Campaign[]): string[] {
  return campaigns.flatMap((c) => [
    ...(isReservedEmailDomain(c.delivery.inbox)
      ? [`${c.slug}: delivery.inbox (${c.delivery.inbox}) is on a reserved domain that receives no mail`]
      : []),
    ...Object.entries(c.delivery.byMember)
      .filter(([, address]) => isReservedEmailDomain(address))
      .map(([id, address]) => `${c.slug}: delivery.byMember.${id} (${address}) is on a reserved domain`),
  ]);
}

export interface CampaignCatalog {
  get(slug: string): Campaign;
  list(): Campaign[];
  defaultSlug: string;
}

/** Loads every campaign folder; fails at start-up when any is invalid or the default is missing. */
export function loadCampaigns(campaignsDir: string, defaultSlug: string): CampaignCatalog {
  const folders = fs
    .readdirSync(campaignsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(campaignsDir, d.name));
  const campaigns = new Map(folders.map((folder) => [path.basename(folder), readCampaignFolder(folder)]));
  if (!campaigns.has(defaultSlug)) {
    throw new DataError(`Default campaign "${defaultSlug}" not found in ${campaignsDir}`);
  }
  return {
    defaultSlug,
    list: () => [...campaigns.values()],
    get(slug) {
      const campaign = campaigns.get(slug);
      if (!campaign) throw new NotFoundError('messages.noSuchCampaign');
      return campaign;
    },
  };
}

/** The campaign's goal for one House district (`IL-13`), if it sets one. */
export function districtGoalFor(
  campaign: Pick<CampaignDefinition, 'districtGoals'>,
  district: string,
): number | undefined {
  const goals = campaign.districtGoals;
  return goals && (goals.districts[district] ?? goals.default);
}
