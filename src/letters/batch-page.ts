/**
 * letters/batch-page: a saved batch as its pages show it: each letter with where it went, what its writer
 * did with it and what they can still do; and the pages behind the emailed confirmation and renewal links.
 */
import type { CampaignCatalog } from '../campaign/campaign';
import { shareInvitation } from '../campaign/share';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import type { Config } from '../config/config';
import { destinationOf } from '../delivery/destination';
import { WHY_DISTRICT_OFFICE } from '../delivery/mailing-office';
import { printableLetter } from '../delivery/printable';
import type { BatchStatus, ConfirmationPreview } from '../delivery/email-service';
import { addresseeOf, type LetterReceipt } from '../delivery/receipts';
import type { Clock } from '../platform/clock';
import { formatList, formatUtcDateTime, type PageLanguage } from '../platform/i18n-format';
import type { CwcRouteNote } from '../storage/schema';
import { districtGoalProgress } from '../tracking/district-goals';
import type { StatsService } from '../tracking/stats';
import { letterAsText, savedLetter } from './letter';
import type { LetterService } from './letter-service';
import type { LetterRow } from './letter-store';
import { houseDistrictOf, isAwaitingMap, recipientStanding } from './recipients';
import { isOutdated, type Renewal } from './renewal';

type LetterChannels = { delivered: boolean; emailed: boolean; printed: boolean; webform: boolean };

export interface BatchPageDeps {
  config: Pick<Config, 'publicUrl' | 'appSecret' | 'cwc'>;
  civic: CivicIndex;
  clock: Clock;
  campaigns: CampaignCatalog;
  stats: StatsService;
  letters: Pick<LetterService, 'isHeld'>;
}

/** The channels used for one letter, as a list in the page's language, or undefined if none yet. */
function doneLabel(channels: LetterChannels | undefined, page: PageLanguage): string | undefined {
  if (!channels) return undefined;
  const labels = [
    channels.delivered && page.t('letters.batch.delivered'),
    channels.emailed && page.t('letters.batch.emailed'),
    channels.printed && page.t('letters.batch.printed'),
    channels.webform && page.t('letters.batch.sentOnWebsite'),
  ].filter((label) => typeof label === 'string');
  return labels.length === 0 ? undefined : formatList(page.language, labels);
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
  page: PageLanguage,
  retryHours: number | undefined,
): string | undefined {
  const values = {
    addressee: addresseeOf(row.salutation, row.recipient_name),
    id: receipt.id ?? '',
    time: receipt.at ? formatUtcDateTime(page.language, new Date(receipt.at)) : '',
    reason: receipt.reason ?? '',
    hours: retryHours ?? '',
  };
  // Why a letter of a CWC campaign went by the relay instead (the office not live, the Senate's titles).
  const why =
    row.cwc_route_note && receipt.channel === 'relay'
      ? ` ${page.t(ROUTE_NOTES[row.cwc_route_note], values)}`
      : '';
  switch (receipt.where) {
    case 'office':
      return page.t('letters.batch.receiptOffice', values);
    case 'campaign_inbox':
      return page.t('letters.batch.receiptCampaignInbox', values) + why;
    case 'failed':
      return page.t('letters.batch.receiptFailed', values);
    case 'pending':
      if (receipt.waiting) return page.t('cwcDelivery.receiptWaiting', values);
      return (
        page.t(
          receipt.channel === 'cwc' ? 'letters.batch.receiptPendingCwc' : 'letters.batch.receiptPendingRelay',
          values,
        ) + why
      );
    default:
      return undefined;
  }
}

/**
 * The batch page: its letters (`rows`, in their batch), what the outbox knows of each (`status`) and
 * the notice the page was sent with.
 */
