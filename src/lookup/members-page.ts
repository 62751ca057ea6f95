/**
 * lookup/members-page: the members of an address as the members and write pages show them: the lookup
 * narrowed to the district the link or form names, and the members page's cards and district choices.
 */
import type { AskResolver } from '../campaign/asks';
import type { Campaign } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import { formatLongDate, type PageLanguage } from '../platform/i18n-format';
import { constituencyOf, geocodedDistrict } from './constituency';
import { findMembersForAddress, type LookupResult } from './find-members';
import type { MemberLocator } from './locate';

/** The members a lookup found, as the member data in service has them. */
function membersOf(civic: CivicIndex, result: LookupResult): Member[] {
  return result.members
    .map((m) => civic.memberByBioguide(m.bioguide))
    .filter((m): m is Member => m !== undefined);
}

/**
 * Members for an address, narrowed to the district the link or form names once the lookup allows it
 * (one of the ZIP code's districts, or the geocoder's for a PO-box ZIP code): the rule the save applies.
 */
export async function findMembersToWrite(
  deps: { civic: CivicIndex; clock: Clock; locator: Pick<MemberLocator, 'findForAddress'> },
  address: string,
  district: string | undefined,
) {
  const { civic } = deps;
  const now = deps.clock.now();
  if (district) {
    const named = { state: '', zip: '', district, lookedUp: address };
    constituencyOf(civic, named, now, await geocodedDistrict(civic, named, now, deps.locator.findForAddress));
  }
  const result = findMembersForAddress(civic, { address, district: district || undefined }, now);
  return { result, members: membersOf(civic, result) };
}

export type MembersToWrite = Awaited<ReturnType<typeof findMembersToWrite>>;

/** The members page for a located address or point: each member with their standing on the bill. */
export function buildMembersPageView(
  deps: { civic: CivicIndex; asks: AskResolver; locator: Pick<MemberLocator, 'locationAvailable'> },
  page: PageLanguage,
  campaign: Campaign,
  query: { address?: string; district?: string; ref?: string },
  result: LookupResult,
) {
  const members = membersOf(deps.civic, result);
  const main = result.districts[0];
  // A district settled by the person, the geocoder or the map travels on to the letter page.
  const settled = !result.ambiguous && main && result.precision !== 'state';
  /** "Introduced the bill" / "Cosponsor since 12 June 2025" / nothing, for a member card. */
  const standingOf = (member: Member) => {
    const ask = deps.asks.forMember(campaign, member);
    const sponsorship = ask.sponsorship;
    return {
      ...member,
      bill: ask.bill.label,
      introduced: sponsorship?.introduced ?? false,
      cosponsorSince:
        sponsorship && !sponsorship.introduced ? formatLongDate(page.language, sponsorship.since) : undefined,
    };
  };
  return {
    title: `${page.t('lookup.members.title')}: ${campaign.textsIn(page.language).shortTitle}`,
    campaign,
    address: query.address,
    ref: query.ref,
    result,
    chosenDistrict:
      settled && (query.district || result.precision === 'address' || result.precision === 'point')
        ? `${main.state}-${main.district}`
        : undefined,
    locationAvailable: deps.locator.locationAvailable,
    senators: members.filter((m) => m.chamber === 'senate').map(standingOf),
    house: members.filter((m) => m.chamber === 'house').map(standingOf),
    districtChoices: districtChoices(result, members),
    mostOfZip: mostOfZip(result),
    canWrite: members.length > 0,
  };
}

const percent = (share: number | undefined): number | undefined =>
  share === undefined ? undefined : Math.round(share * 100);

/** The House candidates to choose from, each with its share of the ZIP area's land when the data gives it. */
function districtChoices(result: LookupResult, members: readonly Member[]) {
  return members
    .filter((m) => m.chamber === 'house')
    .map((member) => ({
      member,
      percent: percent(
        result.districts.find((d) => d.state === member.state && d.district === member.district)?.share,
      ),
    }));
}

/** "Most of ZIP 61801 is in IL-13": only from overlap shares, and only when one district has most of it. */
function mostOfZip(result: LookupResult) {
  const first = result.districts[0];
  if (!result.ambiguous || first?.share === undefined || first.share < 0.5) return undefined;
  return { zip: result.zip, state: first.state, district: first.district, percent: percent(first.share) };
}
