/** tracking/labels: members and House districts as the organiser's and the public pages name them. */
import type { CivicIndex } from '../civic-data/load';
import { stateByAbbr } from '../civic-data/states';

/** `IL` -> "Illinois"; a code not in the state list stays as it is. */
export const stateName = (code: string): string => stateByAbbr(code)?.name ?? code;

/** `CA-12` -> "California, district 12"; `AK-0` -> "Alaska, at large". */
export function districtLabel(key: string): string {
  const [state = '', n = ''] = key.split('-');
  return n === '0' ? `${stateName(state)}, at large` : `${stateName(state)}, district ${n}`;
}

/** The member's formal name in the data in service, or a label that says they are not in it. */
export function memberLabel(deps: { civic: Pick<CivicIndex, 'memberByBioguide'> }, bioguide: string): string {
  const member = deps.civic.memberByBioguide(bioguide);
  return member ? member.formalName || member.name : `Former or unknown member (${bioguide})`;
}
