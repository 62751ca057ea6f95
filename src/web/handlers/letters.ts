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
import { destinationOf } from '../../delivery/destination';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ConfirmationExpiredError, ConfirmationRateLimitedError } from '../../delivery/email-service';
import { printableLetter } from '../../delivery/printable';
import { WHY_DISTRICT_OFFICE } from '../../delivery/mailing-office';
import { shareInvitation } from '../../campaign/share';
import { letterAsText } from '../../letters/letter';
import { districtGoalProgress } from '../../tracking/district-goals';
import type { LetterRow } from '../../letters/letter-store';
import type { CwcRouteNote } from '../../storage/schema';
import { HELD_MAP_AWAITED, recipientStanding } from '../../letters/recipients';
import { LETTER_OUTDATED, RENEWED_AS } from '../../letters/renewal';
import type { Message } from '../../platform/messages';
import type { AppDeps } from '../deps';
import { formatList, formatUtcDateTime } from '../i18n';
import { addresseeOf, type LetterReceipt } from '../../delivery/receipts';

const OfficeChoice = z.object({ office: z.string().max(80) });
const AskRepliesChoice = z.object({ askReplies: z.literal('yes').optional().catch(undefined) });

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

const ROUTE_NOTES: Record<CwcRouteNote, string> = {
  office_not_live: 'cwcDelivery.routeOfficeNotLive',
  senate_title: 'cwcDelivery.routeSenateTitle',
  not_cwc_ready: 'cwcDelivery.routeNotCwcReady',
};

