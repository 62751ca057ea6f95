/**
 * civic-data/congress: the one Congress clock. Since the 20th Amendment a Congress runs from noon Eastern
 * on 3 January of an odd year to noon Eastern on 3 January two years later, when its members' terms end;
 * the 1st sat in 1789. Every question about when a Congress begins or ends, which Congress a moment or a
 * day is in, and how a Congress is named ("119th") is answered here, from the Congress's number, never
 * from a date written down elsewhere.
 */
import { DAY_MS } from '../platform/clock';

const FIRST_CONGRESS_YEAR = 1789;

/** The Capitol's time zone: "noon" in the 20th Amendment is noon in Washington. */
const CONGRESS_TIME_ZONE = 'America/New_York';

/** The year a Congress begins (on 3 January): 2025 for the 119th. */
export function congressStartYear(congress: number): number {
  return FIRST_CONGRESS_YEAR + 2 * (congress - 1);
}

/** The Congress that sits in a year from 3 January on (its first or its second year). */
function congressOfYear(year: number): number {
  return Math.floor((year - FIRST_CONGRESS_YEAR) / 2) + 1;
}

/**
 * A Congress's ISO dates: `start`, when its members take office (3 January of an odd year), and `end`,
 * when the next Congress begins (this one's members' terms end, at noon Eastern).
 */
export function congressDates(congress: number) {
  return {
    start: `${congressStartYear(congress)}-01-03`,
    end: `${congressStartYear(congress + 1)}-01-03`,
  };
}

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: CONGRESS_TIME_ZONE,
  timeZoneName: 'longOffset',
});

/** Seconds east of UTC in Washington at a moment: -18000 in winter (EST), -14400 in summer (EDT). */
function easternOffsetSeconds(ms: number): number {
  const name = offsetFormat.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  // "GMT-05:00"; before 1883, local mean time: "GMT-04:56:02".
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!match) return 0; // "GMT": no offset
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return match[1] === '-' ? -seconds : seconds;
}

/**
 * Each day's noon, read from the time-zone database once: a reading costs tens of microseconds, and pages
 * ask per member (a Congress's beginning, a term's end; measured: a letter page and the stats API cost 7
 * and 140 times their CPU without). The days are the data's (Congresses and term ends), a few dozen.
 */
const noons = new Map<string, number>();

/**
 * Noon in Washington on an ISO day, as a moment: when a term ending that day ends (20th Amendment). The
 * offset is read from the time-zone database for that day, so it is right in summer (EDT) as in winter.
 */
export function noonEastern(isoDate: string): Date {
  const day = isoDate.slice(0, 10);
  let noon = noons.get(day);
  if (noon === undefined) {
    const noonUtc = Date.parse(`${day}T12:00:00Z`);
    const guess = noonUtc - easternOffsetSeconds(noonUtc) * 1000;
    // Daylight saving changes at 02:00 local, never between 12:00 UTC and noon Eastern; reading the offset
    // again at the moment found keeps that true of any rule the time-zone database may hold.
    noon = noonUtc - easternOffsetSeconds(guess) * 1000;
    noons.set(day, noon);
  }
  return new Date(noon);
}

/** The moment a Congress begins: noon Eastern on 3 January of its first year. */
export function congressBegins(congress: number): Date {
  return noonEastern(congressDates(congress).start);
}

/** The moment a Congress ends and its members' terms with it: when the next one begins. */
export function congressEnds(congress: number): Date {
  return congressBegins(congress + 1);
}

/** The Congress in session (or between its sessions) at a moment. */
export function congressAt(moment: Date): number {
  // The UTC year's Congress is never too early: from 1 January UTC to noon Eastern on 3 January of an odd
  // year the guess is the next Congress, which has not begun yet.
  const guess = congressOfYear(moment.getUTCFullYear());
  return moment < congressBegins(guess) ? guess - 1 : guess;
}

/**
 * The Congress an ISO day belongs to, for data that carries days, not moments (a term's dates): 3 January
 * belongs to the Congress that begins that day.
 */
function congressOn(date: string): number {
  const year = Number(date.slice(0, 4));
  return congressOfYear(date.slice(5, 10) < '01-03' ? year - 1 : year);
}

/**
 * The Congress a House term belongs to: the one that ends when the term ends. A member sworn in after a
 * special election starts late but still ends with the Congress.
 */
export function congressOfHouseTerm(term: { start: string; end: string }): number {
  const dayBeforeEnd = new Date(Date.parse(`${term.end}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  return congressOn(dayBeforeEnd);
}

/** Whether a term (a senator's six years) covers part of the given Congress. */
export function termOverlapsCongress(term: { start: string; end: string }, congress: number): boolean {
  const { start, end } = congressDates(congress);
  return term.start < end && term.end > start;
}

/** "119th", "120th", "121st", "122nd", "123rd": how a Congress is named in English. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}
