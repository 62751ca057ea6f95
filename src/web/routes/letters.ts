/**
 * web/routes/letters: a saved batch of letters and its channels: email (double opt-in, in src/delivery),
 * print view and PDF, and the member's official web form. Letter and batch ids are unguessable
 * capabilities, so these pages need no account.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ConfirmationExpiredError } from '../../delivery/email-service';
import { printableLetter } from '../../delivery/printable';
import { renderLettersPdf } from '../../delivery/pdf';
import { WHY_DISTRICT_OFFICE } from '../../delivery/mailing-office';
import { shareInvitation } from '../../campaign/share';
import { letterAsText } from '../../letters/letter';
import type { LetterRow } from '../../letters/letter-store';
import type { AppDeps } from '../deps';
import { formatList, formatUtcDateTime } from '../i18n';
import { addresseeOf, type LetterReceipt } from '../../delivery/receipts';

const OfficeQuery = z.object({ office: z.string().max(80).optional() });

/** The channels used for one letter, as a list in the page's language, or undefined if none yet. */
function doneLabel(
  channels: { delivered: boolean; emailed: boolean; printed: boolean; webform: boolean } | undefined,
  req: Request,
): string | undefined {
  if (!channels) return undefined;
  const labels = [
    channels.delivered ? req.t('letters.batch.delivered') : undefined,
    channels.emailed ? req.t('letters.batch.emailed') : undefined,
    channels.printed ? req.t('letters.batch.printed') : undefined,
    channels.webform ? req.t('letters.batch.sentOnWebsite') : undefined,
  ].filter((label): label is string => label !== undefined);
  if (labels.length === 0) return undefined;
  return formatList(req.language, labels);
}

