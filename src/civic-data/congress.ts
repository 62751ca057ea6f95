/**
 * civic-data/congress: which Congress a date, a term or a file belongs to. Since the 20th Amendment a
 * Congress runs from 3 January of an odd year to 3 January two years later, and the 1st sat in 1789, so
 * the dates of any Congress are computed from its number, never written down.
 */

const FIRST_CONGRESS_YEAR = 1789;

export interface CongressDates {
  congress: number;
  /** ISO date its members take office: 3 January of an odd year. */
  start: string;
  /** ISO date the next Congress begins (this one's members' terms end). */
  end: string;
}

function startYear(congress: number): number {
  return FIRST_CONGRESS_YEAR + 2 * (congress - 1);
}

export function congressDates(congress: number): CongressDates {
  return {
    congress,
    start: `${startYear(congress)}-01-03`,
    end: `${startYear(congress + 1)}-01-03`,
  };
}

/** The Congress in session on an ISO date (a day from 3 January on belongs to the new one). */
export function congressOn(date: string): number {
  const year = Number(date.slice(0, 4));
  const beforeThird = date.slice(5, 10) < '01-03';
  const effectiveYear = beforeThird ? year - 1 : year;
  return Math.floor((effectiveYear - FIRST_CONGRESS_YEAR) / 2) + 1;
}

/**
 * The Congress a House term belongs to: the one that ends when the term ends. A member sworn in after a
 * special election starts late but still ends with the Congress.
 */
export function congressOfHouseTerm(term: { start: string; end: string }): number {
  const dayBeforeEnd = new Date(Date.parse(`${term.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return congressOn(dayBeforeEnd);
}

/** Whether a term (a senator's six years) covers part of the given Congress. */
export function termOverlapsCongress(term: { start: string; end: string }, congress: number): boolean {
  const { start, end } = congressDates(congress);
  return term.start < end && term.end > start;
}

/** "119th", "120th", "121st", "122nd", "123rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}
