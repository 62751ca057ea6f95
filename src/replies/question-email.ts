/**
 * replies/question-email: renders the "did your members reply?" email (round 1) and its reminder (round 2)
 * for an outbox row, from the database, in the language the writer used. Each member has one link per
 * answer; the links open pages whose buttons POST, so a mail scanner that follows them answers nothing.
 * A closed question (or one whose writer deleted their data) is never sent: the address is no longer used.
 */
import type { Campaign } from '../campaign/campaign';
import { createEmailComposer } from '../delivery/email-content';
import { safeDisplayName, sanitizeHeaderText } from '../delivery/email-headers';
import { PermanentDeliveryError, type OutgoingMail } from '../delivery/mailer';
import type { OutboxRow } from '../delivery/outbox';
import { findBatch } from '../letters/letter-store';
import type { HandlebarsInstance } from '../platform/handlebars';
import { textIn } from '../platform/messages';
import type { Storage } from '../storage/database';
import { askedLettersOfBatch, findEmailRound, findQuestion } from './reply-store';
import { replyToken } from './reply-token';
import { trimEnd } from '../platform/text';
import { formatLongDate, isRightToLeft } from '../platform/i18n-format';

interface QuestionEmailDeps {
  storage: Storage;
  campaigns: { get(slug: string): Campaign };
  hbs: HandlebarsInstance;
  templatesDir: string;
  publicUrl: string;
  mailFrom: string;
  appSecret: string;
  /** The delays the intro mentions ("about 14 days ago"). */
  askAfterDays: number;
  reminderAfterDays: number;
  /** When the question closes (the service's rule), to tell the writer until when they can answer. */
  closesAt(question: NonNullable<Awaited<ReturnType<typeof findQuestion>>>): string;
}

export function createQuestionEmailRenderer(
  deps: QuestionEmailDeps,
): (row: OutboxRow) => Promise<OutgoingMail> {
  const { toWriter } = createEmailComposer(deps);
  const publicUrl = trimEnd(deps.publicUrl, '/');

  return async (row) => {
    const round = await findEmailRound(deps.storage.db, row.id);
    const question = await findQuestion(deps.storage.db, row.batch_id);
    if (!round || !question) throw new PermanentDeliveryError('reply_question_not_found');
    if (question.state === 'closed') throw new PermanentDeliveryError('reply_question_closed');
    const letters = await findBatch(deps.storage.db, row.batch_id);
    const writer = letters.find((l) => l.sender_email !== null && l.purged_at === null);
    if (!writer?.sender_email) throw new PermanentDeliveryError('personal_data_deleted');
    const asked = await askedLettersOfBatch(deps.storage.db, row.batch_id);
    const reminder = round.round === 2;
    const listed = reminder ? asked.filter((a) => a.answer === 'no_reply') : asked;
    if (listed.length === 0) throw new PermanentDeliveryError('reply_nothing_to_ask');
    const lang = question.lang;
    const t = (key: string, values = {}) => textIn(lang, `replies.email.${key}`, values);
    const token = replyToken(deps.appSecret, row.batch_id);
    const pageUrl = `${publicUrl}/replies/${token}?lang=${lang}`;
    const names = new Map(letters.map((l) => [l.id, l.recipient_name]));
    // The campaign's own translation of its title, where it has one (English otherwise).
    const campaignTitle = deps.campaigns.get(question.campaign).textsIn(lang).title;
    const name = safeDisplayName(writer.sender_name ?? '');
    const subject = sanitizeHeaderText(t(reminder ? 'subjectReminder' : 'subject'));
    const context = {
      lang,
      dir: isRightToLeft(lang) ? 'rtl' : 'ltr',
      subject,
      hello: name ? t('hello', { name }) : t('helloAnonymous'),
      intro: reminder
        ? t('introReminder', { days: deps.reminderAfterDays })
        : t('intro', { days: deps.askAfterDays, campaign: campaignTitle }),
      members: listed.map((a) => ({
        name: names.get(a.letter_id ?? '') ?? a.bioguide,
        repliedUrl: `${publicUrl}/replies/${token}/${a.bioguide}?answer=replied&lang=${lang}`,
        noReplyUrl: `${publicUrl}/replies/${token}/${a.bioguide}?answer=no_reply&lang=${lang}`,
      })),
      replied: t('replied'),
      noReply: t('noReply'),
      howItCounts: t('howItCounts'),
      closes: t('closes', { date: formatLongDate(lang, deps.closesAt(question).slice(0, 10)) }),
      pageLabel: t('pageLabel'),
      pageUrl,
      why: t('why'),
      deleteLabel: t('deleteLabel'),
      deleteUrl: `${publicUrl}/letters/batch/${row.batch_id}/delete`,
      campaignTitle,
    };
    return toWriter(row, writer.sender_email, subject, 'reply-question', context);
  };
}
