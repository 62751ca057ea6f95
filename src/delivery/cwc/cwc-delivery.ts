/**
 * delivery/cwc/cwc-delivery: the CWC channel of the outbox. Decides, when a batch is confirmed, which
 * letters go to their office through CWC and which keep the email relay (and why: the office is not on
 * its service's list today, the Senate does not take the writer's title, or the letter cannot be carried
 * as the schema demands); and delivers a 'cwc' outbox row: the document is rebuilt from the database on
 * every attempt with the row's id as DeliveryId, so a retry or a resend after a crash carries the same id
 * and the office can recognise it.
 */
import crypto from 'node:crypto';
import type { Campaign } from '../../campaign/campaign';
import type { Member } from '../../civic-data/types';
import type { CwcConfig } from '../../config/config';
import type { LetterRow } from '../../letters/letter-store';
import type { Clock } from '../../platform/clock';
import type { CwcRouteNote } from '../../storage/schema';
import { PermanentDeliveryError } from '../mailer';
import { attemptsToCover, type BackoffPolicy, type OutboxRow } from '../outbox';
import type { WorkerLogger } from '../outbox-worker';
import { createCwcClient } from './client';
import { memberOfficeCode, senateTakesPrefix } from './format';
import { letterDocument, type CwcLetter } from './letter-document';
import { createLiveOffices } from './offices';

/** CWC letters: 1 min, 2 min, ... 32 min, then hourly, jittered: a back-online office gets them soon. */
export const CWC_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 3_600_000, jitter: 0.2 };

/**
 * Attempts and back-off of a CWC letter: enough attempts that, however the jitter falls, they span
 * `retryHours` (at least 8: the House's daily maintenance window is 6 hours, the Senate's up to 6).
 */
export function cwcRetryPolicy(retryHours: number): { maxAttempts: number; backoff: BackoffPolicy } {
  return { maxAttempts: attemptsToCover(retryHours * 3_600_000, CWC_BACKOFF), backoff: CWC_BACKOFF };
}

/** A DeliveryId: 32 hex digits (the schema's 32 letters and digits). */
export function newDeliveryId(): string {
  return crypto.randomBytes(16).toString('hex');
}

interface CwcDeliveryDeps {
  config: CwcConfig;
  campaigns: { get(slug: string): Campaign };
  civic: { memberByBioguide(id: string): Member | undefined };
  clock: Clock;
  /** PUBLIC_URL, without a trailing slash (the config trims it). */
  publicUrl: string;
  logger: Pick<WorkerLogger, 'warn' | 'info'>;
}

/** Where a confirmed letter goes: CWC, or the relay with the reason when CWC was in play for it. */
type CwcRoute = { channel: 'cwc' } | { channel: 'relay'; note: CwcRouteNote | null };

export type CwcDelivery = ReturnType<typeof createCwcDelivery>;

export function createCwcDelivery(deps: CwcDeliveryDeps) {
  const { config } = deps;
  const house =
    config.house && createCwcClient({ chamber: 'house', ...config.house, timeoutMs: config.timeoutMs });
  const senate =
    config.senate && createCwcClient({ chamber: 'senate', ...config.senate, timeoutMs: config.timeoutMs });
  const offices = createLiveOffices(
    [house, senate].filter((client) => client !== undefined),
    { now: () => deps.clock.now(), logger: deps.logger },
  );

  function campaignOf(slug: string): Campaign | undefined {
    try {
      return deps.campaigns.get(slug);
    } catch {
      return undefined;
    }
  }

  function documentOf(letter: CwcLetter, member: Member, campaign: Campaign, deliveryId: string): string {
    return letterDocument({
      letter,
      member,
      campaign,
      agent: config.agent,
      deliveryId,
      deliveredAt: deps.clock.now(),
      moreInfo: `${deps.publicUrl}/campaigns/${campaign.slug}`,
    });
  }

  /** The letter's office and its service, when CWC is configured for that chamber and the campaign. */
  function reach(letter: Pick<LetterRow, 'campaign' | 'bioguide' | 'chamber'>) {
    const campaign = campaignOf(letter.campaign);
    const member = deps.civic.memberByBioguide(letter.bioguide);
    if (!campaign?.cwc || !member || member.chamber !== letter.chamber) return undefined;
    const office = memberOfficeCode(member);
    const service = member.chamber === 'house' ? house : senate;
    if (!office || !service) return undefined;
    return { campaign, member, office, service };
  }

  return {
    /** The offices that take CWC today (read at start-up and with each data refresh). */
    offices,

    /** The route of one confirmed letter (its personal data still present). */
    route(letter: LetterRow): CwcRoute {
      const found = reach(letter);
      if (!found) return { channel: 'relay', note: null };
      if (!offices.takes(found.office)) return { channel: 'relay', note: 'office_not_live' };
      if (found.member.chamber === 'senate' && !senateTakesPrefix(letter.sender_prefix)) {
        return { channel: 'relay', note: 'senate_title' };
      }
      if (!letter.body || !letter.sender_name || !letter.sender_email)
        return { channel: 'relay', note: null };
      try {
        // Built once now, as it will be sent: a letter the schema would refuse never takes this channel.
        documentOf(letter as CwcLetter, found.member, found.campaign, newDeliveryId());
      } catch {
        return { channel: 'relay', note: 'not_cwc_ready' };
      }
      return { channel: 'cwc' };
    },

    /** Delivers the letter of a 'cwc' outbox row; throws a DeliveryError as the mail transport does. */
    async deliver(row: OutboxRow, letter: LetterRow | undefined): Promise<void> {
      if (!letter) throw new PermanentDeliveryError('letter_not_found');
      if (letter.purged_at !== null || !letter.body || !letter.sender_name || !letter.sender_email) {
        throw new PermanentDeliveryError('personal_data_deleted');
      }
      const found = reach(letter);
      if (!found) throw new PermanentDeliveryError('cwc_office_not_reachable');
      let xml: string;
      try {
        xml = documentOf(letter as CwcLetter, found.member, found.campaign, row.id);
      } catch (error) {
        // A letter the format cannot carry (a field out of range): the service would refuse it too.
        const field = (error as { issues?: Array<{ path: PropertyKey[] }> }).issues?.[0]?.path.join('.');
        throw new PermanentDeliveryError(`cwc_document_invalid${field ? `: ${field}` : ''}`);
      }
      await found.service.deliver(xml);
    },
  };
}
