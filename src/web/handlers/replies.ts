/**
 * web/handlers/replies: the pages behind the "did your members reply?" email (src/replies). The token in
 * the path is the batch's signed answer token; GET pages only show, and only their buttons' POSTs (with
 * the CSRF token) answer, so a link scanner that opens every link in the email changes nothing.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../platform/errors';
import type { QuestionView } from '../../replies/reply-service';
import type { AppDeps } from '../deps';
import { formatLongDate } from '../i18n';

const BIOGUIDE = /^[A-Z]\d{6}$/;
const Shown = z.object({ answer: z.enum(['replied', 'no_reply']).optional().catch(undefined) });

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

export function createReplyHandlers(deps: AppDeps) {
  function service() {
    if (!deps.replies) throw new NotFoundError('messages.replies.linkInvalid');
    return deps.replies;
  }

  /** A letter's answer as the pages show it: what was said, in the page's language. */
  function summary(req: Request, letter: QuestionView['letters'][number]): string | undefined {
    if (letter.answer === 'no_reply') return req.t('replies.page.summaryNoReply');
    if (letter.answer !== 'replied') return undefined;
    const stance = letter.stance ? req.t(`replies.stance.${letter.stance}`) : req.t('replies.stance.unknown');
    return req.t('replies.page.summaryReplied', { stance });
  }

  const questionPage: RequestHandler = async (req, res) => {
    const token = param(req, 'token');
    const view = await service().viewQuestion(token);
    res.render('replies/question', {
      title: req.t('replies.page.title'),
      token,
      open: view.open,
      closesOn: formatLongDate(req.language, view.closesAt.slice(0, 10)),
      saved: req.query.saved === '1',
      letters: view.letters.map((l) => ({ ...l, summary: summary(req, l) })),
    });
  };

  async function renderAnswer(
    req: Request,
    res: Response,
    extra: { errors?: ValidationError; form?: Record<string, unknown>; status?: number } = {},
  ): Promise<void> {
    const token = param(req, 'token');
    const bioguide = param(req, 'bioguide');
    const view = await service().viewQuestion(token);
    const letter = BIOGUIDE.test(bioguide) ? view.letters.find((l) => l.bioguide === bioguide) : undefined;
    if (!letter) throw new NotFoundError('messages.replies.linkInvalid');
    const shown = Shown.parse(req.query).answer;
    const form = extra.form ?? {
      about: letter.about,
      stance: letter.stance,
      form: letter.form,
      repliedOn: letter.repliedOn ?? '',
      note: letter.note ?? '',
    };
    const fieldErrors = extra.errors?.fields ?? {};
    res.status(extra.status ?? 200).render('replies/answer', {
      title: req.t('replies.answer.title', { name: letter.recipientName }),
      token,
      letter,
      open: view.open,
      closesOn: formatLongDate(req.language, view.closesAt.slice(0, 10)),
      // The email's "No reply yet" link leads straight to that button; "They replied" to the form.
      noReplyFirst: shown === 'no_reply',
      current: summary(req, letter),
      form,
      fieldErrors,
      errors: Object.entries(fieldErrors).map(([field, message]) => ({ field, message })),
      today: deps.clock.now().toISOString().slice(0, 10),
      choices: {
        about: ['yes', 'no', 'unsure'].map((v) => ({
          value: v,
          label: req.t(`replies.answer.about_${v}`),
          checked: form.about === v,
        })),
        stance: ['support', 'oppose', 'undecided', 'unstated'].map((v) => ({
          value: v,
          label: req.t(`replies.stance.${v}`),
          checked: form.stance === v,
        })),
        form: ['yes', 'no', 'unsure'].map((v) => ({
          value: v,
          label: req.t(`replies.answer.form_${v}`),
          checked: form.form === v,
        })),
      },
    });
  }

  const answerPage: RequestHandler = (req, res) => renderAnswer(req, res);

  const saveAnswer: RequestHandler = async (req, res) => {
    const token = param(req, 'token');
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await service().answer(token, param(req, 'bioguide'), body);
    } catch (error) {
      // A wrong date or a note too long: the form again, with what was typed and the message at the field.
      if (!(error instanceof ValidationError)) throw error;
      await renderAnswer(req, res, { errors: error, form: body, status: 400 });
      return;
    }
    res.redirect(303, `/replies/${token}?saved=1`);
  };

  return { questionPage, answerPage, saveAnswer };
}
