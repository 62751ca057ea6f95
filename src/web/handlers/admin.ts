/**
 * web/handlers/admin: the campaign organisers' view (its guards and sign-in: src/web/admin-session.ts).
 * It shows counts and recent letters without personal data. The only personal data that leaves is the
 * letters CSV, limited to senders who ticked "share with the campaign", and without their email or
 * street address.
 */
import type { Request, RequestHandler, Response } from 'express';
import { stringify, type Stringifier } from 'csv-stringify';
import { z } from 'zod';
import { adoptReintroducedBill, checkAdoptChoice, undoAdoptedBills } from '../../campaign/adopted-bills';
import type { Campaign } from '../../campaign/campaign';
import { SHARED_LETTER_COLUMNS, sharedLetters } from '../../letters/letter-store';
import { ValidationError } from '../../platform/errors';
import { buildAdminDashboardView } from '../../tracking/admin-dashboard';
import { releaseHeldCounts, restoreSetAside, setAsideWindow } from '../../tracking/count-review';
import { memberLabel } from '../../tracking/labels';
import { listCounters } from '../../tracking/stats';
import type { AdminSession } from '../admin-session';
import { REPLY_EXPORT } from '../../replies/responsiveness';
import type { AppDeps } from '../deps';

const CampaignForm = z.object({ campaign: z.string().max(64) });

/** "Set these letters aside": a window of whole hours from `from` (UTC), one district or all, and why. */
const SetAsideForm = CampaignForm.extend({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}(?::\d{2})?$/, 'messages.invalidValue'),
  hours: z.coerce.number().int().min(1).max(744).default(1), // at most 31 days
  district: z
    .string()
    .regex(/^[A-Z]{2}-\d{1,2}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  reason: z.string().trim().min(1, 'messages.invalidValue').max(500),
});
/**
 * "Adopt the chosen numbers": a candidate, by its key ("120-s-12"), in one chamber or both; a chamber left
 * unchosen keeps its reintroduce ask (its bill is often reintroduced weeks after the other's). The keys are
 * checked against the candidates found (checkAdoptChoice); what was sent is kept, cut short, to show again.
 */
const CandidateChoice = z
  .string()
  .transform((key) => key.slice(0, 40))
  .optional()
  .catch(undefined);
const AdoptForm = CampaignForm.extend({ senate: CandidateChoice, house: CandidateChoice });
/** "Undo": the chamber whose latest adoption is taken back. */
const UndoForm = CampaignForm.extend({ chamber: z.enum(['senate', 'house']) });

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

/** Starts a CSV download with its header row; write rows to it, then `end()` it. */
function csvDownload(res: Response, filename: string, columns: string[]): Stringifier {
  res.attachment(filename);
  const csv = stringify({ ...CSV_OPTIONS, header: true, columns });
  csv.pipe(res);
  return csv;
}

