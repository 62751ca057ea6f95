/**
 * tracking/district-goals: letters from one House district measured against the campaign's goal for it
 * ("41 letters from IL-13 toward a goal of 100"), and the districts closest to their goals. Reads the
 * cached campaign stats only.
 */
import { districtGoalFor, type Campaign } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import { compareText, type CampaignStats, type StatsService } from './stats';

interface DistrictProgress {
  /** `IL-13`; `AK-0` for an at-large seat. */
  district: string;
  count: number;
  goal: number;
  reached: boolean;
}

/**
 * Letters per House district that count toward district goals, in one Congress (districts are redrawn,
 * and a goal is for the members in service). The one place that decides what counts: the stats'
 * `byDistrict`, which counts verified letters only, like the public total (see tracking/actions).
 */
export function lettersTowardDistrictGoals(
  stats: CampaignStats,
  congress: number,
): ReadonlyMap<string, number> {
  return new Map(
    stats.byDistrict.filter((row) => row.congress === congress).map((row) => [row.district, row.count]),
  );
}

/** One district's letters and goal, or undefined when the campaign sets no goal for it. */
export function districtProgress(
  stats: CampaignStats,
  congress: number,
  goalFor: (district: string) => number | undefined,
  district: string,
): DistrictProgress | undefined {
  const goal = goalFor(district);
  if (goal === undefined) return undefined;
  const count = lettersTowardDistrictGoals(stats, congress).get(district) ?? 0;
  return { district, count, goal, reached: count >= goal };
}

/**
 * The campaign's progress in one district ("IL-13") of the Congress in service, for the pages that show
 * a person their own district; undefined without a district or a goal for it, or when the database does
 * not answer (a nicety must not take a page down with it).
 */
export async function districtGoalProgress(
  deps: { stats: StatsService; civic: Pick<CivicIndex, 'meta'> },
  campaign: Campaign,
  district: string | undefined,
): Promise<DistrictProgress | undefined> {
  if (!district || districtGoalFor(campaign, district) === undefined) return undefined;
  const current = await deps.stats.getCampaignStats(campaign.slug).catch(() => undefined);
  const goalFor = (d: string) => districtGoalFor(campaign, d);
  return current && districtProgress(current, deps.civic.meta.congress, goalFor, district);
}

/**
 * Districts with letters that have not reached their goal yet, the nearest (largest share of the goal)
 * first, then the fewest letters still needed; and how many have reached theirs.
 */
export function districtsClosestToGoal(
  stats: CampaignStats,
  congress: number,
  goalFor: (district: string) => number | undefined,
  limit = 10,
): { closest: Array<DistrictProgress & { remaining: number }>; reached: number } {
  let reached = 0;
  const open: Array<DistrictProgress & { remaining: number }> = [];
  for (const [district, count] of lettersTowardDistrictGoals(stats, congress)) {
    const goal = goalFor(district);
    if (goal === undefined || count <= 0) continue;
    if (count >= goal) reached++;
    else open.push({ district, count, goal, reached: false, remaining: goal - count });
  }
  open.sort(
    (a, b) =>
      b.count / b.goal - a.count / a.goal || a.remaining - b.remaining || compareText(a.district, b.district),
  );
  return { closest: open.slice(0, limit), reached };
}
