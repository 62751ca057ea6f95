/**
 * lookup/constituency: which members represent a sender's address. A letter says "As your constituent in
 * ...", so only the state's senators and the district's House member (any of the candidates while the ZIP
 * is split, the person's pick recorded on the letter) may receive it. Pure functions over the civic index.
 */
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import { NotYourMemberError, ValidationError } from '../platform/errors';
import { findMembersForAddress, houseOf, senatorsOf, type LookupResult } from './find-members';

export interface ConstituentAddress {
  state: string;
  zip: string;
  /** The district the person chose or the geocoder settled ("IL-13"), when there was a choice. */
  district?: string | undefined;
}

function lookupZip(index: CivicIndex, address: ConstituentAddress, now: Date): LookupResult {
  const zip = address.zip.slice(0, 5);
  if (address.district) {
    try {
      return findMembersForAddress(index, { zip, district: address.district }, { now });
    } catch (error) {
      // A district that is not one of the ZIP's own cannot widen the choice: the ZIP's candidates stand.
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  return findMembersForAddress(index, { zip }, { now });
}

/** The bioguide ids of every member who may receive a letter from this address. */
export function representativesOf(index: CivicIndex, address: ConstituentAddress, now: Date): Set<string> {
  const result = lookupZip(index, address, now);
  const zipStates = new Set(
    result.districts.length > 0 ? result.districts.map((d) => d.state) : [result.state],
  );
  // "As your constituent in Springfield, NY" to Illinois's senators would mislead the office.
  if (!zipStates.has(address.state)) {
    throw ValidationError.forField('sender.zip', 'messages.zipNotInState', {
      zip: result.zip,
      state: address.state,
      zipStates: [...zipStates].join(', '),
    });
  }
  // A ZIP across a state line: the state the person wrote settles which side they live on.
  if (zipStates.size > 1 && zipStates.has(address.state)) {
    const districts = result.districts.filter((d) => d.state === address.state);
    return new Set(
      [...senatorsOf(index, address.state), ...houseOf(index, districts).members].map((m) => m.bioguide),
    );
  }
  return new Set(result.members.map((m) => m.bioguide));
}

/** Throws NotYourMemberError (field `members`) for the first member who does not represent the address. */
export function assertRepresents(
  index: CivicIndex,
  address: ConstituentAddress,
  members: readonly Member[],
  now: Date,
): void {
  if (members.length === 0) return;
  const allowed = representativesOf(index, address, now);
  const stranger = members.find((m) => !allowed.has(m.bioguide));
  if (!stranger) return;
  const message = {
    key: 'messages.notYourMember',
    values: { name: stranger.formalName, place: `${address.state} ${address.zip.slice(0, 5)}` },
  };
  throw new NotYourMemberError(message.key, { values: message.values, fields: { members: message } });
}
