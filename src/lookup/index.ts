/** lookup: address or ZIP code to members of Congress. */
export { parseAddress, parseZip, MAX_ADDRESS_LENGTH } from './address';
export type { ParsedAddress } from './address';
export { findMembersForAddress, pickHouseDistrict, summarizeMember } from './find-members';
export type { LookupInput, LookupOptions, LookupResult, MemberSummary } from './find-members';
export { stateForZip, isMilitaryZip } from './zip-prefixes';
