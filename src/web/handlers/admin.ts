/**
 * web/handlers/admin: the campaign organisers' view (its guards and sign-in: src/web/admin-session.ts).
 * It shows counts and recent letters without personal data. The only personal data that leaves is the
 * letters CSV, limited to senders who ticked "share with the campaign", and without their email or
 * street address.
 */
import { stateByAbbr } from '../../civic-data/states';
import type { Request, RequestHandler, Response } from 'express';
import type { Campaign } from '../../campaign/campaign';
import { stringify, type Stringifier } from 'csv-stringify';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import {
  findBursts,
  heldSummary,
  listSetAsides,
  releaseHeldCounts,
  restoreSetAside,
  setAsideWindow,
} from '../../tracking/count-review';
import { latestLetters, SHARED_LETTER_COLUMNS, sharedLettersPage } from '../../letters/letter-store';
import { adoptReintroducedBill, undoAdoptedBills } from '../../campaign/adopted-bills';
import { BILL_TYPES, type BillType } from '../../campaign/bills';
import {
  candidateKey,
  loadReintroductions,
  type ReintroductionCandidate,
} from '../../civic-data/reintroductions';
import type { Chamber } from '../../civic-data/types';
import { latestNotes } from '../../replies/reply-store';
import { ACTION_KINDS, CHANNEL_NAMES, type CampaignStats } from '../../tracking/stats';
import { STATE_NAMES } from '../../tracking/us-map';
import type { AppDeps } from '../deps';
import { formatUtcDateTime } from '../i18n';
import { ordinal } from '../../civic-data/congress';
import type { AdminSession } from '../admin-session';
import { campaignOrNotFound, districtLabel, memberLabel } from './progress';

/** How far back the dashboard looks for bursts. */
const BURST_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

const CampaignForm = z.object({ campaign: z.string().max(64) });

/** "Set these letters aside": a window of whole hours from `from` (UTC), one district or all, and why. */
const SetAsideForm = CampaignForm.extend({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}(?::\d{2})?$/, 'messages.invalidValue'),
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(1),
  district: z
    .string()
    .regex(/^[A-Z]{2}-\d{1,2}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  reason: z.string().trim().min(1, 'messages.invalidValue').max(500),
});
/** "Adopt these numbers": one candidate per chamber, by its key ("120-s-12"). */
const CandidateChoice = z
  .string({ error: 'Choose one of the bills listed.' })
  .regex(/^\d{1,3}-[a-z]{1,7}-\d{1,5}$/, 'Choose one of the bills listed.');
const AdoptForm = CampaignForm.extend({ senate: CandidateChoice, house: CandidateChoice });
type AdoptErrors = Partial<Record<Chamber, string>>;
const RECENT_LETTERS = 50;
const EXPORT_PAGE = 1000;

/**
 * The admin CSVs: RFC 4180 with CRLF line ends. A cell that starts like a spreadsheet formula (= + - @, tab
 * or carriage return; text from the public can) gets a leading ' so spreadsheets show it as text.
 */
export const CSV_OPTIONS = { escape_formulas: true, record_delimiter: 'windows' } as const;

/** The letters CSV's columns are the store's shared-letter columns; two have another name in the CSV. */
const LETTER_EXPORT_HEADERS: Partial<Record<string, string>> = {
  bioguide: 'member',
  recipient_name: 'recipient',
};

/** The replies export: every member's row, with whether the public sees it. */
const REPLY_EXPORT_COLUMNS = [
  'campaign',
  'congress',
  'bill',
  'member',
  'name',
  'delivered',
  'asked',
  'answers',
  'replied',
  'reply_share',
  'median_days_to_reply',
  'support',
  'oppose',
  'undecided',
  'did_not_say',
  'form_letters',
  'answers_up_to',
  'public',
] as const;

/** Starts a CSV download with its header row; write rows to it, then `end()` it. */
function csvDownload(res: Response, filename: string, columns: string[]): Stringifier {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  const csv = stringify({ ...CSV_OPTIONS, header: true, columns });
  csv.pipe(res);
  return csv;
}