/** The handlers of the admin routes (src/web/routes.ts guards them with src/web/admin-session.ts). */
export function createAdminHandlers(deps: AppDeps, session: Pick<AdminSession, 'has' | 'renderLogin'>) {
  const { config, clock, storage, stats } = deps;

  function campaignFromQuery(req: Request): Campaign {
    const slug = typeof req.query.campaign === 'string' ? req.query.campaign : deps.campaigns.defaultSlug;
    return deps.campaigns.get(slug);
  }

  /** Back to the dashboard's count review after a change, with its counts read again. */
  function backToReview(res: Response, campaign: string): void {
    stats.invalidate(campaign);
    res.redirect(303, `/admin?campaign=${encodeURIComponent(campaign)}#count-review`);
  }

  return {
    dashboard: async (req, res) => {
      if (!(await session.has(req))) {
        session.renderLogin(res, 200);
        return;
      }
      res.render('admin/dashboard', await buildAdminDashboardView(deps, campaignFromQuery(req)));
    },

    setAside: async (req, res) => {
      const form = SetAsideForm.parse(req.body ?? {});
      const campaign = deps.campaigns.get(form.campaign).slug;
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
    },

    restoreSetAside: async (req, res) => {
      const { campaign } = CampaignForm.parse(req.body ?? {});
      const slug = deps.campaigns.get(campaign).slug;
      await restoreSetAside(storage.db, String(req.params.id), clock.now());
      backToReview(res, slug);
    },

    /** Adopts the bills chosen on the dashboard; a wrong choice brings the dashboard back with its error. */
    adoptBills: async (req, res) => {
      const { campaign: slug, ...chosen } = AdoptForm.parse(req.body ?? {});
      const campaign = deps.campaigns.get(slug);
      const { picked, errors } = checkAdoptChoice(deps.asks.situation(campaign), chosen, config.dataDir);
      if (Object.keys(errors).length > 0 || (!picked.senate && !picked.house)) {
        const view = await buildAdminDashboardView(deps, campaign, { chosen, errors });
        res.status(400).render('admin/dashboard', view);
        return;
      }
      await adoptReintroducedBill(storage.db, { campaign: campaign.slug, bills: picked, at: clock.now() });
      deps.adoptedBills.invalidate();
      res.redirect(303, `/admin?campaign=${encodeURIComponent(campaign.slug)}#reintroduction`);
    },

    // Undo: the chamber named reads its bill as before its latest adoption (and asks for a reintroduction
    // again, its bill having died); the other chamber's adoption stands.
    undoBills: async (req, res) => {
      const { campaign, chamber } = UndoForm.parse(req.body ?? {});
      const slug = deps.campaigns.get(campaign).slug;
      await undoAdoptedBills(storage.db, { campaign: slug, chamber, at: clock.now() });
      deps.adoptedBills.invalidate();
      res.redirect(303, `/admin?campaign=${encodeURIComponent(slug)}#reintroduction`);
    },

    releaseHeld: async (req, res) => {
      const { campaign } = CampaignForm.parse(req.body ?? {});
      const slug = deps.campaigns.get(campaign).slug;
      await releaseHeldCounts(storage.db, slug);
      backToReview(res, slug);
    },

    countsCsv: async (_req, res) => {
      const csv = csvDownload(res, 'counts.csv', ['campaign', 'congress', 'dimension', 'key', 'count']);
      for (const r of await listCounters(storage.db)) {
        csv.write([r.campaign, r.congress, r.dimension, r.key, r.count]);
      }
      csv.end();
    },

    lettersCsv: async (req, res) => {
      const campaign =
        typeof req.query.campaign === 'string' ? deps.campaigns.get(req.query.campaign).slug : undefined;
      const csv = csvDownload(
        res,
        'letters.csv',
        SHARED_LETTER_COLUMNS.map((key) => LETTER_EXPORT_HEADERS[key] ?? key),
      );
      for await (const l of sharedLetters(storage.db, campaign)) {
        csv.write(SHARED_LETTER_COLUMNS.map((key) => l[key]));
      }
      csv.end();
    },

    /** Every member's replies row, public or not (the organiser's view of "did they answer?"). */
    repliesCsv: async (req, res) => {
      const campaign = campaignFromQuery(req);
      const replies = await deps.replyStats.forCampaign(campaign.slug);
      const csv = csvDownload(
        res,
        'replies.csv',
        REPLY_EXPORT.map(([column]) => column),
      );
      for (const m of replies.members) {
        const name = memberLabel(deps, m.bioguide);
        csv.write(REPLY_EXPORT.map(([, value]) => value(m, campaign.slug, name)));
      }
      csv.end();
    },

    statsJson: async (req, res) => {
      const campaign = campaignFromQuery(req);
      const s = await stats.getCampaignStats(campaign.slug);
      res.json({
        ...s,
        byMember: s.byMember.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
        topMembers: s.topMembers.map((m) => ({ ...m, name: memberLabel(deps, m.bioguide) })),
      });
    },
  } satisfies Record<string, RequestHandler>;
}
