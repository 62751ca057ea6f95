/**
 * lookup/constituency: which members a letter may go to. A letter says "As your constituent in ...", so it
 * goes only to the senators of the state and the House member of the one district the writer's address is
 * in, and it is signed with the state and ZIP code that were looked up (issue 28). The district is the one
 * the ZIP code has, the one the geocoder found for the street address, or the one the writer chose among
 * the ZIP code's districts (on the members page, or by ticking one House member); one per batch. What a
 * form carries (the looked-up address, the district) is checked against a new lookup, never trusted.
 */
import type { CivicIndex } from '../civic-data/load';
import type { DistrictRef, Member } from '../civic-data/types';
import { NotYourMemberError, ValidationError } from '../platform/errors';
import type { Message } from '../platform/messages';
import {
  districtCode,
  findMembersForAddress,
  parseDistrictChoice,
  type LookupInput,
  type LookupResult,
} from './find-members';

interface ConstituentAddress {
  /** The state and ZIP code the letter is signed with (the sender's fields). */
  state: string;
  zip: string;
  /** The district the writer chose or the lookup settled ("IL-13"), as the form sent it. */
  district?: string | undefined;
  /**
   * What the writer looked up (the address typed on the first page, carried by the form); the state and
   * ZIP above must be its. Without it, the state and ZIP are the lookup (the JSON preview).
   */
  lookedUp?: string | undefined;
}

/** Where a writer may write from, as the lookup decided it. */
export interface Constituency {
  /** The looked-up ZIP code (5 digits). */
  zip: string;
  /** The looked-up state, or the states of a ZIP code across a state line when no state was written. */
  states: string[];
  /**
   * The House districts the writer may be in: the settled one, or the ZIP code's candidates while the
   * writer has not chosen (a letter then goes to one of them only); none when the ZIP cannot tell.
   */
  districts: DistrictRef[];
  settled: boolean;
}

/** A district the geocoder found for a street address (src/lookup/locate.ts), when it found one. */
export type Geocode = (input: LookupInput) => Promise<LookupResult>;

const same = (a: DistrictRef, b: DistrictRef) => a.state === b.state && a.district === b.district;

function lookedUpText(address: ConstituentAddress): string {
  return address.lookedUp?.trim() ? address.lookedUp : `${address.state} ${address.zip}`;
}

function zipLookup(index: CivicIndex, address: ConstituentAddress, now: Date): LookupResult {
  try {
    return findMembersForAddress(index, { address: lookedUpText(address) }, now);
  } catch (error) {
    // The looked-up address travels in a hidden field: if it no longer reads as an address, the writer
    // looks it up again (the ZIP field is where they can see the problem).
    if (!(error instanceof ValidationError) || !address.lookedUp?.trim()) throw error;
    throw ValidationError.forField('sender.zip', 'constituency.lookUpAgain');
  }
}

/**
 * The geocoded district for the looked-up address, asked only where nothing else can settle a district
 * the form names: a ZIP code with no district of its own (PO boxes) in a state of several districts.
 */
export async function geocodedDistrict(
  index: CivicIndex,
  address: ConstituentAddress,
  now: Date,
  geocode: Geocode,
): Promise<DistrictRef | undefined> {
  if (!address.district || !address.lookedUp?.trim()) return undefined;
  const zipResult = zipLookup(index, address, now);
  if (zipResult.precision !== 'state' || zipResult.districts.length > 0) return undefined;
  const located = await geocode({ address: address.lookedUp });
  const main = located.districts[0];
  return located.precision === 'address' && main ? { state: main.state, district: main.district } : undefined;
}

/** The lookup's answer for this address; throws ValidationError when the form's district is not allowed. */
export function constituencyOf(
  index: CivicIndex,
  address: ConstituentAddress,
  now: Date,
  geocoded?: DistrictRef,
): Constituency {
  const result = zipLookup(index, address, now);
  const candidates: DistrictRef[] = result.districts.map((d) => ({ state: d.state, district: d.district }));
  const zipStates = [...new Set(candidates.length > 0 ? candidates.map((d) => d.state) : [result.state])];
  let districts = candidates;
  let settled = candidates.length === 1;
  if (address.district) {
    const chosen = parseDistrictChoice(address.district);
    if (candidates.some((d) => same(d, chosen)) || (geocoded && same(geocoded, chosen))) {
      districts = [chosen];
      settled = true;
    } else if (candidates.length > 0) {
      throw ValidationError.forField('members', 'messages.districtNotInZip', {
        district: districtCode(chosen),
        zip: result.zip,
        choices: candidates.map(districtCode),
      });
    } else {
      throw ValidationError.forField('members', 'constituency.districtNeedsStreet', { zip: result.zip });
    }
  }
  const states = settled ? [districts[0]!.state] : zipStates;
  return { zip: result.zip, states, districts, settled };
}

function notYourMember(message: Message): NotYourMemberError {
  return new NotYourMemberError(message.key, { values: message.values, fields: { members: message } });
}

/**
 * Checks a batch against the lookup: the state and ZIP signed are the looked-up ones (ValidationError at
 * the field), the senators are the state's, and the House letter goes to one member, of a district the
 * address may be in (NotYourMemberError at `members`).
 */
export function assertRepresents(
  index: CivicIndex,
  address: ConstituentAddress,
  members: readonly Member[],
  now: Date,
  geocoded?: DistrictRef,
): void {
  const constituency = constituencyOf(index, address, now, geocoded);
  const zip = address.zip.slice(0, 5);
  if (zip !== constituency.zip) {
    throw ValidationError.forField('sender.zip', 'constituency.zipNotLookedUp', { zip: constituency.zip });
  }
  // "As your constituent in Springfield, NY" to Illinois's senators would mislead the office.
  if (!constituency.states.includes(address.state)) {
    throw ValidationError.forField('sender.zip', 'messages.zipNotInState', {
      zip: constituency.zip,
      state: address.state,
      zipStates: constituency.states.join(', '),
    });
  }
  const house = members.filter((m) => m.chamber === 'house');
  if (new Set(house.map((m) => `${m.state}-${m.district}`)).size > 1) {
    throw notYourMember({
      key: 'constituency.oneHouseMember',
      values: { names: house.map((m) => m.formalName) },
    });
  }
  const stranger = members.find((m) =>
    m.chamber === 'senate'
      ? m.state !== address.state
      : m.state !== address.state ||
        !constituency.districts.some((d) => d.state === m.state && d.district === m.district),
  );
  if (stranger) {
    throw notYourMember({
      key: 'messages.notYourMember',
      values: { name: stranger.formalName, place: `${address.state} ${zip}` },
    });
  }
}

/** The bioguide ids of every member who may receive a letter from this address (one House member at a time). */
export function representativesOf(index: CivicIndex, address: ConstituentAddress, now: Date): Set<string> {
  const constituency = constituencyOf(index, address, now);
  // A state the lookup does not give throws the ValidationError a save would.
  if (!constituency.states.includes(address.state)) assertRepresents(index, address, [], now);
  const house = constituency.districts
    .filter((d) => d.state === address.state)
    .map((d) => index.houseMemberFor(d.state, d.district))
    .filter((m): m is Member => m !== undefined);
  return new Set([...index.senatorsForState(address.state), ...house].map((m) => m.bioguide));
}