/** An office code's member in the data in service ("HIL13" -> "Nikki Budzinski (D-IL-13)"). */
function memberOfOffice(deps: AppDeps, office: string): string {
  const state = office.slice(1, 3);
  const number = Number(office.slice(3));
  const member = office.startsWith('H')
    ? deps.civic.houseMemberFor(state, number)
    : deps.civic.senatorsForState(state).find((m) => m.senateClass === number);
  return member ? memberLabel(deps, member.bioguide) : 'no member in the data in service';
}

/** Which offices take CWC today, per service, as last read (start-up and each data refresh). */
function cwcOfficeLists(deps: AppDeps) {
  return deps.cwcOffices?.status().map((list) => ({
    service: list.chamber === 'house' ? 'House (CWC)' : 'Senate (SCWC)',
    count: list.offices.length,
    readAt: list.readAt ? formatUtcDateTime('en', new Date(list.readAt)) : undefined,
    failure: list.failure && {
      at: formatUtcDateTime('en', new Date(list.failure.at)),
      reason: list.failure.reason,
    },
    offices: list.offices.map((office) => ({ office, member: memberOfOffice(deps, office) })),
  }));
}

/** The handlers of the admin routes (src/web/routes.ts guards them with src/web/admin-session.ts). */
export function createAdminHandlers(deps: AppDeps, session: Pick<AdminSession, 'has' | 'renderLogin'>) {
  const { config, clock, storage } = deps;
  const stats = deps.stats;

  /** What the organiser should know about the member and map data in service (English, like the page). */
  function civicDataSummary() {
    const meta = deps.civic.meta;
    const names = (states: readonly string[] | undefined) =>
      states?.length ? states.map((s) => stateByAbbr(s)?.name ?? s).join(', ') : null;
    const failure = deps.dataRefresh?.status().failure;
    return {
      congress: meta.congress,
      snapshotDate: meta.snapshotDate,
      previousMaps: names(meta.previousMaps?.states),
      awaitingZips: names(meta.awaitingMaps?.zips),
      awaitingBoundaries: names(meta.awaitingMaps?.boundaries),
      refreshFailedAt: failure ? formatUtcDateTime('en', new Date(failure.at)) : null,
    };
  }

  function campaignFromQuery(req: Request): Campaign {
    const slug = typeof req.query.campaign === 'string' ? req.query.campaign : deps.campaigns.defaultSlug;
    return campaignOrNotFound(deps, slug);
  }

  const dashboard: RequestHandler = async (req, res) => {
    if (!(await session.has(req))) {
      session.renderLogin(res, 200);
      return;
    }
    await renderDashboard(res, campaignFromQuery(req));
  };

  /** The bill label as cited: "S. 12". */
  const billLabel = (type: string, number: number) => `${BILL_TYPES[type as BillType] ?? type} ${number}`;

  /**
   * The reintroduction section: the candidates the refresh found for the campaign's ended bills, with the
   * organiser's choice and its errors when a form comes back; or the adoption standing, with undo.
   */
  function reintroductionSection(
    campaign: Campaign,
    form?: { chosen: Partial<Record<Chamber, string>>; errors: AdoptErrors },
  ) {
    const situation = deps.asks.situation(campaign);
    let stored: ReturnType<typeof loadReintroductions>;
    let unreadable: string | undefined;
    try {
      stored = loadReintroductions(config.dataDir);
    } catch (error) {
      stored = { searchedAt: null, candidates: [] };
      unreadable = (error as Error).message;
    }
    const adopted = (deps.adoptedBills?.forCampaign(campaign.slug) ?? []).map((b) => ({
      chamber: b.chamber === 'senate' ? 'Senate' : 'House',
      label: billLabel(b.type, b.number),
      congress: ordinal(b.congress),
      replaces: b.replaces,
      title: b.title,
      url: b.url,
      adoptedAt: formatUtcDateTime('en', new Date(b.adoptedAt)),
    }));
    const chambers = (['senate', 'house'] as const).map((chamber) => {
      const replaces = situation.bills[chamber];
      const candidates = stored.candidates
        .filter((c) => c.chamber === chamber && c.replaces === replaces.id)
        .map((c) => ({
          key: candidateKey(c),
          label: billLabel(c.type, c.number),
          title: c.title,
          url: c.url,
          congress: ordinal(c.congress),
          sponsor: c.sponsor?.name ?? 'not named',
          introducedDate: c.introducedDate,
          reason: c.reason === 'title' ? 'same short title' : 'new bill of a sponsor',
          foundAt: formatUtcDateTime('en', new Date(c.foundAt)),
          checked: form?.chosen[chamber] === candidateKey(c),
        }));
      return {
        chamber,
        name: chamber === 'senate' ? 'Senate' : 'House',
        replaces: replaces.label,
        candidates,
        error: form?.errors[chamber],
      };
    });
    return {
      expired: situation.expired,
      bills: `${situation.bills.senate.label} and ${situation.bills.house.label}`,
      congress: situation.bills.senate.congressOrdinal,
      searchedAt: stored.searchedAt ? formatUtcDateTime('en', new Date(stored.searchedAt)) : undefined,
      problem: unreadable ?? stored.problem,
      adopted: adopted.length > 0 ? adopted : undefined,
      chambers,
      canAdopt: situation.expired && chambers.every((c) => c.candidates.length > 0),
    };
  }

  async function renderDashboard(
    res: Response,
    campaign: Campaign,
    options: { status?: number; adoptForm?: Parameters<typeof reintroductionSection>[1] } = {},
  ) {
    const s = await stats.getCampaignStats(campaign.slug);
    const recent = await recentLetters(campaign.slug);
    const review = await countReview(campaign.slug);
    const replies = deps.replyStats ? await deps.replyStats.forCampaign(campaign.slug) : undefined;
    const notes = await latestNotes(storage.db, campaign.slug, 50);
    res.status(options.status ?? 200).render('admin/dashboard', {
      cwcOffices: cwcOfficeLists(deps),
      title: `Admin: ${campaign.shortTitle}`,
      campaign,
      campaigns: deps.campaigns
        .list()
        .map((c) => ({ slug: c.slug, title: c.shortTitle, selected: c.slug === campaign.slug })),
      stats: s,
      // The admin pages are English; times readable, in UTC as labelled.
      updatedAt: formatUtcDateTime('en', new Date(s.updatedAt)),
      ...dashboardTables(s),
      recent,
      review,
      // Every row, public or not, with whether the public sees it; and the writers' notes (never public).
      replies: replies && {
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
      civicData: civicDataSummary(),
      reintroduction: reintroductionSection(campaign, options.adoptForm),
    });
  }

  /** Held letters, bursts of the last week and set-asides, for the dashboard's count review. */
  async function countReview(campaign: string) {
    const now = clock.now();
    const threshold = Math.ceil(config.countCaps.districtPerHour / 2);
    const [held, bursts, setAsides] = await Promise.all([
      heldSummary(storage.db, campaign),
      findBursts(storage.db, campaign, new Date(now.getTime() - BURST_LOOKBACK_MS), threshold),
      listSetAsides(storage.db, campaign),
    ]);
    return {
      held,
      heldTotal: held.mailbox + held.district,
      caps: config.countCaps,
      threshold,
      bursts: bursts.map((b) => ({
        ...b,
        name: districtLabel(b.district),
        time: formatUtcDateTime('en', new Date(`${b.hour}:00:00Z`)),
      })),
      setAsides: setAsides.map((a) => ({
        ...a,
        window: `${formatUtcDateTime('en', new Date(a.from_at))} to ${formatUtcDateTime('en', new Date(a.to_at))}`,
        districtName: a.district ? districtLabel(a.district) : 'all districts',
      })),
    };
  }

  /** Back to the dashboard's count review after a change, with its counts read again. */
  function backToReview(res: Response, campaign: string): void {
    stats.invalidate(campaign);
    res.redirect(303, `/admin?campaign=${encodeURIComponent(campaign)}#count-review`);
  }

  const setAside: RequestHandler = async (req, res) => {
    const form = SetAsideForm.parse(req.body ?? {});
    const campaign = campaignOrNotFound(deps, form.campaign).slug;
    const from = new Date(`${form.from.length === 13 ? `${form.from}:00` : form.from}:00Z`);
    if (Number.isNaN(from.getTime())) throw ValidationError.forField('from', 'messages.invalidValue');
    await setAsideWindow(storage.db, {
      campaign,
      from,
      to: new Date(from.getTime() + form.hours * 60 * 60 * 1000),
      ...(form.district ? { district: form.district } : {}),
      reason: form.reason,
      at: clock.now(),
    });
    backToReview(res, campaign);
  };

  const restoreSetAsideWindow: RequestHandler = async (req, res) => {
    const { campaign } = CampaignForm.parse(req.body ?? {});
    const slug = campaignOrNotFound(deps, campaign).slug;
    await restoreSetAside(storage.db, String(req.params.id), clock.now());
    backToReview(res, slug);
  };

  /**
   * Adopts the reintroduced bills chosen on the dashboard. Each choice must be a candidate the refresh
   * stored for the campaign's ended bill in that chamber; otherwise the dashboard comes back with the
   * error at the field and nothing changes.
   */
  const adoptBills: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const campaign = campaignOrNotFound(deps, CampaignForm.parse(body).campaign);
    const parsed = AdoptForm.safeParse(body);
    const chosen = {
      senate: typeof body.senate === 'string' ? body.senate.slice(0, 40) : undefined,
      house: typeof body.house === 'string' ? body.house.slice(0, 40) : undefined,
    };
    const errors: AdoptErrors = {};
    for (const issue of parsed.error?.issues ?? []) {
      const field = issue.path[0];
      if (field === 'senate' || field === 'house') errors[field] = issue.message;
    }
    const situation = deps.asks.situation(campaign);
    const picked: Partial<Record<Chamber, ReintroductionCandidate>> = {};
    if (parsed.success) {
      const stored = loadReintroductions(config.dataDir).candidates;
      for (const chamber of ['senate', 'house'] as const) {
        const match = stored.find(
          (c) =>
            c.chamber === chamber &&
            candidateKey(c) === parsed.data[chamber] &&
            c.replaces === situation.bills[chamber].id,
        );
        if (!situation.expired) {
          errors[chamber] =
            `The campaign’s ${situation.bills[chamber].label} is not waiting for a reintroduction (its Congress has not ended, or new numbers were adopted already). Reload the page.`;
        } else if (!match) {
          errors[chamber] =
            `${parsed.data[chamber]} is not a bill found for ${situation.bills[chamber].label}. Choose one of the bills listed.`;
        } else {
          picked[chamber] = match;
        }
      }
    }
    if (!picked.senate || !picked.house) {
      await renderDashboard(res, campaign, { status: 400, adoptForm: { chosen, errors } });
      return;
    }
    await adoptReintroducedBill(storage.db, {
      campaign: campaign.slug,
      bills: { senate: picked.senate, house: picked.house },
      at: clock.now(),
    });
    deps.adoptedBills?.invalidate();
    res.redirect(303, `/admin?campaign=${encodeURIComponent(campaign.slug)}#reintroduction`);
  };

  // Undo: the campaign's bills as before its latest adoption (and the "reintroduce" ask, once they died).
  const undoBills: RequestHandler = async (req, res) => {
    const { campaign } = CampaignForm.parse(req.body ?? {});
    const slug = campaignOrNotFound(deps, campaign).slug;
    await undoAdoptedBills(storage.db, { campaign: slug, at: clock.now() });
    deps.adoptedBills?.invalidate();
    res.redirect(303, `/admin?campaign=${encodeURIComponent(slug)}#reintroduction`);
  };

  const releaseHeld: RequestHandler = async (req, res) => {
    const { campaign } = CampaignForm.parse(req.body ?? {});
    const slug = campaignOrNotFound(deps, campaign).slug;
    await releaseHeldCounts(storage.db, slug);
    backToReview(res, slug);
  };

  const countsCsv: RequestHandler = async (_req, res) => {
    const rows = await storage.db
      .selectFrom('counters')
      .select(['campaign', 'dimension', 'key', 'count'])
      .orderBy('campaign')
      .orderBy('dimension')
      .orderBy('key')
      .execute();
    const csv = csvDownload(res, 'counts.csv', ['campaign', 'congress', 'dimension', 'key', 'count']);
    for (const r of rows) {
      // Per-Congress keys start "119:"; the all-time dimensions have no Congress.
      const perCongress = r.dimension === 'district' || r.dimension.startsWith('congress');
      const congress = perCongress ? r.key.split(':')[0] : '';
      csv.write([r.campaign, congress, r.dimension, r.key, Number(r.count)]);
    }
    csv.end();
  };

  const lettersCsv: RequestHandler = async (req, res) => {
    const campaign =
      typeof req.query.campaign === 'string' ? campaignOrNotFound(deps, req.query.campaign).slug : undefined;
    const csv = csvDownload(
      res,
      'letters.csv',
      SHARED_LETTER_COLUMNS.map((key) => LETTER_EXPORT_HEADERS[key] ?? key),
    );
    // Keyset pages: the export never holds every letter in memory.
    let after: { created_at: string; id: string } | undefined;
    for (;;) {
      const page = await sharedLettersPage(storage.db, { campaign, after, limit: EXPORT_PAGE });
      for (const l of page) {
        csv.write(SHARED_LETTER_COLUMNS.map((key) => l[key]));
      }
      if (page.length < EXPORT_PAGE) break;
      const last = page[page.length - 1]!;
      after = { created_at: last.created_at, id: last.id };
    }
    csv.end();
  };

  /** Every member's replies row, public or not (the organiser's view of "did they answer?"). */
  const repliesCsv: RequestHandler = async (req, res) => {
    const campaign = campaignFromQuery(req);
    const replies = deps.replyStats ? await deps.replyStats.forCampaign(campaign.slug) : undefined;
    const csv = csvDownload(res, 'replies.csv', [...REPLY_EXPORT_COLUMNS]);
    for (const m of replies?.members ?? []) {
      csv.write([
        campaign.slug,
        m.congress,
        m.bill ?? '',
        m.bioguide,
        memberLabel(deps, m.bioguide),
        m.delivered,
        m.asked,
        m.answers,
        m.replied,
        m.replyShare === null ? '' : m.replyShare.toFixed(3),
        m.medianDaysToReply ?? '',
        m.stances.support,
        m.stances.oppose,
        m.stances.undecided,
        m.stances.unstated,
        m.formLetters,
        m.answersUpTo ?? '',
        m.public ? 'yes' : 'no',
      ]);
    }
    csv.end();
  };

  const statsJson: RequestHandler = async (req, res) => {
    const campaign = campaignFromQuery(req);
    const s = await stats.getCampaignStats(campaign.slug);
    res.json({
      ...s,
      byMember: s.byMember.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
      topMembers: s.topMembers.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    });
  };

  /** The latest letters, without any personal field, with the channels each went through. */
  async function recentLetters(campaign: string) {
    const letters = await latestLetters(storage.db, campaign, RECENT_LETTERS);
    const ids = letters.map((l) => l.id);
    // A channel action happens after its letter was written: bounding by the oldest recent letter lets
    // the existing (campaign, created_at) index do the work, with no index on letter_id needed.
    const since = letters[letters.length - 1]?.created_at;
    const actions = since
      ? await storage.db
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
    return letters.map((l) => ({
      createdAt: formatUtcDateTime('en', new Date(l.created_at)),
      member: memberLabel(deps, l.bioguide),
      state: l.state,
      district: l.chamber === 'house' && l.district !== null ? districtLabel(`${l.state}-${l.district}`) : '',
      status: l.status.replace(/_/g, ' '),
      channels: (channels.get(l.id) ?? []).join(', ') || 'none yet',
    }));
  }

  function dashboardTables(s: CampaignStats) {
    return {
      channelTotals: ACTION_KINDS.map((kind) => ({
        kind,
        name: CHANNEL_NAMES[kind],
        total: s.byChannel[kind],
        senate: s.channels.byChamber.senate[kind],
        house: s.channels.byChamber.house[kind],
      })),
      days: [...s.channels.byDay].reverse(),
      states: s.channels.byState.map((r) => ({ ...r, name: STATE_NAMES[r.state] ?? r.state })),
      districts: s.byDistrict.map((d) => ({ ...d, name: `${districtLabel(d.district)} (${d.congress})` })),
      members: s.byMember.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
    };
  }

  return {
    dashboard,
    setAside,
    restoreSetAside: restoreSetAsideWindow,
    releaseHeld,
    adoptBills,
    undoBills,
    countsCsv,
    lettersCsv,
    repliesCsv,
    statsJson,
  };
}
