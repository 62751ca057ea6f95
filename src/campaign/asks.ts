/**
 * campaign/asks: which letter a member gets. The bills' Congress and the clock decide between the
 * ordinary ask and the between-Congresses one; the sponsor roll decides whether a member is thanked
 * (a sponsor, or a cosponsor who has not withdrawn) or asked to sign on.
 */
import type { Chamber, Member } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import { askFor, billSituation, type AskKind, type BillSituation, type CampaignBill } from './bills';
import type { Campaign } from './campaign';
import type { SponsorRoll, Sponsorship } from './sponsors';

export interface LetterAsk {
  kind: AskKind;
  situation: BillSituation;
  /** The member's chamber's bill, and the other chamber's. */
  bill: CampaignBill;
  companion: CampaignBill;
  sponsorship: Sponsorship | undefined;
  /** Handlebars sources: the body and the subject line. */
  template: string;
  subject: string;
}

export interface AskResolver {
  situation(campaign: Campaign): BillSituation;
  forMember(campaign: Campaign, member: Pick<Member, 'bioguide' | 'chamber'>): LetterAsk;
}

const OTHER: Record<Chamber, Chamber> = { senate: 'house', house: 'senate' };

export function createAskResolver(deps: { clock: Clock; sponsors: SponsorRoll }): AskResolver {
  function situation(campaign: Campaign): BillSituation {
    return billSituation(campaign.congresses, deps.clock.now());
  }
  return {
    situation,
    forMember(campaign, member) {
      const current = situation(campaign);
      const bill = current.bills[member.chamber];
      const sponsorship = deps.sponsors.sponsorshipOf(campaign, current, bill, member.bioguide);
      const kind = askFor(current, sponsorship !== undefined);
      return {
        kind,
        situation: current,
        bill,
        companion: current.bills[OTHER[member.chamber]],
        sponsorship,
        template: campaign.templates[kind][member.chamber],
        subject: campaign.asks[kind].subject[member.chamber],
      };
    },
  };
}
