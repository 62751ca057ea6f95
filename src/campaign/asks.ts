/**
 * campaign/asks: which letter a member gets. The Congress of the member's chamber's bill and the clock
 * decide between the ordinary ask and the between-Congresses one (each chamber's own: one may have its
 * reintroduced bill adopted while the other still asks for one); the sponsor roll decides whether a member is thanked
 * (a sponsor, or a cosponsor who has not withdrawn) or asked to sign on.
 */
import type { Member } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import {
  billSituation,
  companionBill,
  type AskKind,
  type BillSituation,
  type CampaignBill,
  type ChamberBillSituation,
} from './bills';
import type { Campaign } from './campaign';
import type { SponsorRoll, Sponsorship } from './sponsors';

export interface LetterAsk {
  kind: AskKind;
  situation: BillSituation;
  /** Where the member's chamber's bill stands: each chamber's ask follows its own bill. */
  chamber: ChamberBillSituation;
  /** The member's chamber's bill, and the other chamber's (campaign/bills companionBill). */
  bill: CampaignBill;
  companion: CampaignBill;
  sponsorship: Sponsorship | undefined;
  /** Handlebars sources: the body and the subject line. */
  template: string;
  subject: string;
}

type MemberRef = Pick<Member, 'bioguide' | 'chamber'>;

export type AskResolver = ReturnType<typeof createAskResolver>;

export function createAskResolver(deps: { clock: Clock; sponsors: SponsorRoll }) {
  function situation(campaign: Campaign): BillSituation {
    return billSituation(campaign.congresses, deps.clock.now());
  }
  /** The situation with each chamber's companion bill, worked out once for however many members. */
  function situationWithCompanions(campaign: Campaign) {
    const current = situation(campaign);
    return {
      current,
      companions: { senate: companionBill(current, 'senate'), house: companionBill(current, 'house') },
    };
  }
  function askIn(
    { current, companions }: ReturnType<typeof situationWithCompanions>,
    campaign: Campaign,
    member: MemberRef,
  ): LetterAsk {
    const chamber = current.chambers[member.chamber];
    const sponsorship = deps.sponsors.sponsorshipOf(current, chamber.bill, member.bioguide);
    const kind: AskKind = chamber.expired ? 'reintroduce' : sponsorship ? 'thanks' : 'support';
    return {
      kind,
      situation: current,
      chamber,
      bill: chamber.bill,
      companion: companions[member.chamber],
      sponsorship,
      template: campaign.templates[kind][member.chamber],
      subject: campaign.asks[kind].subject[member.chamber],
    };
  }
  return {
    situation,
    forMember: (campaign: Campaign, member: MemberRef) =>
      askIn(situationWithCompanions(campaign), campaign, member),
    /** The asks of many members at one instant: the bills' situation is worked out once, not per member. */
    forMembers(campaign: Campaign, members: readonly MemberRef[]) {
      const now = situationWithCompanions(campaign);
      return members.map((member) => askIn(now, campaign, member));
    },
  };
}
