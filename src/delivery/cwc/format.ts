/**
 * delivery/cwc/format: the vocabulary of Communicating with Congress (CWC 2.0) as docs/delivery.md and
 * the House's format notes give it: the Library of Congress topics an office accepts, bill types, name
 * prefixes, and the office codes (`MemberOffice`) for House and Senate seats.
 */
import { z } from 'zod';
import { BILL_TYPES as CITED_BILL_TYPES, type BillType } from '../../campaign/bills';

export const LIBRARY_OF_CONGRESS_TOPICS = [
  'Agriculture and Food',
  'Animals',
  'Armed Forces and National Security',
  'Arts, Culture, Religion',
  'Civil Rights and Liberties, Minority Issues',
  'Commerce',
  'Congress',
  'Crime and Law Enforcement',
  'Economics and Public Finance',
  'Education',
  'Emergency Management',
  'Energy',
  'Environmental Protection',
  'Families',
  'Finance and Financial Sector',
  'Foreign Trade and International Finance',
  'Government Operations and Politics',
  'Health',
  'Housing and Community Development',
  'Immigration',
  'International Affairs',
  'Labor and Employment',
  'Law',
  'Native Americans',
  'Public Lands and Natural Resources',
  'Science, Technology, Communications',
  'Social Sciences and History',
  'Social Welfare',
  'Sports and Recreation',
  'Taxation',
  'Transportation and Public Works',
  'Water Resources Development',
] as const;

/** CWC's BillTypeAbbreviation values are the campaign's bill types (hr, s, hres, ...). */
export const BILL_TYPES = Object.keys(CITED_BILL_TYPES) as [BillType, ...BillType[]];
export type { BillType };

/**
 * The prefixes the form offers. CWC requires a Prefix; a person who picks none of these is sent with
 * the neutral "Mx." (the format has no empty prefix), which docs/decisions.md records.
 */
export const NAME_PREFIXES = ['Mr.', 'Ms.', 'Mrs.', 'Mx.', 'Dr.'] as const;
export type NamePrefix = (typeof NAME_PREFIXES)[number];
export const PREFIX_WHEN_NONE: NamePrefix = 'Mx.';

/** `HIL13`, `HAK00` (at-large states and delegates are district 0), `SCA0` (a class 1 Senate seat). */
export const MemberOfficeCode = z.string().regex(/^(H[A-Z]{2}\d{2}|S[A-Z]{2}[0-2])$/);

/** The CWC office of a seat; undefined for a senator whose class the member data does not give. */
export function memberOfficeCode(seat: {
  chamber: 'senate' | 'house';
  state: string;
  district: number | null;
  senateClass?: number | null;
}): string | undefined {
  const state = seat.state.toUpperCase();
  if (!/^[A-Z]{2}$/.test(state)) return undefined;
  if (seat.chamber === 'house') {
    const district = seat.district ?? 0;
    if (!Number.isInteger(district) || district < 0 || district > 99) return undefined;
    return `H${state}${String(district).padStart(2, '0')}`;
  }
  const senateClass = seat.senateClass;
  if (senateClass !== 1 && senateClass !== 2 && senateClass !== 3) return undefined;
  return `S${state}${senateClass - 1}`;
}

/** A bill as CWC names it: `{ congress: 119, type: 'hr', number: 3921 }`. */
export interface CwcBill {
  congress: number;
  type: BillType;
  number: number;
}
