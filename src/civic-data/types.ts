/**
 * civic-data: the shapes of the compact index that `npm run data:update` writes to `data/` and the app
 * loads into memory at start-up. Every other component reads members of Congress through these types.
 */

export type Chamber = 'senate' | 'house';

export interface DistrictOffice {
  id: string;
  /** Street line(s), suite and building joined as they print on an envelope. */
  address: string;
  city: string;
  state: string;
  zip: string;
  phone: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface Member {
  bioguide: string;
  chamber: Chamber;
  /** "Maria Cantwell": official_full, or first + last when official_full is missing. */
  name: string;
  firstName: string;
  lastName: string;
  /** "Senator Maria Cantwell", "Representative ...", "Delegate ...", "Resident Commissioner ...". */
  formalName: string;
  /** "Senator", "Representative", "Delegate" or "Resident Commissioner". */
  title: string;
  state: string;
  /** House only: 0 for at-large states and delegates. Null for senators. */
  district: number | null;
  /** Senate only: the seat's class (1-3), which names its CWC office; absent in data imported before it. */
  senateClass?: number | null;
  party: string;
  /** DC office phone, "202-224-3441". */
  phone: string | null;
  /** Official website, repaired to https://... or null when unusable. */
  url: string | null;
  /** The member's contact form, or for House members without one the House "Write Your Representative" service. */
  contactUrl: string;
  /** DC office, e.g. "511 Hart Senate Office Building". */
  dcOffice: string | null;
  districtOffices: DistrictOffice[];
  social: Record<string, string>;
  /** ISO date the member's current term ends (3 January); absent in indexes imported before it was kept. */
  termEnd?: string;
}

export interface DistrictRef {
  state: string;
  district: number;
}

/** One ZIP area's districts, most likely first when the source gives overlap areas. */
export interface ZipEntry {
  districts: Array<DistrictRef & { share?: number }>;
}

export interface CivicDataMeta {
  source: string;
  /** ISO date the source files were fetched or dated. */
  snapshotDate: string;
  importedAt: string;
  congress: number;
  /** ISO date after which the member list is probably stale (start of the next Congress). */
  validUntil: string;
  counts: { senators: number; representatives: number; delegates: number; vacancies: number; zips: number };
  /** Non-fatal oddities met during the import (dropped URLs, member seats missing from the ZIP table...). */
  warnings?: string[];
}

/** The JSON file written by the importer: `data/civic-index.json`. */
export interface CivicIndexFile {
  meta: CivicDataMeta;
  members: Member[];
  /** Every House seat, "CA-14" style keys, for vacancy derivation. */
  districts: DistrictRef[];
  vacancies: DistrictRef[];
  /** ZIP (5 digits) to its districts. */
  zips: Record<string, ZipEntry>;
}
