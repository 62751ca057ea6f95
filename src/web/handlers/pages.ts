/**
 * web/handlers/pages: the no-JavaScript journey. Find members (GET, so the result page can be bookmarked),
 * write (compose), review, save. Every form re-renders itself with the person's text when input is bad.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Campaign } from '../../campaign/campaign';
import { congressAt, congressDates, ordinal } from '../../civic-data/congress';
import type { Member } from '../../civic-data/types';
import {
  renderDefaultBody,
  renderLetterTranslation,
  letterAsText,
  SENDER_PREFIXES,
} from '../../letters/letter';
import { constituencyOf, geocodedDistrict } from '../../lookup/constituency';
import { findMembersForAddress, type LookupResult } from '../../lookup/find-members';
import { ValidationError } from '../../platform/errors';
import { isRightToLeft } from '../../platform/i18n-format';
import type { Message } from '../../platform/messages';
import { districtGoalProgress } from '../../tracking/district-goals';
import { getRunningTotal } from '../../tracking/stats';
import { boardLinesFor } from '../reply-board';
import type { AppDeps } from '../deps';
import { formatList, formatLongDate } from '../i18n';

/** A referral code (`?ref=`, src/campaign/share.ts): anything else is dropped, never an error. */
const ReferralCode = z
  .string()
  .regex(/^[\w-]{1,64}$/)
  .optional()
  .catch(undefined);

const LookupQuery = z.object({
  ref: ReferralCode,
  address: z.string().max(10_000).optional(),
  district: z.string().max(10).optional(),
  lat: z.coerce.number().min(-90).max(90).optional().catch(undefined),
  lon: z.coerce.number().min(-180).max(180).optional().catch(undefined),
});

/** The compose/review form as posted: repeated `member` fields and one `body_<bioguide>` per member. */
const LetterForm = z
  .object({
    name: z.string().max(2000).default(''),
    email: z.string().max(2000).default(''),
    street: z.string().max(2000).default(''),
    city: z.string().max(2000).default(''),
    state: z.string().max(100).default(''),
    zip: z.string().max(100).default(''),
    prefix: z.string().max(20).optional(),
    phone: z.string().max(100).optional(),
    address: z.string().max(10_000).default(''),
    district: z.string().max(10).default(''),
    personalNote: z.string().max(20_000).default(''),
    shareWithCampaign: z.string().max(10).optional(),
    ref: ReferralCode,
    member: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((m) => (m === undefined ? [] : Array.isArray(m) ? m : [m])),
  })
  .catchall(z.string().max(60_000));

type LetterFormValues = z.infer<typeof LetterForm>;

function bodiesFrom(form: LetterFormValues): Record<string, string> {
  const bodies: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key.startsWith('body_') && typeof value === 'string') bodies[key.slice(5)] = value;
  }
  return bodies;
}