export async function buildBatchPageView(
  deps: BatchPageDeps,
  page: PageLanguage,
  input: {
    batchId: string;
    rows: LetterRow[];
    status: Pick<BatchStatus, 'letters'>;
    notice?: string;
  },
) {
  const { batchId, rows, status, notice } = input;
  const { civic, clock } = deps;
  const campaign = deps.campaigns.get(rows[0]!.campaign);
  const statusOf = (id: string) => status.letters.find((l) => l.id === id);
  const anyChannelDone = (id: string) => Object.values(statusOf(id)?.channels ?? {}).some(Boolean);
  const sentSomething = rows.some(
    (row) => row.status === 'queued' || row.status === 'sent' || anyChannelDone(row.id),
  );
  const texts = campaign.textsIn(page.language);
  // The House letter's district, when the batch has one: its progress toward the campaign's goal there.
  const house = rows.map(houseDistrictOf).find((district) => district !== undefined);
  const districtGoal = await districtGoalProgress(deps, campaign, house);
  const unverified = rows.some((r) => r.verified_at === null && r.purged_at === null);
  return {
    title: `${page.t('letters.batch.title')}: ${texts.shortTitle}`,
    campaign,
    texts,
    batchId,
    districtGoal,
    notice,
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
      const { channels, receipt } = statusOf(row.id) ?? {};
      // Not sent, and never to be: the member list in service no longer has the recipient.
      const leftCongress =
        row.status !== 'sent' && recipientStanding(civic, row.bioguide, clock.now()) === 'left_congress';
      // Not sent because it no longer meant what its writer approved (letters/renewal).
      const outdated = !leftCongress && isOutdated(row);
      const heldForMap = isAwaitingMap(row);
      return {
        row,
        member,
        leftCongress,
        outdated,
        // Not sent yet: the recipient's term has ended and the next Congress's list is not loaded, or
        // (a House letter) the writer's state's new districts are not published yet.
        held: !leftCongress && deps.letters.isHeld(row),
        heldForMap,
        receipt: receipt ? receiptLine(receipt, row, page, deps.config.cwc?.retryHours) : undefined,
        // What was done ("printed and sent on website"), listed only once something was.
        done: doneLabel(channels, page),
        contactUrl: member?.contactUrl,
        text: row.body === null ? null : letterAsText(savedLetter(row)),
      };
    }),
  };
}

/** A letter's print view: the letter as printed, and the offices it may be mailed to, the chosen one selected. */
export function buildPrintPageView(row: LetterRow, member: Member | undefined, now: Date) {
  const choice = printableLetter(row, member, now);
  return {
    title: `Letter to ${row.recipient_name}`,
    layout: 'print',
    row,
    letter: choice.letter,
    office: choice.office,
    options: choice.options.map((o) => ({ ...o, selected: o.id === choice.office?.id })),
    whyDistrictOffice: WHY_DISTRICT_OFFICE,
  };
}

/** The page behind the renewal email's link: the letter as it would now read, and to whom it first went. */
export function buildRenewalPageView(page: PageLanguage, letter: LetterRow, renewal: Renewal | undefined) {
  return {
    title: page.t('letters.renewal.title'),
    id: letter.id,
    oldRecipient: letter.recipient_name,
    renewal: renewal && { recipient: renewal.member.formalName, text: letterAsText(renewal.composed) },
    campaignUrl: `/campaigns/${encodeURIComponent(letter.campaign)}`,
  };
}

/** The page behind the emailed link: the letters it would send (or count) and where each goes. */
export function buildConfirmPageView(
  deps: { config: Pick<Config, 'replies'>; campaigns: CampaignCatalog },
  page: PageLanguage,
  input: {
    token: string;
    preview: ConfirmationPreview;
    channelOf: (letter: LetterRow) => 'cwc' | 'relay';
  },
) {
  const { token, preview, channelOf } = input;
  return {
    title: page.t('letters.confirm.title'),
    token,
    // "Ask me whether my members replied": off unless ticked.
    askReplies: {
      days: deps.config.replies.askAfterDays,
      reminderDays: deps.config.replies.reminderAfterDays,
    },
    verifyOnly: preview.purpose === 'verify',
    letters: preview.letters
      .filter((row) => row.purged_at === null)
      .map((row) => ({
        row,
        text: row.body === null ? null : letterAsText(savedLetter(row)),
        destination: destinationOf(row, deps.campaigns.get(row.campaign), channelOf),
      })),
  };
}
