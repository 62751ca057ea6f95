/**
 * web/handlers/letters: a saved batch of letters and its channels: email (double opt-in, in src/delivery),
 * print view and PDF, and the member's official web form. Letter and batch ids are unguessable
 * capabilities, so these pages need no account. Every route here is private (no-store, noindex): every
 * page and file carries a person's name, address or letters.
 *
 * The emailed confirmation link opens a page that shows the letters and a button; only the button's
 * POST (with its CSRF token) confirms, so a mail scanner or prefetcher that GETs or HEADs every link in
 * an email sends nothing. People who print or use a web form can confirm their email too ('verify'), so
 * their letters count in the public total (src/tracking/verification.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ConfirmationExpiredError, ConfirmationRateLimitedError } from '../../delivery/email-service';
import { printableLetter } from '../../delivery/printable';
import {
  buildBatchPageView,
  buildConfirmPageView,
  buildPrintPageView,
  buildRenewalPageView,
} from '../../letters/batch-page';
import type { Message } from '../../platform/messages';
import type { AppDeps } from '../deps';

const OfficeChoice = z.object({ office: z.string().max(80) });
const AskRepliesChoice = z.object({ askReplies: z.literal('yes').optional().catch(undefined) });

export function createLetterHandlers(deps: AppDeps) {
  const { letters, civic, clock } = deps;

  /** The batch page; `extra` carries an error at the email button (status 429). */
  async function renderBatch(
    req: Request,
    res: Response,
    batchId: string,
    extra: { emailError?: Message; verifyError?: Message } = {},
    httpStatus = 200,
  ): Promise<void> {
    const rows = await letters.getBatch(batchId);
    const status = await deps.email.getBatchStatus(batchId);
    const notice = typeof req.query.notice === 'string' ? req.query.notice : undefined;
    const view = await buildBatchPageView(deps, req, { batchId, rows, status, notice });
    res.status(httpStatus).render('letters/batch', { ...view, ...extra });
  }

  /** Asks for a confirmation email: 'send' (email the letters) or 'verify' (count printed letters). */
  function requestConfirmation(purpose: 'send' | 'verify'): RequestHandler {
    return async (req, res) => {
      const batchId = String(req.params.batchId);
      letters.sendable(await letters.getBatch(batchId));
      try {
        await deps.email.requestEmailConfirmation({ batchId, purpose });
      } catch (error) {
        // A mailbox that had its confirmation emails for today: said at the email button.
        if (!(error instanceof ConfirmationRateLimitedError && error.field === 'email')) throw error;
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        const at = purpose === 'send' ? 'emailError' : 'verifyError';
        await renderBatch(req, res, batchId, { [at]: error.userMessage }, 429);
        return;
      }
      const notice = purpose === 'send' ? 'confirmation-sent' : 'verification-sent';
      res.redirect(303, `/letters/batch/${batchId}?notice=${notice}`);
    };
  }

  /** The letter in the path, if it can still be printed or sent. */
  const sendableLetter = async (req: Request) =>
    letters.sendable([await letters.getLetter(String(req.params.id))])[0]!;

  /** The person says they printed the letter to mail it, or sent it through the member's own web form. */
  function reportChannel(channel: 'printed' | 'webform', notices: [unverified: string, verified: string]) {
    const report: RequestHandler = async (req, res) => {
      const row = await sendableLetter(req);
      await letters.recordChannel(row.id, channel);
      res.redirect(303, `/letters/batch/${row.batch_id}?notice=${notices[row.verified_at === null ? 0 : 1]}`);
    };
    return report;
  }

  return {
    batchPdf: async (req, res) => {
      const rows = letters.sendable(await letters.getBatch(String(req.params.batchId)));
      const printable = rows.map(
        (row) => printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now()).letter,
      );
      // Drawn before the headers are set: a full PDF queue answers with the error page (BusyError).
      const pdf = await deps.pdf.download(printable, { envelopes: true });
      res.attachment('letters-to-congress.pdf').send(pdf);
    },

    batchPage: (req, res) => renderBatch(req, res, String(req.params.batchId)),
    requestSend: requestConfirmation('send'),
    requestVerify: requestConfirmation('verify'),

    /** The emailed link: shows the letters and a button. GET and HEAD change nothing. */
    confirmPage: async (req, res) => {
      const preview = await deps.email.previewConfirmation(String(req.params.token));
      if (preview.state !== 'open') {
        const notice = preview.state === 'used' ? 'already-confirmed' : 'link-expired';
        res.redirect(303, `/letters/batch/${preview.batchId}?notice=${notice}`);
        return;
      }
      const view = buildConfirmPageView(deps, req, {
        token: String(req.params.token),
        preview,
        channelOf: deps.email.channelOf,
      });
      res.render('letters/confirm', view);
    },

    /** The person pressed "Send my letters" (or "Confirm my email address"). */
    confirm: async (req, res) => {
      try {
        const result = await deps.email.confirmBatch(String(req.params.token));
        // Only the holder of the emailed confirmation link gets here: the box is theirs to tick.
        if (AskRepliesChoice.parse(req.body ?? {}).askReplies === 'yes') {
          await deps.replies.optIn(result.batchId, req.language);
        }
        const notice = result.alreadyConfirmed
          ? 'already-confirmed'
          : result.purpose === 'verify'
            ? 'verified'
            : 'confirmed';
        res.redirect(303, `/letters/batch/${result.batchId}?notice=${notice}`);
      } catch (error) {
        // An expired link leads back to the letters, where a new one can be requested.
        if (!(error instanceof ConfirmationExpiredError)) throw error;
        res.redirect(303, `/letters/batch/${error.batchId}?notice=link-expired`);
      }
    },

    /**
     * The link in the email about a letter that no longer meant what its writer approved: the letter as it
     * would now read and a button. GET and HEAD change nothing; only the button's POST sends it.
     */
    renewalPage: async (req, res) => {
      const { letter, renewal, renewedBatchId } = await letters.previewRenewal(String(req.params.id));
      if (renewedBatchId) {
        res.redirect(303, `/letters/batch/${renewedBatchId}`);
        return;
      }
      res.render('letters/renewal', buildRenewalPageView(req, letter, renewal));
    },

    /** The writer pressed "Send this letter instead": saved once, queued, and the new batch shown. */
    renew: async (req, res) => {
      const { batchId, created } = await letters.renewLetter(String(req.params.id));
      if (created) await deps.email.queueApprovedBatch(batchId);
      res.redirect(303, `/letters/batch/${batchId}?notice=confirmed`);
    },

    deletePage: async (req, res) => {
      const batchId = String(req.params.batchId);
      const rows = await letters.getBatch(batchId);
      res.render('letters/delete', { title: req.t('letters.delete.title'), batchId, count: rows.length });
    },

    deleteBatch: async (req, res) => {
      const batchId = String(req.params.batchId);
      await letters.getBatch(batchId);
      await letters.deleteBatchPersonalData(batchId);
      res.render('letters/deleted', { title: req.t('letters.deleted.title') });
    },

    // Opening the print view or a PDF records nothing: prefetchers and link scanners GET and HEAD them.
    // The writer says they printed the letter with the button (POST /:id/printed).
    printPage: async (req, res) => {
      const row = await sendableLetter(req);
      res.render('letters/print', buildPrintPageView(row, civic.memberByBioguide(row.bioguide), clock.now()));
    },

    letterPdf: async (req, res) => {
      const row = await sendableLetter(req);
      const choice = printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now());
      const pdf = await deps.pdf.download([choice.letter]);
      res.attachment(`letter-${row.bioguide}.pdf`).send(pdf);
    },

    /** The person picks the office a printed letter goes to; the print view and PDF use it from then on. */
    chooseOffice: async (req, res) => {
      const id = String(req.params.id);
      const { office } = OfficeChoice.parse(req.body);
      await letters.chooseMailingOffice(id, office);
      res.redirect(303, `/letters/${id}/print`);
    },

    reportPrinted: reportChannel('printed', ['print-reported', 'print-recorded']),
    reportWebform: reportChannel('webform', ['webform-reported', 'webform-recorded']),
  } satisfies Record<string, RequestHandler>;
}