export function createPageHandlers(deps: AppDeps) {
  const { campaigns, civic, letters, hbs } = deps;

  function campaignFor(req: Request): Campaign {
    const slug = typeof req.params.slug === 'string' ? req.params.slug : campaigns.defaultSlug;
    return campaigns.get(slug);
  }

  const stats = deps.stats;

  async function renderHome(res: Response, campaign: Campaign, extra: object = {}, status = 200) {
    // The running total is a nicety: a database outage must not take the address form down with it.
    const total = await getRunningTotal(stats, campaign.slug).catch(() => undefined);
    const texts = campaign.textsIn(res.req.language);
    const situation = deps.asks.situation(campaign);
    const lng = res.req.language;
    res.status(status).render('campaign/home', {
      title: texts.title,
      campaign,
      texts,
      total,
      bills: situation.bills,
      statuses: (['senate', 'house'] as const).map((chamber) => {
        const bill = situation.bills[chamber];
        // The bill's own record when imported (its latest action, dated); else the campaign's text, dated.
        const latest = deps.billRecords?.get(bill.id)?.latestAction;
        if (latest) {
          return {
            label: bill.label,
            text: latest.text,
            lang: 'en',
            asOf: formatLongDate(lng, latest.date),
            fromRecord: true,
          };
        }
        return {
          label: bill.label,
          text: texts.billStatus?.[situation.congress]?.[chamber] ?? bill.status.text,
          lang: texts.billStatus?.[situation.congress] ? texts.lang : 'en',
          asOf: formatLongDate(lng, bill.status.asOf),
          fromRecord: false,
        };
      }),
      ...extra,
    });
  }

  /** "Introduced the bill" / "Cosponsor since 12 June 2025" / nothing, for a member card. */
  function standingOf(campaign: Campaign, member: Member, lng: string) {
    const ask = deps.asks.forMember(campaign, member);
    const sponsorship = ask.sponsorship;
    return {
      ...member,
      bill: ask.bill.label,
      introduced: sponsorship?.introduced ?? false,
      cosponsorSince:
        sponsorship && !sponsorship.introduced ? formatLongDate(lng, sponsorship.since) : undefined,
    };
  }

  const refOf = (req: Request) => ReferralCode.parse(req.query.ref);
  /** The campaign's home page: the address form (the default campaign's at /). */
  const home: RequestHandler = (req, res) => renderHome(res, campaignFor(req), { ref: refOf(req) });

  /**
   * Members for an address, narrowed to the district the link or form names once the lookup allows it
   * (one of the ZIP code's districts, or the geocoder's for a PO-box ZIP code): the rule the save applies.
   */
  async function lookup(address: string, district: string | undefined) {
    if (district) {
      const now = deps.clock.now();
      const named = { state: '', zip: '', district, lookedUp: address };
      constituencyOf(
        civic,
        named,
        now,
        await geocodedDistrict(civic, named, now, deps.locator.findForAddress),
      );
    }
    const result = findMembersForAddress(civic, { address, district: district || undefined });
    const members = result.members
      .map((m) => civic.memberByBioguide(m.bioguide))
      .filter((m): m is Member => m !== undefined);
    return { result, members };
  }

  const membersPage: RequestHandler = async (req, res) => {
    const campaign = campaignFor(req);
    const query = LookupQuery.parse(req.query);
    try {
      const result =
        query.lat !== undefined && query.lon !== undefined
          ? await deps.locator.findForPoint(query.lat, query.lon)
          : await deps.locator.findForAddress({
              address: query.address ?? '',
              district: query.district || undefined,
            });
      const members = result.members
        .map((m) => civic.memberByBioguide(m.bioguide))
        .filter((m): m is Member => m !== undefined);
      const main = result.districts[0];
      // A district settled by the person, the geocoder or the map travels on to the letter page.
      const settled =
        !result.ambiguous && main && result.precision !== 'state' && result.districts.length >= 1;
      res.render('lookup/members', {
        title: `${req.t('lookup.members.title')}: ${campaign.textsIn(req.language).shortTitle}`,
        campaign,
        address: query.address,
        ref: query.ref,
        result,
        chosenDistrict:
          settled && (query.district || result.precision === 'address' || result.precision === 'point')
            ? `${main.state}-${main.district}`
            : undefined,
        locationAvailable: deps.locator.locationAvailable,
        senators: members
          .filter((m) => m.chamber === 'senate')
          .map((m) => standingOf(campaign, m, req.language)),
        house: members.filter((m) => m.chamber === 'house').map((m) => standingOf(campaign, m, req.language)),
        districtChoices: districtChoices(result, members),
        mostOfZip: mostOfZip(result),
        canWrite: members.length > 0,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderHome(
        res,
        campaign,
        { address: query.address, errors: [{ field: 'address', message: error.userMessage }] },
        400,
      );
    }
  };

  async function renderCompose(
    res: Response,
    campaign: Campaign,
    form: Partial<LetterFormValues>,
    bodies: Record<string, string>,
    errors: Array<{ field: string; message: Message }> = [],
    status = 200,
    found?: Awaited<ReturnType<typeof lookup>>,
  ) {
    // The posted member list stands when the address no longer resolves (edited or removed by hand).
    let result: Awaited<ReturnType<typeof lookup>>['result'] | undefined;
    let members: Member[];
    try {
      ({ result, members } = found ?? (await lookup(form.address ?? '', form.district)));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      members = (form.member ?? [])
        .map((id) => civic.memberByBioguide(id))
        .filter((m): m is Member => m !== undefined);
    }
    // Between Congresses, a member whose term has ended is shown unticked with why and when their
    // seat's next holder appears; the form cannot tick them (no letter is saved or sent to them).
    const now = deps.clock.now();
    const ended = new Set(members.filter((m) => civic.termHasEnded(m, now)).map((m) => m.bioguide));
    // With an ambiguous ZIP only the senators are ticked: the person picks their own House member.
    const defaults = members
      .filter((m) => !ended.has(m.bioguide) && (!result?.ambiguous || m.chamber === 'senate'))
      .map((m) => m.bioguide);
    const posted = (form.member ?? []).filter((id) => !ended.has(id));
    const chosen = new Set(posted.length > 0 ? posted : defaults);
    const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
    const texts = campaign.textsIn(res.req.language);
    const home =
      result && !result.ambiguous && result.districts.length === 1 ? result.districts[0] : undefined;
    const districtGoal = await districtGoalProgress(
      stats,
      campaign,
      civic.meta.congress,
      home && `${home.state}-${home.district}`,
    );
    // Where each of the writer's members stands: the record and, with enough answers, what writers report.
    const standing = await boardLinesFor(
      deps,
      res.req,
      campaign,
      civic.meta.congress,
      members.map((m) => m.bioguide),
    );
    // One letter open at a time: the first with a problem, else the first.
    const firstWithError = members.findIndex((m) => errorFor(`body.${m.bioguide}`) !== undefined);
    const openIndex = Math.max(
      0,
      firstWithError >= 0 ? firstWithError : members.findIndex((m) => !ended.has(m.bioguide)),
    );
    const lng = res.req.language;
    res.status(status).render('letters/compose', {
      title: `${res.req.t('letters.compose.title')}: ${texts.shortTitle}`,
      campaign,
      texts,
      districtGoal,
      form,
      result,
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
      // The Senate's service takes only some titles: said where the title is chosen (docs/delivery.md).
      senateTitleHint:
        campaign.cwc && deps.config.cwc?.senate && members.some((m) => m.chamber === 'senate')
          ? res.req.t('cwcDelivery.senateTitleHint')
          : undefined,
      prefixes: SENDER_PREFIXES.map((value) => ({
        value,
        label: value === 'none' ? res.req.t('letters.compose.prefixNone') : value,
        selected: form.prefix === value,
      })),
      letters: members.map((member, index) => {
        const ask = deps.asks.forMember(campaign, member);
        const defaultBody = renderDefaultBody(hbs, campaign, member, ask, {
          city: form.city,
          state: form.state,
        });
        const body = bodies[member.bioguide] ?? defaultBody;
        return {
          member,
          termEnded: ended.has(member.bioguide) ? termEndedLine(member, now, lng) : undefined,
          standing: standing.get(member.bioguide),
          open: index === openIndex,
          edited: body !== defaultBody,
          chosen: chosen.has(member.bioguide),
          bill: ask.bill,
          ask: ask.kind,
          body,
          // The translation is of the campaign's support letter: beside a thank-you or a reintroduce
          // letter it would tell the person something other than what they sign.
          translation: texts.letters
            ? renderLetterTranslation(
                hbs,
                texts.letters[ask.kind][member.chamber],
                campaign,
                member,
                ask,
                form,
                { rightToLeft: isRightToLeft(texts.lang) },
              )
            : undefined,
          // "Reset to the campaign text" (public/js/app.js) starts from the textarea's initial text; only
          // when that is the person's edited text does the page carry the campaign text as well.
          defaultBody: body === defaultBody ? undefined : defaultBody,
          bodyError: errorFor(`body.${member.bioguide}`),
        };
      }),
    });
  }

  /** Why a member is not ticked between Congresses: the day their term ended, the Congress of their seat's next holder. */
  function termEndedLine(member: Member, now: Date, lng: string) {
    const next = congressAt(now);
    return {
      name: member.name,
      date: formatLongDate(lng, member.termEnd ?? congressDates(civic.meta.congress).end),
      congress: next,
      nth: ordinal(next),
    };
  }

  const writePage: RequestHandler = async (req, res) => {
    const campaign = campaignFor(req);
    const query = LookupQuery.parse(req.query);
    try {
      const found = await lookup(query.address ?? '', query.district);
      const { result } = found;
      const form = {
        address: query.address ?? '',
        district: query.district ?? '',
        street: result.parsed?.street ?? '',
        city: result.parsed?.city ?? '',
        state: result.parsed?.state ?? result.state ?? '',
        zip: result.parsed?.zip ?? '',
        ref: query.ref,
      };
      await renderCompose(res, campaign, form, {}, [], 200, found);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderHome(
        res,
        campaign,
        { address: query.address, errors: [{ field: 'address', message: error.userMessage }] },
        400,
      );
    }
  };

  const fieldLabels: Record<string, string> = {
    'sender.name': 'name',
    'sender.email': 'email',
    'sender.street': 'street',
    'sender.city': 'city',
    'sender.state': 'state',
    'sender.zip': 'zip',
    'sender.prefix': 'prefix',
    'sender.phone': 'phone',
    personalNote: 'personalNote',
    members: 'member',
  };

  function draftInputFrom(campaign: Campaign, form: LetterFormValues) {
    const bodies = bodiesFrom(form);
    return {
      bodies,
      input: {
        campaign: campaign.slug,
        sender: {
          name: form.name,
          email: form.email,
          street: form.street,
          city: form.city,
          state: form.state,
          zip: form.zip,
          ...(form.prefix !== undefined ? { prefix: form.prefix } : {}),
          ...(form.phone !== undefined ? { phone: form.phone } : {}),
        },
        personalNote: form.personalNote,
        district: form.district || undefined,
        address: form.address,
        letters: form.member.map((bioguide) => ({ bioguide, body: bodies[bioguide] })),
        shareWithCampaign: form.shareWithCampaign === 'yes',
        ref: form.ref ?? null,
      },
    };
  }

  function formErrors(error: ValidationError) {
    return Object.entries(error.fields).map(([key, message]) => ({
      field: fieldLabels[key] ?? key.replace(/^body\./, 'body_'),
      key,
      message,
    }));
  }

  /** Review: shows exactly what will be sent, or the form again with every problem marked. */
  const review: RequestHandler = async (req, res) => {
    const campaign = campaignFor(req);
    const form = LetterForm.parse(req.body ?? {});
    const { bodies, input } = draftInputFrom(campaign, form);
    if (form.member.length === 0) {
      await renderCompose(
        res,
        campaign,
        form,
        bodies,
        [{ field: 'member', message: { key: 'messages.chooseMember' } }],
        400,
      );
      return;
    }
    try {
      const draft = await letters.validateDraft(input);
      res.render('letters/review', {
        title: `${req.t('letters.review.title')}: ${campaign.textsIn(req.language).shortTitle}`,
        campaign,
        form,
        hidden: Object.entries(form).flatMap(([name, value]) =>
          Array.isArray(value)
            ? value
                .filter((v) => name !== 'member' || !draft.termEnded.some((m) => m.bioguide === v))
                .map((v) => ({ name, value: v }))
            : value === undefined
              ? []
              : [{ name, value }],
        ),
        letters: draft.letters.map(({ member, composed }) => ({
          member,
          composed,
          text: letterAsText(composed),
        })),
        // A form opened before a term ended may still name that member: they are left out, and said so.
        termEndedNames: draft.termEnded.length
          ? formatList(
              req.language,
              draft.termEnded.map((m) => m.formalName),
            )
          : undefined,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderCompose(res, campaign, form, bodies, formErrors(error), 400);
    }
  };

  /** "Change something": the compose form again, with everything the person typed. */
  const changeLetters: RequestHandler = async (req, res) => {
    const campaign = campaignFor(req);
    const form = LetterForm.parse(req.body ?? {});
    await renderCompose(res, campaign, form, bodiesFrom(form));
  };

  const saveLetters: RequestHandler = async (req, res) => {
    const campaign = campaignFor(req);
    const form = LetterForm.parse(req.body ?? {});
    const { bodies, input } = draftInputFrom(campaign, form);
    try {
      const { batchId } = await letters.saveDraftLetters(input);
      res.redirect(303, `/letters/batch/${batchId}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderCompose(res, campaign, form, bodies, formErrors(error), 400);
    }
  };

  return { home, membersPage, writePage, review, changeLetters, saveLetters };
}

const percent = (share: number | undefined): number | undefined =>
  share === undefined ? undefined : Math.round(share * 100);

/** The House candidates to choose from, each with its share of the ZIP area's land when the data gives it. */
function districtChoices(result: LookupResult, members: readonly Member[]) {
  return members
    .filter((m) => m.chamber === 'house')
    .map((member) => ({
      member,
      percent: percent(
        result.districts.find((d) => d.state === member.state && d.district === member.district)?.share,
      ),
    }));
}

/** "Most of ZIP 61801 is in IL-13": only from overlap shares, and only when one district has most of it. */
function mostOfZip(result: LookupResult) {
  const first = result.districts[0];
  if (!result.ambiguous || first?.share === undefined || first.share < 0.5) return undefined;
  return { zip: result.zip, state: first.state, district: first.district, percent: percent(first.share) };
}
