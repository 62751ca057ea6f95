/**
 * web/handlers/pages: the no-JavaScript journey. Find members (GET, so the result page can be bookmarked),
 * write (compose), review, save. Every form re-renders itself with the person's text when input is bad.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Campaign } from '../../campaign/campaign';
import { buildHomePageView } from '../../campaign/home-page';
import type { DraftInput } from '../../letters/letter-service';
import { buildReviewPageView, buildWritePageView, type WriteForm } from '../../letters/write-page';
import { buildMembersPageView, findMembersToWrite, type MembersToWrite } from '../../lookup/members-page';
import { ValidationError } from '../../platform/errors';
import type { Message } from '../../platform/messages';
import type { AppDeps } from '../deps';

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

/** The letters service's draft input and the letter bodies, from the posted form. */
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

/**
 * The draft's errors at the form's fields: the draft's `sender.name` is the form's `name`, `members` its
 * `member`, `body.<bioguide>` its `body_<bioguide>`.
 */
function formErrors(error: ValidationError) {
  return Object.entries(error.fields).map(([key, message]) => ({
    field: key === 'members' ? 'member' : key.replace(/^sender\./, '').replace(/^body\./, 'body_'),
    key,
    message,
  }));
}

export function createPageHandlers(deps: AppDeps) {
  const { campaigns, letters } = deps;

  function campaignFor(req: Request): Campaign {
    const slug = typeof req.params.slug === 'string' ? req.params.slug : campaigns.defaultSlug;
    return campaigns.get(slug);
  }

  async function renderHome(res: Response, campaign: Campaign, extra: object = {}, status = 200) {
    const view = await buildHomePageView(deps, res.req, campaign);
    res.status(status).render('campaign/home', { ...view, ...extra });
  }

  /** A lookup's page, or the home page again with the lookup's problem at the address field (400). */
  async function withLookup(
    req: Request,
    res: Response,
    use: (campaign: Campaign, query: z.infer<typeof LookupQuery>) => Promise<void>,
  ) {
    const campaign = campaignFor(req);
    const query = LookupQuery.parse(req.query);
    try {
      await use(campaign, query);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = [{ field: 'address', message: error.userMessage }];
      await renderHome(res, campaign, { address: query.address, errors }, 400);
    }
  }

  async function renderCompose(
    res: Response,
    campaign: Campaign,
    form: WriteForm,
    bodies: Record<string, string>,
    errors: Array<{ field: string; message: Message }> = [],
    status = 200,
    found?: MembersToWrite,
  ) {
    const view = await buildWritePageView(deps, res.req, campaign, { form, bodies, errors, found });
    res.status(status).render('letters/compose', view);
  }

  /** The posted letter form: the compose page again with its problems (400) unless `use` accepts the draft. */
  async function withDraft(
    req: Request,
    res: Response,
    use: (input: DraftInput, campaign: Campaign, form: LetterFormValues) => Promise<void>,
  ) {
    const campaign = campaignFor(req);
    const form = LetterForm.parse(req.body ?? {});
    const { bodies, input } = draftInputFrom(campaign, form);
    try {
      await use(input, campaign, form);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderCompose(res, campaign, form, bodies, formErrors(error), 400);
    }
  }

  return {
    /** The campaign's home page: the address form (the default campaign's at /). */
    home: (req, res) => renderHome(res, campaignFor(req), { ref: ReferralCode.parse(req.query.ref) }),

    membersPage: (req, res) =>
      withLookup(req, res, async (campaign, query) => {
        const result =
          query.lat !== undefined && query.lon !== undefined
            ? await deps.locator.findForPoint(query.lat, query.lon)
            : await deps.locator.findForAddress({
                address: query.address ?? '',
                district: query.district || undefined,
              });
        res.render('lookup/members', buildMembersPageView(deps, req, campaign, query, result));
      }),

    writePage: (req, res) =>
      withLookup(req, res, async (campaign, query) => {
        const found = await findMembersToWrite(deps, query.address ?? '', query.district);
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
      }),

    /** Review: shows exactly what will be sent, or the form again with every problem marked. */
    review: (req, res) =>
      withDraft(req, res, async (input, campaign, form) => {
        if (input.letters.length === 0) throw ValidationError.forField('members', 'messages.chooseMember');
        const draft = await letters.validateDraft(input);
        res.render('letters/review', buildReviewPageView(req, campaign, form, draft));
      }),

    /** "Change something": the compose form again, with everything the person typed. */
    changeLetters: async (req, res) => {
      const form = LetterForm.parse(req.body ?? {});
      await renderCompose(res, campaignFor(req), form, bodiesFrom(form));
    },

    saveLetters: (req, res) =>
      withDraft(req, res, async (input) => {
        const { batchId } = await letters.saveDraftLetters(input);
        res.redirect(303, `/letters/batch/${batchId}`);
      }),
  } satisfies Record<string, RequestHandler>;
}
