/**
 * civic-data/states: the 50 states, DC, Puerto Rico and the four territories with a Delegate, with their
 * FIPS codes and names. Shared by the importer (Census GEOIDs) and the address parser (full state names).
 */

interface StateInfo {
  abbr: string;
  fips: string;
  name: string;
  /** 'state', 'district' (DC) or 'territory' (PR, AS, GU, MP, VI). Only states have senators. */
  kind: 'state' | 'district' | 'territory';
}

const RAW: Array<[string, string, string]> = [
  ['AL', '01', 'Alabama'],
  ['AK', '02', 'Alaska'],
  ['AZ', '04', 'Arizona'],
  ['AR', '05', 'Arkansas'],
  ['CA', '06', 'California'],
  ['CO', '08', 'Colorado'],
  ['CT', '09', 'Connecticut'],
  ['DE', '10', 'Delaware'],
  ['DC', '11', 'District of Columbia'],
  ['FL', '12', 'Florida'],
  ['GA', '13', 'Georgia'],
  ['HI', '15', 'Hawaii'],
  ['ID', '16', 'Idaho'],
  ['IL', '17', 'Illinois'],
  ['IN', '18', 'Indiana'],
  ['IA', '19', 'Iowa'],
  ['KS', '20', 'Kansas'],
  ['KY', '21', 'Kentucky'],
  ['LA', '22', 'Louisiana'],
  ['ME', '23', 'Maine'],
  ['MD', '24', 'Maryland'],
  ['MA', '25', 'Massachusetts'],
  ['MI', '26', 'Michigan'],
  ['MN', '27', 'Minnesota'],
  ['MS', '28', 'Mississippi'],
  ['MO', '29', 'Missouri'],
  ['MT', '30', 'Montana'],
  ['NE', '31', 'Nebraska'],
  ['NV', '32', 'Nevada'],
  ['NH', '33', 'New Hampshire'],
  ['NJ', '34', 'New Jersey'],
  ['NM', '35', 'New Mexico'],
  ['NY', '36', 'New York'],
  ['NC', '37', 'North Carolina'],
  ['ND', '38', 'North Dakota'],
  ['OH', '39', 'Ohio'],
  ['OK', '40', 'Oklahoma'],
  ['OR', '41', 'Oregon'],
  ['PA', '42', 'Pennsylvania'],
  ['RI', '44', 'Rhode Island'],
  ['SC', '45', 'South Carolina'],
  ['SD', '46', 'South Dakota'],
  ['TN', '47', 'Tennessee'],
  ['TX', '48', 'Texas'],
  ['UT', '49', 'Utah'],
  ['VT', '50', 'Vermont'],
  ['VA', '51', 'Virginia'],
  ['WA', '53', 'Washington'],
  ['WV', '54', 'West Virginia'],
  ['WI', '55', 'Wisconsin'],
  ['WY', '56', 'Wyoming'],
  ['AS', '60', 'American Samoa'],
  ['GU', '66', 'Guam'],
  ['MP', '69', 'Northern Mariana Islands'],
  ['PR', '72', 'Puerto Rico'],
  ['VI', '78', 'Virgin Islands'],
];

export const STATES: readonly StateInfo[] = RAW.map(([abbr, fips, name]) => ({
  abbr,
  fips,
  name,
  kind: abbr === 'DC' ? 'district' : ['AS', 'GU', 'MP', 'PR', 'VI'].includes(abbr) ? 'territory' : 'state',
}));

/**
 * Every code, for a form's choice or a schema's enum; the same 56 as CWC's StateAbbreviation
 * (../shared/cwc/cwc-2.0-house.rng).
 */
export const STATE_CODES = STATES.map((s) => s.abbr) as [string, ...string[]];

const BY_ABBR = new Map(STATES.map((s) => [s.abbr, s]));
const BY_FIPS = new Map(STATES.map((s) => [s.fips, s]));

/** The four territories whose Delegate has no ZIP-area row in zccd.csv (one at-large seat each). */
export const DELEGATE_TERRITORIES = ['AS', 'GU', 'MP', 'VI'] as const;

export function stateByAbbr(abbr: string): StateInfo | undefined {
  return BY_ABBR.get(abbr.toUpperCase());
}

export function stateByFips(fips: string): StateInfo | undefined {
  return BY_FIPS.get(fips);
}

/** "06" -> "CA"; undefined for an unknown code. Accepts "6" too. */
export function stateFromFips(fips: string): string | undefined {
  return stateByFips(fips.trim().padStart(2, '0'))?.abbr;
}

/** Whether the place elects two senators (the 50 states; not DC, PR or the territories). */
export function hasSenators(abbr: string): boolean {
  return BY_ABBR.get(abbr)?.kind === 'state';
}

/** The House title for a seat: Delegate (DC and the territories), Resident Commissioner (PR), else Representative. */
export function houseTitle(abbr: string): 'Representative' | 'Delegate' | 'Resident Commissioner' {
  if (abbr === 'PR') return 'Resident Commissioner';
  if (abbr === 'DC' || (DELEGATE_TERRITORIES as readonly string[]).includes(abbr)) return 'Delegate';
  return 'Representative';
}
