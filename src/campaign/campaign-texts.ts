/**
 * campaign/campaign-texts: the campaign's own words in each language it declares. English lives in
 * campaign.json (it is also the language of the letters sent to Congress); every other declared language
 * has `content/<lng>.json` with the same texts, in the same order, translated. A language the campaign
 * does not declare is shown in English, and pages say so.
 *
 * Proper nouns, bill numbers and source URLs are never translated: the URLs come from campaign.json only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Chamber } from '../civic-data/types';
import type { AskKind } from './bills';
import type { CampaignDefinition } from './campaign';
import { DataError } from '../platform/errors';

/** The language of campaign.json's texts and of every letter sent. */
export const CAMPAIGN_SOURCE_LANGUAGE = 'en';

const Text = z.string().trim().min(1);
const CitedText = z.object({ text: Text, source: Text }).strict();
const PerChamberText = z.object({ senate: Text, house: Text }).strict();

/**
 * One translation file, `content/<lng>.json`. `letters` holds the campaign's letter text per ask and chamber
 * (Handlebars, with the same `{{sender.city}}`-style values as the English template), shown beside the
 * English letter so a person knows what they sign; it is never sent.
 */
const CampaignTranslation = z
  .object({
    title: Text,
    shortTitle: Text,
    summary: Text,
    explainer: z.array(Text),
    talkingPoints: z.array(CitedText),
    criticism: z.array(CitedText),
    /** The names of the campaign's further sources, in campaign.json's order. */
    sources: z.array(Text),
    personalNotePrompt: Text,
    shareText: Text.max(280),
    letters: z
      .object({ support: PerChamberText, thanks: PerChamberText, reintroduce: PerChamberText })
      .strict(),
    /** Each bill's status line, by Congress (`"119": { "senate": ..., "house": ... }`), as in campaign.json. */
    billStatus: z.record(z.string().regex(/^\d{1,3}$/), PerChamberText),
  })
  .strict();
type CampaignTranslation = z.infer<typeof CampaignTranslation>;

/**
 * A campaign's texts as a page shows them (those of campaign.json a translation gives again): in `lang`,
 * which is the page's language or English.
 */
export interface CampaignTexts extends Pick<
  CampaignDefinition,
  keyof CampaignDefinition & keyof CampaignTranslation
> {
  lang: string;
  /** False when the page's language is not one the campaign declares (the texts are then English). */
  inPageLanguage: boolean;
  /** The campaign's letter texts in `lang`, for reading beside the English letter; absent in English. */
  letters?: Record<AskKind, Record<Chamber, string>>;
  /** Bill status lines in `lang` by Congress; absent in English (campaign.json has them). */
  billStatus?: Record<string, Record<Chamber, string>>;
}

/** Where each list in a translation must have as many items as campaign.json has. */
function countProblems(source: CampaignDefinition, translation: CampaignTranslation): string[] {
  const lists = ['explainer', 'talkingPoints', 'criticism', 'sources'] as const;
  const congresses = source.congresses.map((c) => String(c.congress));
  const statuses = Object.keys(translation.billStatus);
  const statusProblems = [
    ...congresses
      .filter((c) => !statuses.includes(c))
      .map((c) => `billStatus.${c}: missing (campaign.json has Congress ${c})`),
    ...statuses
      .filter((c) => !congresses.includes(c))
      .map((c) => `billStatus.${c}: campaign.json has no Congress ${c}`),
  ];
  return statusProblems.concat(
    lists
      .filter((list) => translation[list].length !== source[list].length)
      .map(
        (list) =>
          `${list}: has ${translation[list].length} items, campaign.json has ${source[list].length} (translate each one, in order)`,
      ),
  );
}

/** Reads and checks `content/<lng>.json` of a declared language; fails naming the key. */
function readTranslation(folder: string, source: CampaignDefinition, lng: string): CampaignTranslation {
  const file = path.join(folder, 'content', `${lng}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError(
      `Campaign ${source.slug} declares "${lng}" but ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  const parsed = CampaignTranslation.safeParse(raw);
  const problems = parsed.success
    ? countProblems(source, parsed.data)
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new DataError(`Campaign texts ${file} are incomplete:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

function translatedTexts(source: CampaignDefinition, lng: string, t: CampaignTranslation): CampaignTexts {
  const cited = (items: CampaignDefinition['talkingPoints'], translated: CampaignTranslation['criticism']) =>
    items.map((item, i) => ({
      text: translated[i]!.text,
      source: { name: translated[i]!.source, url: item.source.url },
    }));
  return {
    ...t,
    lang: lng,
    inPageLanguage: true,
    talkingPoints: cited(source.talkingPoints, t.talkingPoints),
    criticism: cited(source.criticism, t.criticism),
    sources: source.sources.map((s, i) => ({ name: t.sources[i]!, url: s.url })),
  };
}

/**
 * The campaign's texts for every page language, read and built once at load: a declared language gets its
 * translation (`content/<lng>.json`, checked against campaign.json), any other gets English marked as not
 * being in the page's language.
 */
export function campaignTextsByLanguage(
  folder: string,
  source: CampaignDefinition,
): (lng: string) => CampaignTexts {
  const english: CampaignTexts = {
    lang: CAMPAIGN_SOURCE_LANGUAGE,
    inPageLanguage: true,
    title: source.title,
    shortTitle: source.shortTitle,
    summary: source.summary,
    explainer: source.explainer,
    talkingPoints: source.talkingPoints,
    criticism: source.criticism,
    sources: source.sources,
    personalNotePrompt: source.personalNotePrompt,
    shareText: source.shareText,
  };
  const englishElsewhere: CampaignTexts = { ...english, inPageLanguage: false };
  const built = new Map<string, CampaignTexts>([[CAMPAIGN_SOURCE_LANGUAGE, english]]);
  for (const lng of source.languages.filter((l) => l !== CAMPAIGN_SOURCE_LANGUAGE)) {
    built.set(lng, translatedTexts(source, lng, readTranslation(folder, source, lng)));
  }
  return (lng) => built.get(lng) ?? englishElsewhere;
}
