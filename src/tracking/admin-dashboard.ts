/**
 * tracking/admin-dashboard: the organiser's page (English): counts by channel, state, district and member,
 * the count review (held letters, bursts, set-asides), recent letters without any personal field, the
 * replies table, the data and CWC office lists in service, and a reintroduced bill's candidates.
 */
import { candidatesFor, type AdoptedBills } from '../campaign/adopted-bills';
import type { AskResolver } from '../campaign/asks';
import { billLabel } from '../campaign/bills';
import type { Campaign, CampaignCatalog } from '../campaign/campaign';
import { billKey } from '../civic-data/bill-status';
import { ordinal } from '../civic-data/congress';
import type { CivicIndex } from '../civic-data/load';
import type { RefreshStatus } from '../civic-data/refresh';
import { loadReintroductions } from '../civic-data/reintroductions';
import type { Chamber } from '../civic-data/types';
import type { Config } from '../config/config';
import type { OfficeListStatus } from '../delivery/cwc/offices';
import { latestLetters } from '../letters/letter-store';
import { houseDistrictOf } from '../letters/recipients';
import { DAY_MS, type Clock } from '../platform/clock';
import { formatUtcDateTime } from '../platform/i18n-format';
import { latestNotes } from '../replies/reply-store';
import type { ResponsivenessService } from '../replies/responsiveness';
import type { Storage } from '../storage/database';
import { findBursts, heldSummary, listSetAsides } from './count-review';
import { districtLabel, memberLabel, stateName } from './labels';
import { ACTION_KINDS, CHANNEL_NAMES, type StatsService } from './stats';

interface AdminDashboardDeps {
  config: Pick<Config, 'countCaps' | 'dataDir'>;
  clock: Clock;
  storage: Storage;
  stats: StatsService;
  civic: CivicIndex;
  campaigns: CampaignCatalog;
  asks: AskResolver;
  replyStats: ResponsivenessService;
  adoptedBills: AdoptedBills;
  dataRefresh: { status(): RefreshStatus };
  cwcOffices?: { status(): OfficeListStatus[] };
}

/** The adoption form as the organiser sent it, with an error per chamber. */
interface AdoptFormState {
  chosen: Partial<Record<Chamber, string>>;
  errors: Partial<Record<Chamber, string>>;
}

/** A time as the page shows it: English, readable, in UTC as labelled. */
const utcTime = (iso: string) => formatUtcDateTime('en', new Date(iso));

/** How far back the dashboard looks for bursts. */
const BURST_LOOKBACK_MS = 7 * DAY_MS;
const RECENT_LETTERS = 50;

/** The organiser's dashboard of one campaign; `adoptForm` is the adoption form sent back with its errors. */
export async function buildAdminDashboardView(
  deps: AdminDashboardDeps,
  campaign: Campaign,
  adoptForm?: AdoptFormState,
) {
  const s = await deps.stats.getCampaignStats(campaign.slug);
  const recent = await recentLetters(deps, campaign.slug);
  const review = await countReview(deps, campaign.slug);
  const replies = await deps.replyStats.forCampaign(campaign.slug);
  const notes = await latestNotes(deps.storage.db, campaign.slug, 50);
  return {
    cwcOffices: cwcOfficeLists(deps),
    title: `Admin: ${campaign.shortTitle}`,
    campaign,
    campaigns: deps.campaigns
      .list()
      .map((c) => ({ slug: c.slug, title: c.shortTitle, selected: c.slug === campaign.slug })),
    stats: s,
    updatedAt: utcTime(s.updatedAt),
    channelTotals: ACTION_KINDS.map((kind) => ({
      kind,
      name: CHANNEL_NAMES[kind],
      total: s.byChannel[kind],
      senate: s.channels.byChamber.senate[kind],
      house: s.channels.byChamber.house[kind],
    })),
    days: [...s.channels.byDay].reverse(),
    states: s.channels.byState.map((r) => ({ ...r, name: stateName(r.state) })),
    districts: s.byDistrict.map((d) => ({ ...d, name: `${districtLabel(d.district)} (${d.congress})` })),
    members: s.byMember.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    recent,
    review,
    // Every row, public or not, with whether the public sees it; and the writers' notes (never public).
    replies: {
      minAnswers: replies.minAnswers,
      rows: replies.members.map((m) => ({
        ...m,
        name: memberLabel(deps, m.bioguide),
        replyShareText: m.replyShare === null ? '–' : `${Math.round(m.replyShare * 100)}%`,
        medianDaysText: m.medianDaysToReply ?? '–',
      })),
    },
    notes: notes.map((n) => ({
      ...n,
      name: memberLabel(deps, n.bioguide),
      day: n.answered_at?.slice(0, 10),
    })),
    civicData: civicDataSummary(deps),
    reintroduction: reintroductionSection(deps, campaign, adoptForm),
  };
}

