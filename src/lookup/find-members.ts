/**
 * lookup/find-members: from an address or a ZIP code to the person's senators and House member.
 * Pure functions over the in-memory civic index: no Express, no database, no network.
 *
 * Policy (see docs/data.md):
 * - a ZIP area in one district: that member, precision 'zip';
 * - a ZIP area in several districts of one state: every candidate, most likely first, ambiguous;
 * - a ZIP area across a state line: senators only once the state is certain (the state written in the
 *   address, or the district the person picks); until then only the House candidates, ambiguous;
 * - a ZIP with no ZIP-area row (PO boxes, single-organisation ZIPs): the state from the USPS prefix,
 *   precision 'state', senators, and the House member only where the state has a single seat;
 * - vacant seats are listed in `vacancies`, never silently skipped.
 */
import { ValidationError } from '../platform/errors';
import { englishParagraph, type Message, type MessageValues } from '../platform/messages';
import type { CivicIndex } from '../civic-data/load';
import { hasSenators, stateByAbbr } from '../civic-data/states';
import type { DistrictRef, Member, ZipDistrict } from '../civic-data/types';
import { parseAddress, parseZip, ADDRESS_EXAMPLE, type ParsedAddress } from './address';
import { isMilitaryZip, stateForZip } from './zip-prefixes';

/** What a lookup tells of a member (the JSON API's fields, in its order). */
const SUMMARY_FIELDS = [
  'bioguide',
  'chamber',
  'name',
  'formalName',
  'title',
  'firstName',
  'lastName',
  'state',
  'district',
  'party',
  'phone',
  'url',
  'contactUrl',
] as const satisfies ReadonlyArray<keyof Member>;
type MemberSummary = Pick<Member, (typeof SUMMARY_FIELDS)[number]>;

export interface LookupResult {
  /** The ZIP code used (5 digits). */
  zip: string;
  /** The address as parsed, when an address (not a bare ZIP field) was given. */
  parsed?: ParsedAddress;
  state: string;
  /** Candidate House districts, most likely first; `share` (0..1) when the data gives overlap areas. */
  districts: ZipDistrict[];
  /** zip: ZIP-area table; state: ZIP prefix only; address: Census geocoder; point: district boundaries. */
  precision: 'zip' | 'state' | 'address' | 'point';
  /** Point lookups only: the point lies within about 1 km of a district line. */
  nearBoundary?: boolean;
  /** More than one House district (or state) is possible: ask the person to choose. */
  ambiguous: boolean;
  /** Senators (when the state is certain), then the House member of every candidate district. */
  members: MemberSummary[];
  vacancies: DistrictRef[];
  /** The ZIP does not tell the district (PO box ZIP in a multi-district state): ask for a home address. */
  needsFullAddress: boolean;
  /** What the person should know (split ZIP, vacant seat), to translate; `message` is their English. */
  notes: Message[];
  message?: string;
  data: { asOf: string; congress: number; validUntil: string; stale: boolean };
}

export interface LookupInput {
  address?: string;
  zip?: string;
  /** The district the person chose among the candidates: "CA-14", "AK-AL". */
  district?: string;
}

function summarizeMember(member: Member): MemberSummary {
  return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, member[field]])) as MemberSummary;
}

/** "IL-13", "AK-AL": a district as the messages name it. */
export const districtCode = (d: DistrictRef): string => `${d.state}-${d.district === 0 ? 'AL' : d.district}`;

/** Which member data answered, and whether it is past its date. */
export function lookupData(index: CivicIndex, now: Date): LookupResult['data'] {
  const { snapshotDate: asOf, congress, validUntil } = index.meta;
  return { asOf, congress, validUntil, stale: index.isStale(now) };
}

function fail(field: string, messageKey: string, values?: MessageValues): never {
  throw ValidationError.forField(field, messageKey, values);
}

/**
 * The result with its members: the senators of `senatorState` (none when undefined), then the House member
 * of each of `house`; and its notes (their English in `message`), then one on any vacant seat among them.
 */
export function withMembers(
  index: CivicIndex,
  result: Omit<LookupResult, 'members' | 'vacancies' | 'notes' | 'message'>,
  senatorState: string | undefined,
  house: readonly DistrictRef[],
  notes: Array<Message | undefined> = [],
): LookupResult {
  const { members, vacancies } = houseOf(index, house);
  const full: LookupResult = {
    ...result,
    members: [...(senatorState ? senatorsOf(index, senatorState) : []), ...members],
    vacancies,
    notes: [...notes, vacancyNote(vacancies)].filter((n): n is Message => n !== undefined),
  };
  const message = englishParagraph(full.notes);
  if (message === undefined) delete full.message;
  else full.message = message;
  return full;
}

/** The state's senators, by last name (none for DC and the territories). */
function senatorsOf(index: CivicIndex, state: string): MemberSummary[] {
  if (!hasSenators(state)) return [];
  return index
    .senatorsForState(state)
    .sort((a, b) => a.lastName.localeCompare(b.lastName))
    .map(summarizeMember);
}

/** The House members of the given districts, and the vacant ones among them. */
function houseOf(
  index: CivicIndex,
  districts: readonly DistrictRef[],
): { members: MemberSummary[]; vacancies: DistrictRef[] } {
  const members: MemberSummary[] = [];
  const vacancies: DistrictRef[] = [];
  for (const d of districts) {
    const member = index.houseMemberFor(d.state, d.district);
    if (member) members.push(summarizeMember(member));
    else vacancies.push({ state: d.state, district: d.district });
  }
  return { members, vacancies };
}

