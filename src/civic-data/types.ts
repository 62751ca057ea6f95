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

/** One district of a ZIP area, with `share`: the part of the ZIP area's land in it (0..1), when given. */
export type ZipDistrict = DistrictRef & { share?: number };

/** One ZIP area's districts, most likely first when the source gives overlap areas. */
export interface ZipEntry {
  districts: ZipDistrict[];
}

/** Where one source came from, which Congress it describes and how we know. */
export interface SourceInfo {
  /** A URL, or a path inside the `--from` folder. */
  name: string;
  /** The Congress whose members or district maps the source describes. */
  congress: number;
  /** How the Congress was read: from members' terms, a column, a property, a file name, or a manifest. */
  congressFrom: 'terms' | 'column' | 'property' | 'file name' | 'manifest' | 'known file';
  /** The source's own date (ISO day), never a file's modification time. */
  date: string | null;
  /** 'last-modified' (HTTP header), 'manifest', 'operator' (--data-date), 'known file' (by checksum). */
  dateFrom: 'last-modified' | 'manifest' | 'operator' | 'known file' | null;
  /** The Congress's own dates: this source answers for [validFrom, validUntil). */
  validFrom: string;
  validUntil: string;
}

interface CivicDataSources {
  members: SourceInfo;
  zips: SourceInfo;
  /** District boundaries (`districts.json`), when they were imported with the index. */
  shapes?: SourceInfo;
}

/**
 * Set when a new Congress's members are served on the previous Congress's maps (docs/data.md): the maps'
 * Congress and the states where the importer proved the maps unchanged. Elsewhere the old maps are not used.
 */
export interface PreviousMapsNotice {
  congress: number;
  states: string[];
}

/**
 * States of the index's Congress whose maps are not published yet (and not proven unchanged): `zips`,
 * no ZIP rows (a lookup there asks for a street address); `boundaries`, no boundaries ("use my location"
 * asks the geocoder or for a street address). Single-seat states need no ZIP rows and are never listed
 * under `zips`.
 */
interface AwaitingMaps {
  zips: string[];
  boundaries: string[];
}

export interface CivicDataMeta {
  source: string;
  /** ISO date of the member data (upstream Last-Modified, a manifest, or the operator's --data-date). */
  snapshotDate: string;
  importedAt: string;
  /** The Congress of the members, and of the maps (they never differ, save for `previousMaps`). */
  congress: number;
  /** ISO date the Congress began (3 January of an odd year). */
  validFrom?: string;
  /** ISO date the Congress ends: from then the member list is stale until the next one is imported. */
  validUntil: string;
  /** Each source's Congress, date and validity window. */
  sources?: CivicDataSources;
  previousMaps?: PreviousMapsNotice;
  /** States that cannot be served from maps yet; absent when every state is. */
  awaitingMaps?: AwaitingMaps;
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
