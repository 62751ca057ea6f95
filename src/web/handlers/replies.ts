/**
 * web/handlers/replies: the pages behind the "did your members reply?" email (src/replies). The token in
 * the path is the batch's signed answer token; GET pages only show, and only their buttons' POSTs (with
 * the CSRF token) answer, so a link scanner that opens every link in the email changes nothing.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import { buildAnswerPageView, buildQuestionPageView } from '../../replies/answer-pages';
import type { AppDeps } from '../deps';

const Shown = z.object({ answer: z.enum(['replied', 'no_reply']).optional().catch(undefined) });

export function createReplyHandlers(deps: AppDeps) {
  async function renderAnswer(
    req: Request,
    res: Response,
    extra: { errors?: ValidationError; form?: Record<string, unknown>; status?: number } = {},
  ): Promise<void> {
    const token = String(req.params.token);
    const view = buildAnswerPageView(req, {
      token,
      bioguide: String(req.params.bioguide),
      view: await deps.replies.viewQuestion(token),
      today: deps.clock.now().toISOString().slice(0, 10),
      // The email's "No reply yet" link leads straight to that button; "They replied" to the form.
      noReplyFirst: Shown.parse(req.query).answer === 'no_reply',
      typed: extra.form,
      fieldErrors: extra.errors?.fields,
    });
    res.status(extra.status ?? 200).render('replies/answer', view);
  }

  return {
    questionPage: async (req, res) => {
      const token = String(req.params.token);
      const view = await deps.replies.viewQuestion(token);
      res.render('replies/question', buildQuestionPageView(req, token, view, req.query.saved === '1'));
    },
    answerPage: (req, res) => renderAnswer(req, res),
    saveAnswer: async (req, res) => {
      const token = String(req.params.token);
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        await deps.replies.answer(token, String(req.params.bioguide), body);
      } catch (error) {
        // A wrong date or a note too long: the form again, with what was typed and the message at the field.
        if (!(error instanceof ValidationError)) throw error;
        await renderAnswer(req, res, { errors: error, form: body, status: 400 });
        return;
      }
      res.redirect(303, `/replies/${token}?saved=1`);
    },
  } satisfies Record<string, RequestHandler>;
}
