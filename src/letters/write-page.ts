/**
 * letters/write-page: the compose page (one letter per member, the person's own text kept) and the review
 * page (exactly what will be sent), as their templates show them.
 */
import type { AskResolver } from '../campaign/asks';
import type { Campaign } from '../campaign/campaign';
import { congressAt, congressDates, ordinal } from '../civic-data/congress';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import type { Config } from '../config/config';
import { findMembersToWrite, type MembersToWrite } from '../lookup/members-page';
import type { MemberLocator } from '../lookup/locate';
import type { Clock } from '../platform/clock';
import { ValidationError } from '../platform/errors';
import type { HandlebarsInstance } from '../platform/handlebars';
import { formatList, formatLongDate, isRightToLeft, type PageLanguage } from '../platform/i18n-format';
import type { Message } from '../platform/messages';
import { boardLinesFor } from '../replies/board-view';
import type { ResponsivenessService } from '../replies/responsiveness';
import { districtGoalProgress } from '../tracking/district-goals';
import type { StatsService } from '../tracking/stats';
import { letterAsText, renderDefaultBody, renderLetterTranslation, SENDER_PREFIXES } from './letter';
import type { LetterService } from './letter-service';

export interface WritePageDeps {
  config: Pick<Config, 'cwc'>;
  civic: CivicIndex;
  clock: Clock;
  asks: AskResolver;
  stats: StatsService;
  hbs: HandlebarsInstance;
  locator: Pick<MemberLocator, 'findForAddress'>;
  replyStats: ResponsivenessService;
}

/** The compose form's fields as the page shows them again (what the person typed, or the lookup's). */
export interface WriteForm {
  address?: string;
  district?: string;
  city?: string;
  state?: string;
  prefix?: string;
  member?: string[];
}

/**
 * The compose page: a letter per member of the address (or, when it no longer resolves, of the posted
 * list), each with the campaign's text or the person's, and every problem at its field.
 */
export async function buildWritePageView(
  deps: WritePageDeps,
  page: PageLanguage,
  campaign: Campaign,
  input: {
    form: WriteForm;
    bodies: Record<string, string>;
    errors?: Array<{ field: string; message: Message }>;
    /** The lookup, when the caller has made it already. */
    found?: MembersToWrite;
  },
) {
  const { civic } = deps;
  const { form, bodies, errors = [], found } = input;
  // The posted member list stands when the address no longer resolves (edited or removed by hand).
  let result: MembersToWrite['result'] | undefined;
  let members: Member[];
  try {
    ({ result, members } = found ?? (await findMembersToWrite(deps, form.address ?? '', form.district)));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    members = (form.member ?? []).map((id) => civic.memberByBioguide(id)).filter((m) => m !== undefined);
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
  const texts = campaign.textsIn(page.language);
  const home = result && !result.ambiguous && result.districts.length === 1 ? result.districts[0] : undefined;
  const districtGoal = await districtGoalProgress(deps, campaign, home && `${home.state}-${home.district}`);
  // Where each of the writer's members stands: the record and, with enough answers, what writers report.
  const standing = await boardLinesFor(
    deps,
    page,
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
  return {
    title: `${page.t('letters.compose.title')}: ${texts.shortTitle}`,
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
        ? page.t('cwcDelivery.senateTitleHint')
        : undefined,
    prefixes: SENDER_PREFIXES.map((value) => ({
      value,
      label: value === 'none' ? page.t('letters.compose.prefixNone') : value,
      selected: form.prefix === value,
    })),
    letters: members.map((member, index) => {
      const ask = deps.asks.forMember(campaign, member);
      const defaultBody = renderDefaultBody(deps.hbs, campaign, member, ask, {
        city: form.city,
        state: form.state,
      });
      const body = bodies[member.bioguide] ?? defaultBody;
      return {
        member,
        termEnded: ended.has(member.bioguide) ? termEndedLine(civic, member, now, page.language) : undefined,
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
              deps.hbs,
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
  };
}

/** Why a member is not ticked between Congresses: the day their term ended, the Congress of their seat's next holder. */
function termEndedLine(civic: CivicIndex, member: Member, now: Date, lng: string) {
  const next = congressAt(now);
  return {
    name: member.name,
    date: formatLongDate(lng, member.termEnd ?? congressDates(civic.meta.congress).end),
    congress: next,
    nth: ordinal(next),
  };
}

type Draft = Awaited<ReturnType<LetterService['validateDraft']>>;

/** The review page: exactly what will be sent, and the form's fields to send it or change it. */
export function buildReviewPageView(
  page: PageLanguage,
  campaign: Campaign,
  form: Record<string, string | string[] | undefined>,
  draft: Draft,
) {
  return {
    title: `${page.t('letters.review.title')}: ${campaign.textsIn(page.language).shortTitle}`,
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
          page.language,
          draft.termEnded.map((m) => m.formalName),
        )
      : undefined,
  };
}