/** Where the letter went, in the page's language; undefined before it was confirmed. */
function receiptLine(receipt: LetterReceipt, row: LetterRow, req: Request): string | undefined {
  const values = {
    addressee: addresseeOf(row.salutation, row.recipient_name),
    id: receipt.id ?? '',
    time: receipt.at ? formatUtcDateTime(req.language, new Date(receipt.at)) : '',
    reason: receipt.reason ?? '',
  };
  switch (receipt.where) {
    case 'office':
      return req.t('letters.batch.receiptOffice', values);
    case 'campaign_inbox':
      return req.t('letters.batch.receiptCampaignInbox', values);
    case 'failed':
      return req.t('letters.batch.receiptFailed', values);
    case 'pending':
      return req.t(
        receipt.channel === 'cwc' ? 'letters.batch.receiptPendingCwc' : 'letters.batch.receiptPendingRelay',
        values,
      );
    default:
      return undefined;
  }
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

export function createLetterRouter(deps: AppDeps): Router {
  const router = Router();
  const { letters, civic, clock } = deps;

  function textOf(row: LetterRow): string {
    return letterAsText({
      salutation: row.salutation,
      body: row.body ?? '',
      closing: 'Sincerely,',
      signature: [
        row.sender_name ?? '',
        row.sender_street ?? '',
        `${row.sender_city ?? ''}, ${row.sender_state ?? ''} ${row.sender_zip ?? ''}`,
      ],
    });
  }

  // Before '/letters/batch/:batchId': in Express 5 that parameter would swallow the ".pdf" too.
  router.get('/letters/batch/:batchId.pdf', async (req, res) => {
    const rows = letters.sendable(await letters.getBatch(param(req, 'batchId')));
    const printable = rows.map(
      (row) => printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now()).letter,
    );
    const pdf = await renderLettersPdf(printable, { envelopes: true });
    for (const row of rows) await letters.recordChannel(row.id, 'printed');
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', 'attachment; filename="letters-to-congress.pdf"')
      .send(pdf);
  });

  router.get('/letters/batch/:batchId', async (req, res) => {
    const batchId = param(req, 'batchId');
    const rows = await letters.getBatch(batchId);
    const status = deps.email ? await deps.email.getBatchStatus(batchId) : undefined;
    const campaign = deps.campaigns.get(rows[0]!.campaign);
    const channelsOf = (id: string) => status?.letters.find((l) => l.id === id)?.channels;
    const anyChannelDone = (id: string) => {
      const channels = channelsOf(id);
      return Boolean(channels && Object.values(channels).some(Boolean));
    };
    const sentSomething = rows.some(
      (row) => row.status === 'queued' || row.status === 'sent' || anyChannelDone(row.id),
    );
    const texts = campaign.textsIn(req.language);
    res.render('letters/batch', {
      title: `${req.t('letters.batch.title')}: ${texts.shortTitle}`,
      campaign,
      texts,
      batchId,
      notice: typeof req.query.notice === 'string' ? req.query.notice : undefined,
      emailAvailable: Boolean(deps.email),
      awaitingConfirmation: rows.some((r) => r.status === 'awaiting_confirmation'),
      canRequestEmail: rows.some((r) => r.status === 'draft' || r.status === 'awaiting_confirmation'),
      purged: rows.some((r) => r.purged_at !== null),
      // Once something has been sent (or printed), invite the person to pass the campaign on.
      share: sentSomething
        ? shareInvitation(
            { ...texts, slug: campaign.slug },
            {
              publicUrl: deps.config.publicUrl,
              appSecret: deps.config.appSecret,
              batchId,
              lang: texts.lang,
            },
          )
        : undefined,
      letters: rows.map((row) => {
        const member = civic.memberByBioguide(row.bioguide);
        const channels = channelsOf(row.id);
        const receipt = status?.letters.find((l) => l.id === row.id)?.receipt;
        return {
          row,
          member,
          // Not sent, and not to be sent: the recipient's term has ended (end of a Congress).
          held: letters.isHeld(row),
          receipt: receipt ? receiptLine(receipt, row, req) : undefined,
          // What was done ("printed and sent on website"), listed only once something was.
          done: doneLabel(channels, req),
          contactUrl: member?.contactUrl,
          text: row.body === null ? null : textOf(row),
        };
      }),
    });
  });

  router.post('/letters/batch/:batchId/email', async (req, res) => {
    const batchId = param(req, 'batchId');
    letters.sendable(await letters.getBatch(batchId));
    if (!deps.email) {
      res.redirect(303, `/letters/batch/${batchId}`);
      return;
    }
    await deps.email.requestEmailConfirmation({ batchId });
    res.redirect(303, `/letters/batch/${batchId}?notice=confirmation-sent`);
  });

  router.get('/letters/confirm/:token', async (req, res) => {
    if (!deps.email) {
      res.redirect(303, '/');
      return;
    }
    try {
      const { batchId, alreadyConfirmed } = await deps.email.confirmBatch(param(req, 'token'));
      res.redirect(
        303,
        `/letters/batch/${batchId}?notice=${alreadyConfirmed ? 'already-confirmed' : 'confirmed'}`,
      );
    } catch (error) {
      // An expired link leads back to the letters, where a new one can be requested.
      if (!(error instanceof ConfirmationExpiredError)) throw error;
      res.redirect(303, `/letters/batch/${error.batchId}?notice=link-expired`);
    }
  });

  router.get('/letters/batch/:batchId/delete', async (req, res) => {
    const batchId = param(req, 'batchId');
    const rows = await letters.getBatch(batchId);
    res.render('letters/delete', { title: req.t('letters.delete.title'), batchId, count: rows.length });
  });

  router.post('/letters/batch/:batchId/delete', async (req, res) => {
    const batchId = param(req, 'batchId');
    await letters.getBatch(batchId);
    await letters.deleteBatchPersonalData(batchId);
    res.render('letters/deleted', { title: req.t('letters.deleted.title') });
  });

  router.get('/letters/:id/print', async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    const { office } = OfficeQuery.parse(req.query);
    const member = civic.memberByBioguide(row.bioguide);
    const choice = printableLetter(row, member, clock.now(), office);
    await letters.recordChannel(row.id, 'printed');
    res.render('letters/print', {
      title: `Letter to ${row.recipient_name}`,
      layout: 'print',
      row,
      letter: choice.letter,
      office: choice.office,
      options: choice.options.map((o) => ({ ...o, selected: o.id === choice.office?.id })),
      whyDistrictOffice: WHY_DISTRICT_OFFICE,
    });
  });

  router.get('/letters/:id.pdf', async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    const { office } = OfficeQuery.parse(req.query);
    const choice = printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now(), office);
    const pdf = await renderLettersPdf([choice.letter]);
    await letters.recordChannel(row.id, 'printed');
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="letter-${row.bioguide}.pdf"`)
      .send(pdf);
  });

  /** The person says they sent the letter through the member's own web form. */
  router.post('/letters/:id/webform', async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    await letters.recordChannel(row.id, 'webform');
    res.redirect(303, `/letters/batch/${row.batch_id}?notice=webform-recorded`);
  });

  return router;
}
