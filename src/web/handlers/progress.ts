/**
 * web/handlers/progress: the public campaign progress page and its JSON twin. Both read the cached
 * counters (src/tracking/stats.ts), never the letters, so they stay cheap under a traffic spike.
 */
import type { RequestHandler } from 'express';
import { ordinal } from '../../civic-data/congress';
import { districtGoalFor, type Campaign } from '../../campaign/campaign';
import { NotFoundError } from '../../platform/errors';
import { districtProgress, districtsClosestToGoal } from '../../tracking/district-goals';
import { CHANNEL_NAMES, statsForCongress, type CampaignStats } from '../../tracking/stats';
import { renderStateMapSvg, STATE_NAMES } from '../../tracking/us-map';
import type { AppDeps } from '../deps';
import { publicReplyStats, replySection } from '../reply-board';
import { formatUtcDateTime } from '../i18n';

const SLUG = /^[a-z0-9-]{1,64}$/;

export function campaignOrNotFound(deps: Pick<AppDeps, 'campaigns'>, slug: unknown): Campaign {
  if (typeof slug !== 'string' || !SLUG.test(slug)) throw new NotFoundError('messages.noSuchCampaign');
  return deps.campaigns.get(slug);
}

/** `CA-12` -> "California, district 12"; `AK-0` -> "Alaska, at large". */
export function districtLabel(key: string): string {
  const [state = '', n = ''] = key.split('-');
  const name = STATE_NAMES[state] ?? state;
  return n === '0' ? `${name}, at large` : `${name}, district ${n}`;
}

export function memberLabel(deps: Pick<AppDeps, 'civic'>, bioguide: string): string {
  const member = deps.civic.memberByBioguide(bioguide);
  return member ? member.formalName || member.name : `Former or unknown member (${bioguide})`;
}

/** The channels whose figures only verified letters reach: the public numbers show no other. */
export const PUBLIC_CHANNELS = ['verified', 'delivered', 'emailed'] as const;

/** What the public numbers count, said in the JSON itself (the progress page says it in its own words). */
export const PUBLIC_COUNTS_NOTE =
  "total: letters whose writer confirmed their email address, or that the office accepted; one per writer and member; letters above a mailbox's or a district's hourly cap wait for the organiser's review, and letters the organiser set aside are not counted. reportedByWriters: printed or web-form letters whose writer has not confirmed, never in the total.";

/** The public JSON shape: the stats plus names resolved from the member data. */
export function publicStats(deps: Pick<AppDeps, 'civic'>, stats: CampaignStats) {
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
    byState: stats.byState.map((s) => ({ ...s, name: STATE_NAMES[s.state] ?? s.state })),
    topMembers: stats.topMembers.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    byDay: stats.byDay,
    byDistrict: stats.byDistrict,
    byCongress: stats.byCongress.map((c) => ({
      congress: c.congress,
      total: c.total,
      byChamber: c.byChamber,
    })),
    updatedAt: stats.updatedAt,
  };
}

/** Whole percent of the goal reached, at most 100, or "lessThanOne" for a start below 1%. */
export function percentOfGoal(part: number, whole: number): number | 'lessThanOne' {
  if (whole <= 0 || part <= 0) return 0;
  const p = (part / whole) * 100;
  return p < 1 ? 'lessThanOne' : Math.min(100, Math.floor(p));
}

/** The progress page and its JSON twin, GET /api/campaigns/:slug/stats. */
export function createProgressHandlers(deps: AppDeps) {
  const stats = deps.stats;
  const houseDistricts = new Set(deps.civic.districts.map((d) => `${d.state}-${d.district}`));

  /** `il-013` -> `IL-13`; undefined for anything that is not a House district of the member data. */
  function houseDistrict(typed: string): string | undefined {
    const match = /^([A-Za-z]{2})\s*(?:-\s*)?(\d{1,2})$/.exec(typed.trim());
    const key = match && `${match[1]!.toUpperCase()}-${Number(match[2])}`;
    return key && houseDistricts.has(key) ? key : undefined;
  }

  const progressPage: RequestHandler = async (req, res) => {
    const campaign = campaignOrNotFound(deps, req.params.slug);
    const s = await stats.getCampaignStats(campaign.slug);
    // The page shows the Congress of the members in service (the civic data's), the all-time total beside.
    const congress = deps.civic.meta.congress;
    const current = statsForCongress(s, congress);
    const goalFor = (district: string) => districtGoalFor(campaign, district);
    const typed = typeof req.query.district === 'string' ? req.query.district.slice(0, 10) : '';
    const district = typed ? houseDistrict(typed) : undefined;
    const counts = Object.fromEntries(current.byState.map((r) => [r.state, r.count]));
    // Of the members the writers wrote to this Congress, those who have signed on to the bill.
    const writtenTo = current.byMember
      .map((m) => deps.civic.memberByBioguide(m.bioguide))
      .filter((m): m is NonNullable<typeof m> => m !== undefined);
    const signedOn = writtenTo.filter((m) => deps.asks.forMember(campaign, m).sponsorship !== undefined);
    const goal = campaign.goal;
    const t = req.t;
    const texts = campaign.textsIn(req.language);
    const percent = percentOfGoal(s.total, goal);
    const districtError = typed && !district ? t('tracking.progress.districtUnknown') : undefined;
    const replies = await replySection(deps, req, campaign, congress);
    res.status(districtError ? 400 : 200).render('tracking/progress', {
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
      updatedAt: formatUtcDateTime(req.language, new Date(s.updatedAt)),
      states: current.byState.map((r) => ({ ...r, name: STATE_NAMES[r.state] ?? r.state })),
      topMembers: current.byMember.slice(0, 10).map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
      mapSvg: renderStateMapSvg(counts, {
        idPrefix: 'progress-map',
        title: t('tracking.progress.mapTitle', { campaign: texts.shortTitle }),
        description: t('tracking.progress.mapDescription'),
        countLabel: (n: number) => t('tracking.progress.mapCount', { count: n }),
        legendTitle: t('tracking.progress.lettersColumn'),
        noneLabel: t('tracking.progress.mapNone'),
      }),
    });
  };

  const statsJson: RequestHandler = async (req, res) => {
    const campaign = campaignOrNotFound(deps, req.params.slug);
    const s = await stats.getCampaignStats(campaign.slug);
    res.setHeader(
      'Cache-Control',
      `public, max-age=${Math.max(0, Math.floor(deps.config.statsCacheMs / 1000))}`,
    );
    res.json({
      ...publicStats(deps, s),
      // "Did they answer?": rows with enough answers only, reported by writers, not verified.
      replies: await publicReplyStats(deps, campaign, deps.civic.meta.congress),
    });
  };

  return { progressPage, statsJson };
}