/** Where the letter went, in the page's language; undefined before it was confirmed. */
function receiptLine(
  receipt: LetterReceipt,
  row: LetterRow,
  req: Request,
  retryHours: number | undefined,
): string | undefined {
  const values = {
    addressee: addresseeOf(row.salutation, row.recipient_name),
    id: receipt.id ?? '',
    time: receipt.at ? formatUtcDateTime(req.language, new Date(receipt.at)) : '',
    reason: receipt.reason ?? '',
    hours: retryHours ?? '',
  };
  // Why a letter of a CWC campaign went by the relay instead (the office not live, the Senate's titles).
  const why =
    row.cwc_route_note && receipt.channel === 'relay'
      ? ` ${req.t(ROUTE_NOTES[row.cwc_route_note], values)}`
      : '';
  switch (receipt.where) {
    case 'office':
      return req.t('letters.batch.receiptOffice', values);
    case 'campaign_inbox':
      return req.t('letters.batch.receiptCampaignInbox', values) + why;
    case 'failed':
      return req.t('letters.batch.receiptFailed', values);
    case 'pending':
      if (receipt.waiting) return req.t('cwcDelivery.receiptWaiting', values);
      return (
        req.t(
          receipt.channel === 'cwc' ? 'letters.batch.receiptPendingCwc' : 'letters.batch.receiptPendingRelay',
          values,
        ) + why
      );
    default:
      return undefined;
  }
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

export function createLetterHandlers(deps: AppDeps) {
  const { letters, civic, clock } = deps;
  const stats = deps.stats;

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

  const batchPdf: RequestHandler = async (req, res) => {
    const rows = letters.sendable(await letters.getBatch(param(req, 'batchId')));
    const printable = rows.map(
      (row) => printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now()).letter,
    );
    const pdf = await deps.pdf.download(printable, { envelopes: true });
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', 'attachment; filename="letters-to-congress.pdf"')
      .send(pdf);
  };

  /** The batch page; `extra` carries an error at the email button (status 429). */
  async function renderBatch(
    req: Request,
    res: Response,
    batchId: string,
    extra: { emailError?: Message; verifyError?: Message } = {},
    httpStatus = 200,
  ): Promise<void> {
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
    // The House letter's district, when the batch has one: its progress toward the campaign's goal there.
    const house = rows.find((row) => row.chamber === 'house' && row.district !== null);
    const districtGoal = await districtGoalProgress(
      stats,
      campaign,
      civic.meta.congress,
      house && `${house.state}-${house.district}`,
    );
    const unverified = rows.some((r) => r.verified_at === null && r.purged_at === null);
    res.status(httpStatus).render('letters/batch', {
      ...extra,
      title: `${req.t('letters.batch.title')}: ${texts.shortTitle}`,
      campaign,
      texts,
      batchId,
      districtGoal,
      notice: typeof req.query.notice === 'string' ? req.query.notice : undefined,
      emailAvailable: Boolean(deps.email),
      awaitingConfirmation: rows.some((r) => r.status === 'awaiting_confirmation'),
      canRequestEmail: rows.some((r) => r.status === 'draft' || r.status === 'awaiting_confirmation'),
      // People who print or use a web form can confirm their address so their letters count.
      canVerify: unverified && !rows.some((r) => r.status === 'awaiting_confirmation'),
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
        // Not sent, and never to be: the member list in service no longer has the recipient.
        const leftCongress =
          row.status !== 'sent' && recipientStanding(civic, row.bioguide, clock.now()) === 'left_congress';
        // Not sent because it no longer meant what its writer approved (letters/renewal).
        const outdated =
          !leftCongress &&
          (row.status_reason === LETTER_OUTDATED || (row.status_reason?.startsWith(RENEWED_AS) ?? false));
        const heldForMap = row.status === 'queued' && row.status_reason === HELD_MAP_AWAITED;
        return {
          row,
          member,
          leftCongress,
          outdated,
          // Not sent yet: the recipient's term has ended and the next Congress's list is not loaded, or
          // (a House letter) the writer's state's new districts are not published yet.
          held: !leftCongress && (letters.isHeld(row) || heldForMap),
          heldForMap,
          receipt: receipt ? receiptLine(receipt, row, req, deps.config.cwc?.retryHours) : undefined,
          // What was done ("printed and sent on website"), listed only once something was.
          done: doneLabel(channels, req),
          contactUrl: member?.contactUrl,
          text: row.body === null ? null : textOf(row),
        };
      }),
    });
  }

  const batchPage: RequestHandler = (req, res) => renderBatch(req, res, param(req, 'batchId'));

  /** Asks for a confirmation email: 'send' (email the letters) or 'verify' (count printed letters). */
  function requestConfirmation(purpose: 'send' | 'verify'): RequestHandler {
    return async (req, res) => {
      const batchId = param(req, 'batchId');
      letters.sendable(await letters.getBatch(batchId));
      if (!deps.email) {
        res.redirect(303, `/letters/batch/${batchId}`);
        return;
      }
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

  const requestSend = requestConfirmation('send');
  const requestVerify = requestConfirmation('verify');

  /** The emailed link: shows the letters and a button. GET and HEAD change nothing. */
  const confirmPage: RequestHandler = async (req, res) => {
    if (!deps.email) {
      res.redirect(303, '/');
      return;
    }
    const preview = await deps.email.previewConfirmation(param(req, 'token'));
    if (preview.state !== 'open') {
      const notice = preview.state === 'used' ? 'already-confirmed' : 'link-expired';
      res.redirect(303, `/letters/batch/${preview.batchId}?notice=${notice}`);
      return;
    }
    res.render('letters/confirm', {
      title: req.t('letters.confirm.title'),
      token: param(req, 'token'),
      // "Ask me whether my members replied": off unless ticked (src/replies).
      askReplies: deps.replies
        ? {
            days: deps.config.replies.askAfterDays,
            reminderDays: deps.config.replies.reminderAfterDays,
          }
        : undefined,
      verifyOnly: preview.purpose === 'verify',
      letters: preview.letters
        .filter((row) => row.purged_at === null)
        .map((row) => ({
          row,
          text: row.body === null ? null : textOf(row),
          destination: destinationOf(row, deps.campaigns.get(row.campaign), deps.email!.channelOf),
        })),
    });
  };

  /** The person pressed "Send my letters" (or "Confirm my email address"). */
  const confirm: RequestHandler = async (req, res) => {
    if (!deps.email) {
      res.redirect(303, '/');
      return;
    }
    try {
      const result = await deps.email.confirmBatch(param(req, 'token'));
      // Only the holder of the emailed confirmation link gets here: the box is theirs to tick.
      if (deps.replies && AskRepliesChoice.parse(req.body ?? {}).askReplies === 'yes') {
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
  };

  /**
   * The link in the email about a letter that no longer meant what its writer approved: the letter as it
   * would now read and a button. GET and HEAD change nothing; only the button's POST sends it.
   */
  const renewalPage: RequestHandler = async (req, res) => {
    const { letter, renewal, renewedBatchId } = await letters.previewRenewal(param(req, 'id'));
    if (renewedBatchId) {
      res.redirect(303, `/letters/batch/${renewedBatchId}`);
      return;
    }
    res.render('letters/renewal', {
      title: req.t('letters.renewal.title'),
      id: letter.id,
      oldRecipient: letter.recipient_name,
      renewal: renewal && { recipient: renewal.member.formalName, text: letterAsText(renewal.composed) },
      campaignUrl: `/campaigns/${encodeURIComponent(letter.campaign)}`,
    });
  };

  /** The writer pressed "Send this letter instead": saved once, queued, and the new batch shown. */
  const renew: RequestHandler = async (req, res) => {
    const { batchId, created } = await letters.renewLetter(param(req, 'id'));
    if (created) await deps.email?.queueApprovedBatch(batchId);
    res.redirect(303, `/letters/batch/${batchId}?notice=confirmed`);
  };

  const deletePage: RequestHandler = async (req, res) => {
    const batchId = param(req, 'batchId');
    const rows = await letters.getBatch(batchId);
    res.render('letters/delete', { title: req.t('letters.delete.title'), batchId, count: rows.length });
  };

  const deleteBatch: RequestHandler = async (req, res) => {
    const batchId = param(req, 'batchId');
    await letters.getBatch(batchId);
    await letters.deleteBatchPersonalData(batchId);
    res.render('letters/deleted', { title: req.t('letters.deleted.title') });
  };

  // Opening the print view or a PDF records nothing: prefetchers and link scanners GET and HEAD them.
  // The writer says they printed the letter with the button (POST /:id/printed).
  const printPage: RequestHandler = async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    const member = civic.memberByBioguide(row.bioguide);
    const choice = printableLetter(row, member, clock.now());
    res.render('letters/print', {
      title: `Letter to ${row.recipient_name}`,
      layout: 'print',
      row,
      letter: choice.letter,
      office: choice.office,
      options: choice.options.map((o) => ({ ...o, selected: o.id === choice.office?.id })),
      whyDistrictOffice: WHY_DISTRICT_OFFICE,
    });
  };

  const letterPdf: RequestHandler = async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    const choice = printableLetter(row, civic.memberByBioguide(row.bioguide), clock.now());
    const pdf = await deps.pdf.download([choice.letter]);
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="letter-${row.bioguide}.pdf"`)
      .send(pdf);
  };

  /** The person picks the office a printed letter goes to; the print view and PDF use it from then on. */
  const chooseOffice: RequestHandler = async (req, res) => {
    const id = param(req, 'id');
    const { office } = OfficeChoice.parse(req.body);
    await letters.chooseMailingOffice(id, office);
    res.redirect(303, `/letters/${id}/print`);
  };

  /** The person says they printed the letter to mail it. */
  const reportPrinted: RequestHandler = async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    await letters.recordChannel(row.id, 'printed');
    const notice = row.verified_at === null ? 'print-reported' : 'print-recorded';
    res.redirect(303, `/letters/batch/${row.batch_id}?notice=${notice}`);
  };

  /** The person says they sent the letter through the member's own web form. */
  const reportWebform: RequestHandler = async (req, res) => {
    const row = letters.sendable([await letters.getLetter(param(req, 'id'))])[0]!;
    await letters.recordChannel(row.id, 'webform');
    const notice = row.verified_at === null ? 'webform-reported' : 'webform-recorded';
    res.redirect(303, `/letters/batch/${row.batch_id}?notice=${notice}`);
  };

  return {
    batchPdf,
    batchPage,
    requestSend,
    requestVerify,
    confirmPage,
    confirm,
    renewalPage,
    renew,
    deletePage,
    deleteBatch,
    printPage,
    letterPdf,
    chooseOffice,
    reportPrinted,
    reportWebform,
  };
}
