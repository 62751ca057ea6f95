/**
 * delivery/cwc/format: the vocabulary of Communicating with Congress (CWC 2.0) as the House's schema and
 * the Senate's rules give it (docs/delivery.md): the Library of Congress topics an office accepts, bill
 * types in each chamber's spelling, the prefixes each service takes, the office codes (`MemberOffice`)
 * of House and Senate seats, and the schema's length limits.
 */
import { z } from 'zod';
import { BILL_TYPES, type BillType } from '../../campaign/bills';
import type { Chamber } from '../../civic-data/types';
import type { SenderPrefix } from '../../letters/letter';

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

/** The House takes bill types as congress.gov spells them (`hr`); the Senate in print (`H.R.`). */
export function billTypeFor(chamber: Chamber, type: BillType): string {
  return chamber === 'house' ? type : BILL_TYPES[type];
}

/**
 * The House takes any prefix of the form's (src/letters SENDER_PREFIXES) and needs one: a writer who chose
 * none goes as "Mx.", the format's one neutral prefix. The Senate takes only SENATE_PREFIXES, so a writer
 * with another or none has their Senate letters go by another channel.
 */
export const PREFIX_WHEN_NONE = 'Mx.' satisfies SenderPrefix;
export const SENATE_PREFIXES = [
  'Mr.',
  'Mrs.',
  'Miss',
  'Ms.',
  'Dr.',
] as const satisfies readonly SenderPrefix[];

export function senateTakesPrefix(prefix: string | null | undefined): boolean {
  return (SENATE_PREFIXES as readonly string[]).includes(prefix ?? '');
}

/** An address the schema's email_type takes (`[^@]+@[^.]+\..+`: a dot after the domain's first label). */
export const CwcEmail = z
  .email()
  .max(254)
  .regex(/^[^@]+@[^.@]+\..+$/, 'must be an address like ack@vendor.org, with a dot after the first label');

/** `HIL13`, `HAK00` (at-large states and delegates are district 00). */
export const HouseOfficeCode = z.string().regex(/^H[A-Z]{2}\d{2}$/);
/** `SIL02`: S + state + the seat's class (01, 02 or 03). */
export const SenateOfficeCode = z.string().regex(/^S[A-Z]{2}0[1-3]$/);

/** The CWC office of a seat; undefined for a senator whose class the member data does not give. */
export function memberOfficeCode(seat: {
  chamber: Chamber;
  state: string;
  district: number | null;
  senateClass?: number | null;
}): string | undefined {
  const state = seat.state.toUpperCase();
  const [code, pattern] =
    seat.chamber === 'house'
      ? [`H${state}${String(seat.district ?? 0).padStart(2, '0')}`, HouseOfficeCode]
      : [`S${state}0${seat.senateClass}`, SenateOfficeCode];
  // A state, district or class out of range makes a code the pattern refuses.
  return pattern.safeParse(code).success ? code : undefined;
}

export function chamberOfOffice(office: string): Chamber {
  return office.startsWith('S') ? 'senate' : 'house';
}

/** Characters XML 1.0 cannot carry at all (most control characters, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * A string the schema's `string` type with these length limits (cwc-2.0-house.rng) accepts, trimmed first
 * (blanks are not text); counted as XML counts, in characters (code points), not UTF-16 units. `what`
 * names the value in the message (a setting's, for the operator).
 */
export function cwcText(min: number, max: number, what = 'text') {
  return z
    .string()
    .trim()
    .refine((s) => !NOT_XML.test(s), { message: 'has a character XML cannot carry' })
    .refine((s) => [...s].length >= min && [...s].length <= max, {
      message: `must be ${what}, ${min}-${max} characters`,
    });
}

/** A phone number in the schema's pattern (the agent's contact and the constituent's). */
export const CwcPhone = z.string().regex(/^\d{3}-\d{3}-\d{4}$/, 'must look like 202-555-0100 (xxx-xxx-xxxx)');