/** An office code's member in the data in service ("HIL13" -> "Nikki Budzinski (D-IL-13)"). */
function memberOfOffice(deps: AdminDashboardDeps, office: string): string {
  const state = office.slice(1, 3);
  const number = Number(office.slice(3));
  const member = office.startsWith('H')
    ? deps.civic.houseMemberFor(state, number)
    : deps.civic.senatorsForState(state).find((m) => m.senateClass === number);
  return member ? memberLabel(deps, member.bioguide) : 'no member in the data in service';
}

/** Which offices take CWC today, per service, as last read (start-up and each data refresh). */
function cwcOfficeLists(deps: AdminDashboardDeps) {
  return deps.cwcOffices?.status().map((list) => ({
    service: list.chamber === 'house' ? 'House (CWC)' : 'Senate (SCWC)',
    count: list.offices.length,
    readAt: list.readAt ? utcTime(list.readAt) : undefined,
    failure: list.failure && {
      at: utcTime(list.failure.at),
      reason: list.failure.reason,
    },
    offices: list.offices.map((office) => ({ office, member: memberOfOffice(deps, office) })),
  }));
}

/** What the organiser should know about the member and map data in service (English, like the page). */
function civicDataSummary(deps: AdminDashboardDeps) {
  const meta = deps.civic.meta;
  const names = (states: readonly string[] | undefined) =>
    states?.length ? states.map(stateName).join(', ') : null;
  const failure = deps.dataRefresh.status().failure;
  return {
    congress: meta.congress,
    snapshotDate: meta.snapshotDate,
    previousMaps: names(meta.previousMaps?.states),
    awaitingZips: names(meta.awaitingMaps?.zips),
    awaitingBoundaries: names(meta.awaitingMaps?.boundaries),
    refreshFailedAt: failure ? utcTime(failure.at) : null,
  };
}

/** Held letters, bursts of the last week and set-asides, for the dashboard's count review. */
async function countReview(deps: AdminDashboardDeps, campaign: string) {
  const now = deps.clock.now();
  const threshold = Math.ceil(deps.config.countCaps.districtPerHour / 2);
  const [held, bursts, setAsides] = await Promise.all([
    heldSummary(deps.storage.db, campaign),
    findBursts(deps.storage.db, campaign, new Date(now.getTime() - BURST_LOOKBACK_MS), threshold),
    listSetAsides(deps.storage.db, campaign),
  ]);
  return {
    held,
    heldTotal: held.mailbox + held.district,
    caps: deps.config.countCaps,
    threshold,
    bursts: bursts.map((b) => ({
      ...b,
      name: districtLabel(b.district),
      time: utcTime(`${b.hour}:00:00Z`),
    })),
    setAsides: setAsides.map((a) => ({
      ...a,
      window: `${utcTime(a.from_at)} to ${utcTime(a.to_at)}`,
      districtName: a.district ? districtLabel(a.district) : 'all districts',
    })),
  };
}

