/**
 * delivery/cwc/cwc-delivery: the CWC channel of the outbox. Decides, when a batch is confirmed, which
 * letters go to their office through CWC (House offices when CWC_* is set; Senate offices on the SCWC
 * list) and which keep the email relay; and delivers a 'cwc' outbox row: the document is rebuilt from the
 * database on every attempt with the row's id as DeliveryId, so a retry or a resend after a crash carries
 * the same id and the office can recognise it.
 */
import crypto from 'node:crypto';
import type { Campaign } from '../../campaign/campaign';
import type { Member } from '../../civic-data/types';
import type { CwcConfig } from '../../config/config';
import { findLetter } from '../../letters/letter-store';
import type { Clock } from '../../platform/clock';
import type { Storage } from '../../storage/database';
import { PermanentDeliveryError } from '../mailer';
import type { OutboxRow } from '../outbox';
import { createCwcClient, type CwcClient } from './client';
import { letterDocument, officeOf, type CwcLetter } from './letter-document';

/** A DeliveryId: 32 hex digits (CWC allows up to 32 letters and digits). */
export function newDeliveryId(): string {
  return crypto.randomBytes(16).toString('hex');
}

export interface CwcDeliveryDeps {
  config: CwcConfig;
  storage: Storage;
  campaigns: { get(slug: string): Campaign };
  civic: { memberByBioguide(id: string): Member | undefined };
  clock: Clock;
  publicUrl: string;
}

export interface CwcDelivery {
  /** Whether this letter goes to its office through CWC (else the email relay). */
  takes(letter: { campaign: string; bioguide: string; chamber: 'senate' | 'house' }): boolean;
  /** Delivers the letter of a 'cwc' outbox row; throws a DeliveryError as the mail transport does. */
  deliver(row: OutboxRow): Promise<void>;
}

export function createCwcDelivery(deps: CwcDeliveryDeps): CwcDelivery {
  const { config } = deps;
  const client = (url: string, apiKey: string): CwcClient =>
    createCwcClient({
      url,
      apiKey,
      timeoutMs: config.timeoutMs,
    });
  const house = config.house ? client(config.house.url, config.house.apiKey) : undefined;
  const senate = config.senate ? client(config.senate.url, config.senate.apiKey) : undefined;

  function campaignOf(slug: string): Campaign | undefined {
    try {
      return deps.campaigns.get(slug);
    } catch {
      return undefined;
    }
  }

  /** The service for a member, or undefined when CWC does not reach that office. */
  function serviceFor(member: Member | undefined): CwcClient | undefined {
    if (!member) return undefined;
    const office = officeOf(member);
    if (!office) return undefined;
    if (member.chamber === 'house') return house;
    const offices = config.senate?.offices;
    if (!offices) return undefined;
    return offices === 'all' || offices.includes(office) ? senate : undefined;
  }

  return {
    takes(letter) {
      if (!campaignOf(letter.campaign)?.cwc) return false;
      const member = deps.civic.memberByBioguide(letter.bioguide);
      return member?.chamber === letter.chamber && serviceFor(member) !== undefined;
    },

    async deliver(row) {
      if (!row.letter_id) throw new PermanentDeliveryError('letter_not_found');
      const letter = await findLetter(deps.storage.db, row.letter_id);
      if (!letter) throw new PermanentDeliveryError('letter_not_found');
      if (letter.purged_at !== null || !letter.body || !letter.sender_name || !letter.sender_email) {
        throw new PermanentDeliveryError('personal_data_deleted');
      }
      const campaign = campaignOf(letter.campaign);
      const member = deps.civic.memberByBioguide(letter.bioguide);
      const service = serviceFor(member);
      if (!campaign?.cwc || !member || !service) throw new PermanentDeliveryError('cwc_office_not_reachable');
      let xml: string;
      try {
        xml = letterDocument({
          letter: letter as CwcLetter,
          member,
          campaign,
          agent: config.agent,
          deliveryId: row.id,
          deliveredAt: deps.clock.now(),
          moreInfo: `${deps.publicUrl.replace(/(?<!\/)\/+$/, '')}/campaigns/${campaign.slug}`,
        });
      } catch (error) {
        // A letter the format cannot carry (a field out of range): the service would refuse it too.
        const field = (error as { issues?: Array<{ path: PropertyKey[] }> }).issues?.[0]?.path.join('.');
        throw new PermanentDeliveryError(`cwc_document_invalid${field ? `: ${field}` : ''}`);
      }
      await service.deliver(xml);
    },
  };
}
