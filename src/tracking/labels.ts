/** tracking/labels: members and House districts as the organiser's and the public pages name them. */
import type { CivicIndex } from '../civic-data/load';
import { STATE_NAMES } from './us-map';

/** `CA-12` -> "California, district 12"; `AK-0` -> "Alaska, at large". */
export function districtLabel(key: string): string {
  const [state = '', n = ''] = key.split('-');
  const name = STATE_NAMES[state] ?? state;
  return n === '0' ? `${name}, at large` : `${name}, district ${n}`;
}

/** The member's formal name in the data in service, or a label that says they are not in it. */
export function memberLabel(deps: { civic: Pick<CivicIndex, 'memberByBioguide'> }, bioguide: string): string {
  const member = deps.civic.memberByBioguide(bioguide);
  return member ? member.formalName || member.name : `Former or unknown member (${bioguide})`;
}
