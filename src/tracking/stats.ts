/**
 * tracking/stats: campaign statistics read from the `counters` table only. One indexed query per campaign
 * (its primary key prefix), whose cost depends on the number of distinct states, members, days and refs,
 * never on the number of letters. Results are cached per campaign for `cacheMs`, and concurrent misses
 * share one query, so a traffic spike on the progress page does not reach the database per request.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../platform/clock';
import type { Storage } from '../storage/database';
import type { ActionKind, Db } from '../storage/schema';

/** Each channel's honest name, for the admin view and the API (pages use the catalogue's translations). */
export const CHANNEL_NAMES: Readonly<Record<ActionKind, string>> = {
  created: 'written',
  verified: 'verified (the writer confirmed their email, or the office accepted the letter)',
  delivered: 'delivered to the office (Communicating with Congress)',
  emailed: "sent to the campaign's inbox (email relay)",
  printed: 'printed',
  webform: 'web form (reported by the writer)',
  reported: 'reported by the writer without a confirmed email (not in the total)',
};

/** Every action kind, in the order the admin view lists them. */
export const ACTION_KINDS = Object.keys(CHANNEL_NAMES) as readonly ActionKind[];

type ChannelCounts = Record<ActionKind, number>;

/** Letters of all time, or of one Congress (of the members written to). */
interface LetterCounts {
  /**
   * Verified letters: distinct (sender, member) pairs whose sender confirmed their email or whose office
   * accepted the letter. The only number the public total and goal bar show. See docs/tracking.md.
   */
  total: number;
  byChamber: { senate: number; house: number };
  /** Each action counted once per (sender, member), or per letter when unverified; `verified` equals `total`. */
  byChannel: ChannelCounts;
  /** Letters per state, most first. */
  byState: Array<{ state: string; count: number }>;
  /** Letters per member, most first; every member with at least one letter. */
  byMember: Array<{ bioguide: string; count: number }>;
}

interface CongressStats extends LetterCounts {
  congress: number;
}

export interface CampaignStats extends LetterCounts {
  campaign: string;
  /** Letters printed or sent through a web form by writers who have not confirmed: shown apart. */
  reported: number;
  goal?: number;
  /** The first TOP_MEMBERS of byMember. */
  topMembers: Array<{ bioguide: string; count: number }>;
  /** Letters per UTC day, oldest first. */
  byDay: Array<{ day: string; count: number }>;
  /** Letters per House district of a Congress (`CA-12`, `AK-0` at large), most first. */
  byDistrict: Array<{ congress: number; district: string; count: number }>;
  /** The same counts for each Congress (of the members written to), newest first. */
  byCongress: CongressStats[];
  /** Letters per referral code, most first. */
  byRef: Array<{ ref: string; count: number }>;
  /** Every channel per chamber, state and day, for the admin view. */
  channels: {
    byChamber: { senate: ChannelCounts; house: ChannelCounts };
    byState: Array<{ state: string } & ChannelCounts>;
    byDay: Array<{ day: string } & ChannelCounts>;
  };
  /** When these counts were read from the database (ISO-8601). */
  updatedAt: string;
}

const emptyChannels = () => Object.fromEntries(ACTION_KINDS.map((kind) => [kind, 0])) as ChannelCounts;

const emptyCounts = (): LetterCounts => ({
  total: 0,
  byChamber: { senate: 0, house: 0 },
  byChannel: emptyChannels(),
  byState: [],
  byMember: [],
});
const emptyCongress = (congress: number): CongressStats => ({ congress, ...emptyCounts() });

/** One Congress's counts, zero when no letter was written in it. */
export function statsForCongress(stats: CampaignStats, congress: number): CongressStats {
  return stats.byCongress.find((c) => c.congress === congress) ?? emptyCongress(congress);
}

export interface StatsService {
  getCampaignStats(campaign: string): Promise<CampaignStats>;
  /** Drops the cached stats of one campaign, or of all. */
  invalidate(campaign?: string): void;
}

interface StatsOptions {
  storage: Pick<Storage, 'db'>;
  clock: Clock;
  cacheMs: number;
  /** The campaign goal, e.g. `(slug) => campaigns.get(slug).goal`; undefined leaves goal out. */
  goalFor?: (campaign: string) => number | undefined;
}

/** How many members the public numbers name. */
export const TOP_MEMBERS = 10;