/** The latest letters, without any personal field, with the channels each went through. */
async function recentLetters(deps: AdminDashboardDeps, campaign: string) {
  const letters = await latestLetters(deps.storage.db, campaign, RECENT_LETTERS);
  const ids = letters.map((l) => l.id);
  // A channel action happens after its letter was written: bounding by the oldest recent letter lets
  // the existing (campaign, created_at) index do the work, with no index on letter_id needed.
  const since = letters[letters.length - 1]?.created_at;
  const actions = since
    ? await deps.storage.db
        .selectFrom('actions')
        .select(['letter_id', 'action'])
        .where('campaign', '=', campaign)
        .where('created_at', '>=', since)
        .where('letter_id', 'in', ids)
        .where('action', '!=', 'created')
        .execute()
    : [];
  const channels = new Map<string, string[]>();
  for (const a of actions) {
    if (!a.letter_id) continue;
    channels.set(a.letter_id, [...(channels.get(a.letter_id) ?? []), a.action].sort());
  }
  return letters.map((l) => {
    const district = houseDistrictOf(l);
    return {
      createdAt: utcTime(l.created_at),
      member: memberLabel(deps, l.bioguide),
      state: l.state,
      district: district ? districtLabel(district) : '',
      status: l.status.replace(/_/g, ' '),
      channels: (channels.get(l.id) ?? []).join(', ') || 'none yet',
    };
  });
}

const CHAMBER_NAMES: Record<Chamber, string> = { senate: 'Senate', house: 'House' };

/** A bill as this page names it: "S. 1829" with a no-break space, so its number never starts a line. */
const labelOf = (bill: { type: string; number: number }) =>
  billLabel(bill.type, bill.number).replace(' ', '\u00a0');

/**
 * The reintroduction section, chamber by chamber: the candidates the refresh found for each chamber's
 * ended bill, with the organiser's choice and its errors when a form comes back; the adoptions standing,
 * each chamber's latest with its undo.
 */
function reintroductionSection(deps: AdminDashboardDeps, campaign: Campaign, form?: AdoptFormState) {
  const situation = deps.asks.situation(campaign);
  let stored: ReturnType<typeof loadReintroductions>;
  let unreadable: string | undefined;
  try {
    stored = loadReintroductions(deps.config.dataDir);
  } catch (error) {
    stored = { searchedAt: null, candidates: [] };
    unreadable = (error as Error).message;
  }
  const rows = deps.adoptedBills.forCampaign(campaign.slug);
  const adopted = rows.map((b) => ({
    chamber: b.chamber,
    name: CHAMBER_NAMES[b.chamber],
    label: labelOf(b),
    congress: ordinal(b.congress),
    replaces: b.replaces,
    title: b.title,
    url: b.url,
    adoptedAt: utcTime(b.adoptedAt),
    // Undo takes back a chamber's latest Congress's adoption (campaign/adopted-bills undoAdoptedBills).
    undoable: b === rows.findLast((r) => r.chamber === b.chamber),
  }));
  const chambers = (['senate', 'house'] as const).map((chamber) => {
    const replaces = situation.bills[chamber];
    const expired = situation.chambers[chamber].expired;
    const candidates = candidatesFor(stored.candidates, situation, chamber).map((c) => ({
      key: billKey(c),
      label: labelOf(c),
      title: c.title,
      url: c.url,
      congress: ordinal(c.congress),
      sponsor: c.sponsor?.name ?? 'not named',
      introducedDate: c.introducedDate,
      reason: c.reason === 'title' ? 'same short title' : 'new bill of a sponsor',
      foundAt: utcTime(c.foundAt),
      checked: form?.chosen[chamber] === billKey(c),
    }));
    return {
      chamber,
      name: CHAMBER_NAMES[chamber],
      replaces: labelOf(replaces),
      congress: replaces.congressOrdinal,
      expired,
      candidates,
      error: form?.errors[chamber],
    };
  });
  const waiting = chambers.filter((c) => c.expired);
  const serving = chambers.filter((c) => !c.expired);
  return {
    // The chambers whose bill died and still wait for a reintroduction, and those asking about a live bill.
    waiting: waiting.length > 0 ? waiting : undefined,
    waitingBills: waiting.map((c) => c.replaces).join(' and '),
    waitingCongress: waiting[0]?.congress,
    serving: serving.length > 0 ? serving : undefined,
    servingBills: serving.map((c) => `${c.replaces} (${c.congress} Congress)`).join(' and '),
    searchedAt: stored.searchedAt ? utcTime(stored.searchedAt) : undefined,
    problem: unreadable ?? stored.problem,
    adopted: adopted.length > 0 ? adopted : undefined,
    chambers,
    canAdopt: waiting.some((c) => c.candidates.length > 0),
  };
}
