/**
 * replies/answer-pages: the pages behind the "did your members reply?" email: the question (each letter
 * with what was answered so far) and one letter's answer form.
 */
import { BioguideId } from '../civic-data/members-import';
import { NotFoundError } from '../platform/errors';
import { formatLongDate, type PageLanguage } from '../platform/i18n-format';
import type { Message } from '../platform/messages';
import { STANCES, YES_NO_UNSURE, type QuestionView } from './reply-service';

/** A letter's answer as the pages show it: what was said, in the page's language. */
function summary(page: PageLanguage, letter: QuestionView['letters'][number]): string | undefined {
  if (letter.answer === 'no_reply') return page.t('replies.page.summaryNoReply');
  if (letter.answer !== 'replied') return undefined;
  const stance = letter.stance ? page.t(`replies.stance.${letter.stance}`) : page.t('replies.stance.unknown');
  return page.t('replies.page.summaryReplied', { stance });
}

/** The question page: every letter of the batch with its answer so far; `saved` after an answer. */
export function buildQuestionPageView(page: PageLanguage, token: string, view: QuestionView, saved: boolean) {
  return {
    title: page.t('replies.page.title'),
    token,
    open: view.open,
    closesOn: formatLongDate(page.language, view.closesAt.slice(0, 10)),
    saved,
    letters: view.letters.map((l) => ({ ...l, summary: summary(page, l) })),
  };
}

/**
 * One letter's answer form: the stored answer, or what was typed with the problems at their fields.
 * `noReplyFirst` when the email's "No reply yet" link led here (that button first, not the form).
 */
export function buildAnswerPageView(
  page: PageLanguage,
  input: {
    token: string;
    bioguide: string;
    view: QuestionView;
    today: string;
    noReplyFirst: boolean;
    typed?: Record<string, unknown>;
    fieldErrors?: Record<string, Message>;
  },
) {
  const { token, bioguide, view, fieldErrors = {} } = input;
  const letter = BioguideId.safeParse(bioguide).success
    ? view.letters.find((l) => l.bioguide === bioguide)
    : undefined;
  if (!letter) throw new NotFoundError('messages.replies.linkInvalid');
  const form = input.typed ?? {
    about: letter.about,
    stance: letter.stance,
    form: letter.form,
    repliedOn: letter.repliedOn ?? '',
    note: letter.note ?? '',
  };
  const choices = (field: 'about' | 'stance' | 'form', values: readonly string[], keyPrefix: string) =>
    values.map((value) => ({ value, label: page.t(keyPrefix + value), checked: form[field] === value }));
  return {
    title: page.t('replies.answer.title', { name: letter.recipientName }),
    token,
    letter,
    open: view.open,
    closesOn: formatLongDate(page.language, view.closesAt.slice(0, 10)),
    noReplyFirst: input.noReplyFirst,
    current: summary(page, letter),
    form,
    fieldErrors,
    errors: Object.entries(fieldErrors).map(([field, message]) => ({ field, message })),
    today: input.today,
    choices: {
      about: choices('about', YES_NO_UNSURE, 'replies.answer.about_'),
      stance: choices('stance', STANCES, 'replies.stance.'),
      form: choices('form', YES_NO_UNSURE, 'replies.answer.form_'),
    },
  };
}
