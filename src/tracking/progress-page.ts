/**
 * tracking/progress-page: the public progress page and the stats JSON, built from the cached counters
 * (tracking/stats) and the cached replies figures (replies/responsiveness), so they stay cheap under a
 * traffic spike.
 */
import type { AskResolver } from '../campaign/asks';
import { districtGoalFor, type Campaign } from '../campaign/campaign';
import { ordinal } from '../civic-data/congress';
import type { CivicIndex } from '../civic-data/load';
import { formatUtcDateTime, type PageLanguage } from '../platform/i18n-format';
import { publicReplyStats, replySection } from '../replies/board-view';
import type { ResponsivenessService } from '../replies/responsiveness';
import { districtProgress, districtsClosestToGoal } from './district-goals';
import { memberLabel, stateName } from './labels';
import { CHANNEL_NAMES, statsForCongress, TOP_MEMBERS, type CampaignStats } from './stats';
import { renderStateMapSvg } from './us-map';

type Deps = { civic: CivicIndex; asks: AskResolver; replyStats: ResponsivenessService };

/** The channels whose figures only verified letters reach: the public numbers show no other. */
const PUBLIC_CHANNELS = ['verified', 'delivered', 'emailed'] as const;

/** What the public numbers count, said in the JSON itself (the progress page says it in its own words). */
const PUBLIC_COUNTS_NOTE =
  "total: letters whose writer confirmed their email address, or that the office accepted; one per writer and member; letters above a mailbox's or a district's hourly cap wait for the organiser's review, and letters the organiser set aside are not counted. reportedByWriters: printed or web-form letters whose writer has not confirmed, never in the total.";

/** GET /api/campaigns/:slug/stats: the public numbers, names from the member data, "did they answer?". */
export async function buildStatsJson(deps: Deps, campaign: Campaign, stats: CampaignStats) {
  return {
    campaign: stats.campaign,
    /** Verified letters (see docs/tracking.md). */
    total: stats.total,
    /** Unverified prints and web-form sends, shown apart, never in the total. */
    reportedByWriters: stats.reported,
    goal: stats.goal ?? null,
    byChamber: stats.byChamber,
    // Only what verified letters did: saved, printed and web-form figures include writers who never
    // confirmed an address (issue 28), so they stay in the organiser's view.
    byChannel: Object.fromEntries(PUBLIC_CHANNELS.map((kind) => [kind, stats.byChannel[kind]])),
    channelNames: Object.fromEntries(PUBLIC_CHANNELS.map((kind) => [kind, CHANNEL_NAMES[kind]])),
    counts: PUBLIC_COUNTS_NOTE,
    byState: stats.byState.map((s) => ({ ...s, name: stateName(s.state) })),
    topMembers: stats.topMembers.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    byDay: stats.byDay,
    byDistrict: stats.byDistrict,
    byCongress: stats.byCongress.map((c) => ({
      congress: c.congress,
      total: c.total,
      byChamber: c.byChamber,
    })),
    updatedAt: stats.updatedAt,
    // "Did they answer?": rows with enough answers only, reported by writers, not verified.
    replies: await publicReplyStats(deps, campaign, deps.civic.meta.congress),
  };
}

/** Whole percent of the goal reached, at most 100, or "lessThanOne" for a start below 1%. */
export function percentOfGoal(part: number, whole: number): number | 'lessThanOne' {
  if (whole <= 0 || part <= 0) return 0;
  const p = (part / whole) * 100;
  return p < 1 ? 'lessThanOne' : Math.min(100, Math.floor(p));
}

/** `il-013` -> `IL-13`; undefined for anything that is not a House district of the member data. */
function houseDistrict(civic: CivicIndex, typed: string): string | undefined {
  const match = /^([A-Za-z]{2})\s*(?:-\s*)?(\d{1,2})$/.exec(typed.trim());
  if (!match) return undefined;
  const state = match[1]!.toUpperCase();
  const district = Number(match[2]);
  return civic.hasSeat(state, district) ? `${state}-${district}` : undefined;
}

/**
 * The progress page: the Congress of the members in service (the civic data's) with the all-time total
 * beside, the goal, the map, and the district the visitor typed (`districtError` when it is none).
 */
export async function buildProgressPageView(
  deps: Deps,
  page: PageLanguage,
  campaign: Campaign,
  s: CampaignStats,
  typed: string,
) {
  const congress = deps.civic.meta.congress;
  const current = statsForCongress(s, congress);
  const goalFor = (district: string) => districtGoalFor(campaign, district);
  const district = typed ? houseDistrict(deps.civic, typed) : undefined;
  const counts = Object.fromEntries(current.byState.map((r) => [r.state, r.count]));
  const replies = await replySection(deps, page, campaign, congress);
  // Of the members in service the writers wrote to this Congress, those who have signed on to the bill.
  const writtenTo = current.byMember.filter((m) => deps.civic.memberByBioguide(m.bioguide));
  const signedOn = writtenTo.filter((m) => replies.sponsors.has(m.bioguide));
  const goal = campaign.goal;
  const t = page.t;
  const texts = campaign.textsIn(page.language);
  const percent = percentOfGoal(s.total, goal);
  const districtError = typed && !district ? t('tracking.progress.districtUnknown') : undefined;
  return {
    replies,
    title: t('tracking.progress.pageTitle', { campaign: texts.shortTitle }),
    campaign,
    texts,
    stats: s,
    current,
    congress,
    congressOrdinal: ordinal(congress),
    membersWrittenTo: writtenTo.length,
    membersSignedOn: signedOn.length,
    goal,
    percentOfGoal:
      percent === 'lessThanOne'
        ? t('tracking.progress.lessThanOnePercent')
        : t('tracking.progress.percent', { percent }),
    progressValue: Math.min(s.total, goal),
    districtGoals: campaign.districtGoals !== undefined,
    districtTyped: typed,
    districtError,
    yourDistrict: district
      ? (districtProgress(s, congress, goalFor, district) ?? { district, noGoal: true })
      : undefined,
    districtRanking: districtsClosestToGoal(s, congress, goalFor),
    updatedAt: formatUtcDateTime(page.language, new Date(s.updatedAt)),
    states: current.byState.map((r) => ({ ...r, name: stateName(r.state) })),
    topMembers: current.byMember
      .slice(0, TOP_MEMBERS)
      .map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    mapSvg: renderStateMapSvg(counts, {
      idPrefix: 'progress-map',
      title: t('tracking.progress.mapTitle', { campaign: texts.shortTitle }),
      description: t('tracking.progress.mapDescription'),
      countLabel: (n: number) => t('tracking.progress.mapCount', { count: n }),
      legendTitle: t('tracking.progress.lettersColumn'),
      noneLabel: t('tracking.progress.mapNone'),
    }),
  };
}
