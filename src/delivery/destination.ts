/**
 * delivery/destination: where a confirmed letter will actually go, said the same way in the confirmation
 * email and on the page behind its link. Only CWC reaches an office by itself; an address the campaign lists
 * for a member is the office's own; anything else is a copy in the campaign's inbox (docs/delivery.md).
 */
import type { Campaign } from '../campaign/campaign';
import type { LetterRow } from '../letters/letter-store';
import type { CwcDelivery } from './cwc/cwc-delivery';

type LetterDestination =
  | { kind: 'office_system' }
  | { kind: 'office_email'; address: string }
  | { kind: 'campaign_inbox'; address: string };

/** Which channel the outbox will use for a confirmed letter: CWC's route, or the relay without CWC. */
export function channelWith(
  cwc: Pick<CwcDelivery, 'route'> | undefined,
): (letter: LetterRow) => 'cwc' | 'relay' {
  return (letter) => (cwc && letter.purged_at === null ? cwc.route(letter).channel : 'relay');
}

/** Where the office copy of a letter goes: the campaign's address for that member, else its inbox. */
export function officeAddressFor(campaign: Campaign, bioguide: string): string {
  return campaign.delivery.byMember[bioguide] ?? campaign.delivery.inbox;
}

/** The destination of one letter if its batch were confirmed now. */
export function destinationOf(
  letter: LetterRow,
  campaign: Campaign,
  channelOf: (letter: LetterRow) => 'cwc' | 'relay',
): LetterDestination {
  if (channelOf(letter) === 'cwc') return { kind: 'office_system' };
  const address = officeAddressFor(campaign, letter.bioguide);
  return { kind: address === campaign.delivery.inbox ? 'campaign_inbox' : 'office_email', address };
}
