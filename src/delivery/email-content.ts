/**
 * delivery/email-content: the emails, rendered from the database for an outbox row, so a retry (or a
 * different worker after a crash) sends the same message again with the same Message-ID:
 *
 *  - confirmation (to the sender): the one-time link, the recipients, the 24 h expiry, status and delete links;
 *  - office (to the campaign's delivery address for the member): the letter, From the campaign's verified
 *    address, Reply-To the sender when the address is safe;
 *  - sender_copy (to the sender): where the letter went (the receipt), the member's official contact form and
 *    the printable letter as a PDF;
 *  - delivery_failed (to the sender): the letter could not be delivered, with the same PDF and form link.
 *
 * Templates live in `templates/email/<name>.{text,html}.hbs`. HTML templates only use `{{ }}` (escaped).
 * No header carries raw user input: names and subjects pass sanitizeHeaderText / safeDisplayName, addresses
 * isSafeEmailAddress (and the mailer checks them again).
 */
import type { AskResolver } from '../campaign/asks';
import { billLabel, parseBillId, type CongressBills } from '../campaign/bills';
import type { Campaign } from '../campaign/campaign';
import { ordinal } from '../civic-data/congress';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import { letterAsText, savedLetter, senderPlace, senderSignature } from '../letters/letter';
import { findBatch, type LetterRow } from '../letters/letter-store';
import { RECIPIENT_LEFT_CONGRESS } from '../letters/recipients';
import { LETTER_OUTDATED, letterMeaning, renewalOf } from '../letters/renewal';
import type { Clock } from '../platform/clock';
import type { HandlebarsInstance } from '../platform/handlebars';
import { createTemplateRenderer } from '../platform/templates';
import type { Storage } from '../storage/database';
import { confirmationToken, findConfirmation, tokenHash } from './confirmations';
import { channelWith, destinationOf, officeAddressFor } from './destination';
import { isSafeEmailAddress, safeDisplayName, sanitizeHeaderText } from './email-headers';
import { PermanentDeliveryError, type OutgoingMail } from './mailer';
import { findOutboxByBatch, type OutboxRow } from './outbox';
import type { PdfRenderer } from './pdf-renderer';
import type { CwcDelivery } from './cwc/cwc-delivery';
import { printableLetter } from './printable';
import { addresseeOf, receiptOf, receiptSentence } from './receipts';
import { trimEnd } from '../platform/text';
import { HOUSE_WRITE_YOUR_REP_URL, SENATE_CONTACT_URL } from '../civic-data/members-import';

export interface EmailContentDeps {
  storage: Storage;
  campaigns: { get(slug: string): Campaign };
  /** The members in service: each letter's contact form link and mailing office. */
  civic: CivicIndex;
  /** What the campaign asks of each member now: a letter not sent is offered as it would now read. */
  asks: AskResolver;
  hbs: HandlebarsInstance;
  /** Folder holding `email/*.hbs`; default `templates`. */
  templatesDir?: string;
  publicUrl: string;
  /** The campaign's verified sender, e.g. "Dear Congress <letters@example.org>" (config.mailFrom). */
  mailFrom: string;
  appSecret: string;
  /** Draws the PDF each sender's copy carries. */
  pdf: Pick<PdfRenderer, 'render'>;
  clock: Clock;
  /** The CWC channel, when configured: the confirmation email says which letters it carries. */
  cwc?: Pick<CwcDelivery, 'route'>;
}

/** Host part of the Message-ID: the public URL's host name, or "localhost" when it cannot be used. */
function messageIdHost(publicUrl: string): string {
  try {
    const host = new URL(publicUrl).hostname;
    return /^[A-Za-z0-9.-]+$/.test(host) ? host : 'localhost';
  } catch {
    return 'localhost';
  }
}