function vacancyNote(vacancies: readonly DistrictRef[]): Message | undefined {
  if (vacancies.length === 0) return undefined;
  const seats = vacancies.map(districtCode);
  return { key: vacancies.length === 1 ? 'messages.vacantSeat' : 'messages.vacantSeats', values: { seats } };
}

/** "IL-13", "AK-AL": a district as a form or the API names it (not yet checked against a ZIP). */
export function parseDistrictChoice(choice: string): DistrictRef {
  const match = /^\s*([A-Za-z]{2})\s*-\s*(AL|\d{1,2})\s*$/i.exec(choice);
  if (!match) fail('district', 'messages.chooseDistrict');
  const district = match[2]!.toUpperCase() === 'AL' ? 0 : Number(match[2]);
  return { state: match[1]!.toUpperCase(), district };
}

/**
 * Narrows a result to the district the person chose. The choice must be one of the candidate districts,
 * or, for a state-precision result, any district of that state.
 */
function pickHouseDistrict(index: CivicIndex, result: LookupResult, chosen: string): LookupResult {
  const pick = parseDistrictChoice(chosen);
  const allowed =
    result.districts.length > 0 && result.precision === 'zip'
      ? result.districts
      : index.districtsInState(result.state);
  const match = allowed.find((d) => d.state === pick.state && d.district === pick.district);
  if (!match) {
    if (allowed.length === 0)
      fail('district', 'messages.districtNotInZipNone', { district: districtCode(pick) });
    fail('district', 'messages.districtNotInZip', {
      district: districtCode(pick),
      zip: result.zip,
      choices: allowed.map(districtCode),
    });
  }
  const narrowed = {
    ...result,
    state: match.state,
    districts: [match],
    ambiguous: false,
    needsFullAddress: false,
  };
  return withMembers(index, narrowed, match.state, [match]);
}

/**
 * For a state whose new Congress's districts are not published yet (civic-data/import `awaitingMaps`):
 * the reason there is no ZIP answer, and what to do (give a street address).
 */
function awaitingNote(index: CivicIndex, state: string): Message | undefined {
  if (!index.meta.awaitingMaps?.zips.includes(state)) return undefined;
  return {
    key: 'awaitingMaps.lookup',
    values: { name: stateByAbbr(state)?.name ?? state, code: state, congress: index.meta.congress },
  };
}

/** Finds the members of Congress for an address (or a bare ZIP code). Throws ValidationError on bad input. */
export function findMembersForAddress(
  index: CivicIndex,
  input: LookupInput,
  /** The app's clock's now: the data's staleness and the Congress in service follow it. */
  now: Date,
): LookupResult {
  let field: 'address' | 'zip' = 'address';
  let zip: string;
  let parsed: ParsedAddress | undefined;
  if (typeof input.address === 'string' && input.address.trim()) {
    parsed = parseAddress(input.address);
    zip = parsed.zip;
  } else if (typeof input.zip === 'string' && input.zip.trim()) {
    field = 'zip';
    zip = parseZip(input.zip);
  } else {
    fail('address', 'messages.addressHelp', { example: ADDRESS_EXAMPLE });
  }

  const writtenState = parsed?.state;
  const data = lookupData(index, now);
  const prefixState = stateForZip(zip);
  const rows = index.districtsForZip(zip);
  let result: LookupResult;

  if (rows.length === 0) {
    if (!prefixState) {
      if (isMilitaryZip(zip)) {
        fail(field, 'messages.militaryZip', { zip });
      }
      fail(field, 'messages.unknownZip', { zip });
    }
    const seats = index.districtsInState(prefixState);
    const atLarge = seats.length === 1;
    const districts = atLarge ? seats : [];
    result = withMembers(
      index,
      {
        zip,
        state: prefixState,
        districts,
        precision: 'state',
        ambiguous: false,
        needsFullAddress: !atLarge,
        data,
      },
      prefixState,
      districts,
      [
        atLarge
          ? undefined
          : (awaitingNote(index, prefixState) ?? { key: 'messages.poBoxZip', values: { zip } }),
      ],
    );
  } else {
    let candidates = rows.map((d) => ({ ...d }));
    const hasShares = candidates.some((d) => d.share !== undefined);
    if (!hasShares && prefixState) {
      // Without overlap areas, a district in the ZIP's USPS state is the more likely one.
      candidates = [
        ...candidates.filter((d) => d.state === prefixState),
        ...candidates.filter((d) => d.state !== prefixState),
      ];
    }
    const zipStates = [...new Set(candidates.map((d) => d.state))];
    let stateNote: Message | undefined;
    if (writtenState && zipStates.includes(writtenState)) {
      candidates = candidates.filter((d) => d.state === writtenState);
    } else if (writtenState) {
      stateNote = {
        key: 'messages.stateMismatch',
        values: { written: writtenState, zip, states: zipStates },
      };
    }
    const states = [...new Set(candidates.map((d) => d.state))];
    const stateCertain = states.length === 1;
    const state = candidates[0]!.state;
    const ambiguous = candidates.length > 1;
    let choose: Message | undefined;
    if (!stateCertain) {
      choose = { key: 'messages.crossesStateLine', values: { zip, states } };
    } else if (ambiguous) {
      choose = {
        key: hasShares ? 'messages.splitZipLikely' : 'messages.splitZip',
        values: { zip, count: candidates.length, districts: candidates.map(districtCode) },
      };
    }
    result = withMembers(
      index,
      { zip, state, districts: candidates, precision: 'zip', ambiguous, needsFullAddress: false, data },
      stateCertain ? state : undefined,
      candidates,
      [stateNote, choose],
    );
  }

  if (parsed) result.parsed = parsed;
  return input.district ? pickHouseDistrict(index, result, input.district) : result;
}