function isActionKind(value: string): value is ActionKind {
  return (ACTION_KINDS as readonly string[]).includes(value);
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byCountDesc =
  <T extends { count: number }>(key: (row: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || compareText(key(a), key(b));

/** Builds CampaignStats from counter rows; exported for the tests. */
export function statsFromCounters(
  campaign: string,
  rows: Array<{ dimension: string; key: string; count: number | string }>,
  updatedAt: string,
  goal?: number,
): CampaignStats {
  const allTime = emptyCounts();
  let reported = 0;
  const byDay: CampaignStats['byDay'] = [];
  const byDistrict: CampaignStats['byDistrict'] = [];
  const byRef: CampaignStats['byRef'] = [];
  const channelChamber = { senate: emptyChannels(), house: emptyChannels() };
  const channelState = new Map<string, ChannelCounts>();
  const channelDay = new Map<string, ChannelCounts>();
  const congresses = new Map<number, CongressStats>();
  const congressOf = (n: number): CongressStats => {
    if (!congresses.has(n)) congresses.set(n, emptyCongress(n));
    return congresses.get(n)!;
  };

  for (const { dimension, key, count: text } of rows) {
    const count = Number(text);
    if (dimension === 'total') allTime.total = count;
    else if (dimension === 'congress') congressOf(Number(key)).total = count;
    else if (dimension.startsWith('congress_')) {
      const [congress, rest] = splitOnce(key);
      addCount(congressOf(Number(congress)), dimension.slice('congress_'.length), rest, count);
    } else if (dimension.startsWith('action_')) {
      const [action, rest] = splitOnce(key);
      if (!isActionKind(action)) continue;
      if (dimension === 'action_chamber') {
        if (rest === 'senate' || rest === 'house') channelChamber[rest][action] = count;
      } else {
        const map = dimension === 'action_state' ? channelState : channelDay;
        const entry = map.get(rest) ?? emptyChannels();
        entry[action] = count;
        map.set(rest, entry);
      }
    } else if (dimension === 'reported') reported = count;
    else if (dimension === 'day') byDay.push({ day: key, count });
    else if (dimension === 'ref') byRef.push({ ref: key, count });
    else if (dimension === 'district') {
      const [congress, district] = splitOnce(key);
      byDistrict.push({ congress: Number(congress), district, count });
    } else addCount(allTime, dimension, key, count);
  }
  for (const entry of [allTime, ...congresses.values()]) {
    entry.byState.sort(byCountDesc((r) => r.state));
    entry.byMember.sort(byCountDesc((r) => r.bioguide));
  }
  byDistrict.sort(byCountDesc((r) => `${r.congress}:${r.district}`));
  byRef.sort(byCountDesc((r) => r.ref));
  byDay.sort((a, b) => compareText(a.day, b.day));
  const { total, byChamber, byChannel, byState, byMember } = allTime;
  return {
    campaign,
    total,
    reported,
    ...(goal !== undefined ? { goal } : {}),
    byChamber,
    byChannel,
    byState,
    byMember,
    topMembers: byMember.slice(0, TOP_MEMBERS),
    byDay,
    byDistrict,
    byCongress: [...congresses.values()].sort((a, b) => b.congress - a.congress),
    byRef,
    channels: {
      byChamber: channelChamber,
      byState: [...channelState.entries()]
        .map(([state, c]) => ({ state, ...c }))
        .sort((a, b) => b.verified - a.verified || b.created - a.created || compareText(a.state, b.state)),
      byDay: [...channelDay.entries()]
        .map(([day, c]) => ({ day, ...c }))
        .sort((a, b) => compareText(a.day, b.day)),
    },
    updatedAt,
  };
}

/** One counter of a chamber, state, member or action, of all time or of one Congress. */
function addCount(into: LetterCounts, dimension: string, key: string, count: number): void {
  if (dimension === 'chamber' && (key === 'senate' || key === 'house')) into.byChamber[key] = count;
  else if (dimension === 'state') into.byState.push({ state: key, count });
  else if (dimension === 'member') into.byMember.push({ bioguide: key, count });
  else if (dimension === 'action' && isActionKind(key)) into.byChannel[key] = count;
}

function splitOnce(key: string): [string, string] {
  const i = key.indexOf(':');
  return i < 0 ? [key, ''] : [key.slice(0, i), key.slice(i + 1)];
}

/** Every counter row of every campaign, with the Congress of the per-Congress ones (the counts CSV). */
export async function listCounters(db: Db) {
  const rows = await db
    .selectFrom('counters')
    .select(['campaign', 'dimension', 'key', 'count'])
    .orderBy('campaign')
    .orderBy('dimension')
    .orderBy('key')
    .execute();
  // Per-Congress keys start "119:"; the all-time dimensions have no Congress.
  return rows.map((r) => ({
    ...r,
    congress: r.dimension === 'district' || r.dimension.startsWith('congress') ? splitOnce(r.key)[0] : '',
    count: Number(r.count),
  }));
}

/**
 * `read` behind a per-campaign cache of `cacheMs` on the app's clock (no cache when 0): concurrent readers
 * of an expired entry share one read (lru-cache's fetchMethod). The counters' stats and the replies' use it.
 */
export function cachePerCampaign<V extends object>(
  clock: Clock,
  cacheMs: number,
  read: (campaign: string) => Promise<V>,
) {
  if (cacheMs <= 0) return { get: read, invalidate: (_campaign?: string) => undefined };
  const cache = new LRUCache<string, V>({
    max: 1000,
    ttl: cacheMs,
    ttlResolution: 0,
    perf: { now: () => clock.now().getTime() },
    fetchMethod: (campaign) => read(campaign),
  });
  return {
    get: async (campaign: string) => (await cache.fetch(campaign))!,
    invalidate(campaign?: string) {
      if (campaign === undefined) cache.clear();
      else cache.delete(campaign);
    },
  };
}

/** Creates the stats reader; the app builds one (src/bootstrap.ts) so every page shares its cache. */
export function createStatsService(options: StatsOptions): StatsService {
  const { storage, clock, cacheMs, goalFor } = options;

  async function read(campaign: string): Promise<CampaignStats> {
    const rows = await storage.db
      .selectFrom('counters')
      .select(['dimension', 'key', 'count'])
      .where('campaign', '=', campaign)
      .execute();
    return statsFromCounters(campaign, rows, clock.now().toISOString(), goalFor?.(campaign));
  }

  const cache = cachePerCampaign(clock, cacheMs, read);
  return { getCampaignStats: cache.get, invalidate: cache.invalidate };
}

/** The running total for a campaign page ("N letters written so far"). */
export async function getRunningTotal(stats: StatsService, campaign: string): Promise<number> {
  return (await stats.getCampaignStats(campaign)).total;
}