function contactUrlFor(row: LetterRow, member: Member | undefined): string {
  const url = member?.contactUrl;
  if (url && /^https?:\/\/[^\s"'<>]+$/i.test(url)) return url;
  return row.chamber === 'senate' ? SENATE_CONTACT_URL : HOUSE_WRITE_YOUR_REP_URL;
}

type LiveLetter = LetterRow & { body: string; sender_name: string; sender_email: string };

/** The letter with its personal fields, or a permanent failure when they were deleted. */
function liveLetter(row: LetterRow | undefined): LiveLetter {
  if (!row) throw new PermanentDeliveryError('letter_not_found');
  if (row.purged_at !== null || row.body === null || row.sender_name === null || row.sender_email === null) {
    throw new PermanentDeliveryError('personal_data_deleted');
  }
  return row as LiveLetter;
}

/** The letter as the office and sender's copy emails show it. */
function letterContext(row: LiveLetter, campaign: Campaign) {
  const letter = savedLetter(row);
  return {
    subject: sanitizeHeaderText(row.subject ?? campaign.title),
    ...letter,
    letterText: letterAsText(letter),
  };
}

/** "S. 1829 and H.R. 3921": the bills of a campaign entry (an adopted one may hold one chamber's). */
function billsOf(entry: CongressBills | undefined): string {
  const labels = [entry?.senate, entry?.house]
    .filter((bill) => bill !== undefined)
    .map((bill) => billLabel(bill.type, bill.number));
  return labels.length > 0 ? labels.join(' and ') : 'the bill';
}

/**
 * Renders an outbox row's email from `email/<template>.{text,html}`: the campaign's emails here and the
 * replies' questions (replies/question-email) alike.
 */
export function createEmailComposer(
  deps: Pick<EmailContentDeps, 'hbs' | 'templatesDir' | 'publicUrl' | 'mailFrom'>,
) {
  const render = createTemplateRenderer(deps.hbs, deps.templatesDir ?? 'templates');
  const publicUrl = trimEnd(deps.publicUrl, '/');
  const messageIdDomain = messageIdHost(publicUrl);

  async function compose(
    row: OutboxRow,
    to: string,
    subject: string,
    template: string,
    context: object,
  ): Promise<OutgoingMail> {
    const [text, html] = await Promise.all([
      render(`email/${template}.text`, context),
      render(`email/${template}.html`, context),
    ]);
    return {
      // `<outbox-id@host>`: the same for every attempt of one outbox row.
      messageId: `<${row.id}@${messageIdDomain}>`,
      from: deps.mailFrom,
      to: [to],
      subject,
      text: text.replace(/\n{3,}/g, '\n\n').trim() + '\n',
      html,
    };
  }

  /** An automatic email to a letter's writer, at the address they gave once it is checked. */
  async function toWriter(
    row: OutboxRow,
    address: string,
    subject: string,
    template: string,
    context: object,
  ): Promise<OutgoingMail> {
    const to = address.trim();
    if (!isSafeEmailAddress(to)) throw new PermanentDeliveryError('invalid_sender_address');
    const email = await compose(row, to, subject, template, context);
    return { ...email, headers: { 'Auto-Submitted': 'auto-generated' } };
  }

  return { compose, toWriter };
}

/** Builds the renderer the outbox worker calls for each row. */
export function createMessageRenderer(
  deps: EmailContentDeps,
): (row: OutboxRow, letter: LetterRow | undefined) => Promise<OutgoingMail> {
  const { clock } = deps;
  const { compose, toWriter } = createEmailComposer(deps);
  const publicUrl = trimEnd(deps.publicUrl, '/');
  const channelOf = channelWith(deps.cwc);
  const batchLinks = (batchId: string) => ({
    statusUrl: `${publicUrl}/letters/batch/${batchId}`,
    deleteUrl: `${publicUrl}/letters/batch/${batchId}/delete`,
  });
  /** What each email to a writer about their letter has: their name, the campaign's page, the batch's links. */
  const writerContext = (letter: LiveLetter) => ({
    senderName: safeDisplayName(letter.sender_name) || 'there',
    campaignUrl: `${publicUrl}/campaigns/${encodeURIComponent(letter.campaign)}`,
    ...batchLinks(letter.batch_id),
  });

  /** The one letter an office or sender's copy carries (the worker read it by the row's letter_id). */
  function letterOf(row: OutboxRow, letter: LetterRow | undefined): LiveLetter {
    return liveLetter(letter?.batch_id === row.batch_id ? letter : undefined);
  }

  async function confirmation(row: OutboxRow): Promise<OutgoingMail> {
    const letters = await findBatch(deps.storage.db, row.batch_id);
    const first = liveLetter(letters[0]);
    const token = confirmationToken(deps.appSecret, row.id);
    const stored = await findConfirmation(deps.storage.db, tokenHash(deps.appSecret, token));
    if (!stored) throw new PermanentDeliveryError('confirmation_not_found');
    // A link that expired while the queue was stuck would only frustrate; the person can ask again.
    if (stored.expires_at <= clock.now().toISOString())
      throw new PermanentDeliveryError('expired_before_sending');
    const campaign = deps.campaigns.get(first.campaign);
    // No name typed on the letter form greets this email's reader: the address may be someone else's, and
    // a "name" such as "Your account is locked. Reply with your password" would speak in our voice.
    const context = {
      letterWord: letters.length === 1 ? 'letter' : 'letters',
      verifyOnly: stored.purpose === 'verify',
      // Where each letter will go: the office's own system, the office's address, or a copy for the campaign.
      recipients: letters.map((l) => ({
        name: l.recipient_name,
        destination: destinationOf(l, campaign, channelOf),
      })),
      confirmUrl: `${publicUrl}/letters/confirm/${token}`,
      expiresAt: new Date(stored.expires_at).toUTCString(),
      ...batchLinks(row.batch_id),
      campaignTitle: campaign.title,
    };
    return toWriter(row, first.sender_email, 'Confirm your letters to Congress', 'confirmation', context);
  }

  async function office(row: OutboxRow, letter: LiveLetter): Promise<OutgoingMail> {
    const campaign = deps.campaigns.get(letter.campaign);
    const to = officeAddressFor(campaign, letter.bioguide);
    const email = letter.sender_email.trim();
    const safeReply = isSafeEmailAddress(email);
    const context = {
      // Sent to the campaign's own inbox, the email reaches no office: it must say so to whoever reads it.
      campaignCopy: to === campaign.delivery.inbox,
      recipientName: letter.recipient_name,
      ...letterContext(letter, campaign),
      contactLines: [...senderSignature(letter), ...(safeReply ? [`Email: ${email}`] : [])],
      campaignTitle: campaign.title,
      publicUrl,
    };
    return {
      ...(await compose(row, to, context.subject, 'office-letter', context)),
      ...(safeReply ? { replyTo: { name: safeDisplayName(letter.sender_name), address: email } } : {}),
    };
  }

  /**
   * The sender's copy ('sender_copy', with the receipt) or the news that the letter could not be
   * delivered ('delivery_failed'): both carry the letter, the PDF and the member's web form.
   */
  async function senderCopy(row: OutboxRow, letter: LiveLetter): Promise<OutgoingMail> {
    if (row.kind === 'delivery_failed' && letter.status_reason === LETTER_OUTDATED) {
      return outdatedNotice(row, letter);
    }
    const campaign = deps.campaigns.get(letter.campaign);
    const member = deps.civic.memberByBioguide(letter.bioguide);
    const date = new Date(letter.confirmed_at ?? letter.created_at);
    const printable = printableLetter(letter, member, date).letter;
    const pdf = await deps.pdf.render([printable]);
    const receipt = receiptOf(letter.id, await findOutboxByBatch(deps.storage.db, letter.batch_id));
    const failed = row.kind === 'delivery_failed';
    const leftCongress = failed && letter.status_reason === RECIPIENT_LEFT_CONGRESS;
    const subjectLine = sanitizeHeaderText(
      leftCongress
        ? `Your letter to ${letter.recipient_name} was not sent`
        : failed
          ? `Your letter to ${letter.recipient_name} was not delivered`
          : `Your letter to ${letter.recipient_name}`,
    );
    const context = {
      subjectLine,
      leftCongress,
      recipientName: letter.recipient_name,
      receipt: receiptSentence(receipt, addresseeOf(letter.salutation, letter.recipient_name)),
      deliveredToOffice: receipt.where === 'office',
      contactUrl: contactUrlFor(letter, member),
      // The letter's chosen mailing office, else the nearest district office, else the DC office.
      mailingAddress: printable.recipientAddress,
      ...writerContext(letter),
      ...letterContext(letter, campaign),
    };
    return {
      ...(await toWriter(
        row,
        letter.sender_email,
        subjectLine,
        failed ? 'delivery-failed' : 'sender-copy',
        context,
      )),
      attachments: [
        { filename: `letter-to-${letter.bioguide}.pdf`, content: pdf, contentType: 'application/pdf' },
      ],
    };
  }

  /**
   * A letter not sent because it no longer means what its writer approved (letters/renewal): the writer
   * gets it as it would now read, with a link to a page whose button sends that one instead. No PDF of the
   * old letter: it is not one to print and mail any more.
   */
  async function outdatedNotice(row: OutboxRow, letter: LiveLetter): Promise<OutgoingMail> {
    const now = clock.now();
    const renewal = renewalOf(deps, letter, now);
    const memberChanged = letterMeaning(deps, letter, now) === 'not_represented';
    const campaign = deps.campaigns.get(letter.campaign);
    const billCongress = letter.bill ? parseBillId(letter.bill)?.congress : undefined;
    const entry = campaign.congresses.find((e) => e.congress === billCongress);
    const subjectLine = sanitizeHeaderText(
      renewal
        ? `Your letter to ${letter.recipient_name} was not sent: here it is as it would read now`
        : `Your letter to ${letter.recipient_name} was not sent`,
    );
    const context = {
      subjectLine,
      recipientName: letter.recipient_name,
      memberChanged,
      senderPlace: senderPlace(letter),
      bills: billsOf(entry),
      billCongress: billCongress ? ordinal(billCongress) : 'previous',
      renewal: renewal && {
        ...renewal.composed,
        recipientName: renewal.member.formalName,
        text: letterAsText(renewal.composed),
      },
      renewUrl: `${publicUrl}/letters/${letter.id}/renewal`,
      ...writerContext(letter),
    };
    return toWriter(row, letter.sender_email, subjectLine, 'letter-outdated', context);
  }

  return async (row, letter) => {
    switch (row.kind) {
      case 'confirmation':
        return confirmation(row);
      case 'office':
        return office(row, letterOf(row, letter));
      case 'sender_copy':
      case 'delivery_failed':
        return senderCopy(row, letterOf(row, letter));
      default:
        throw new PermanentDeliveryError('unknown_kind');
    }
  };
}
