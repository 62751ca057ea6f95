/**
 * bench/journey: the path a person takes, step by step through the real pages: look up their members,
 * open the letter page, fill it in (after a pause as long as a person would at least take), review it, save,
 * and land on their letters page.
 */
import { fillForm, type Visitor } from './visitor';

export const CAMPAIGN = 'stop-csam';

export interface Person {
  address: string;
  street: string;
  city: string;
  state: string;
  zip: string;
}

/** A name as a person has one: letters only (names with digits are refused). */
export function personName(n: number): string {
  const letters = [...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('');
  return `Sam ${letters.charAt(0).toUpperCase()}${letters.slice(1)}`;
}

/** Addresses in several states, so the lookups and letters differ as a real launch's would (each ZIP in one district). */
export const PEOPLE: Person[] = [
  {
    address: '100 Main St, Springfield, IL 62704',
    street: '100 Main St',
    city: 'Springfield',
    state: 'IL',
    zip: '62704',
  },
  {
    address: '55 Trinity Ave SW, Atlanta, GA 30303',
    street: '55 Trinity Ave SW',
    city: 'Atlanta',
    state: 'GA',
    zip: '30303',
  },
  {
    address: '200 Congress Ave, Austin, TX 78701',
    street: '200 Congress Ave',
    city: 'Austin',
    state: 'TX',
    zip: '78701',
  },
  {
    address: '50 State St, Montpelier, VT 05602',
    street: '50 State St',
    city: 'Montpelier',
    state: 'VT',
    zip: '05602',
  },
  {
    address: '1437 Bannock St, Denver, CO 80202',
    street: '1437 Bannock St',
    city: 'Denver',
    state: 'CO',
    zip: '80202',
  },
];

export type Step = 'lookup' | 'letterPage' | 'review' | 'save' | 'lettersPage';

export interface JourneyResult {
  ok: boolean;
  /** Milliseconds per step that was reached. */
  steps: Partial<Record<Step, number>>;
  /** Where it stopped, and the status it got there, when it did not reach the letters page. */
  failedAt?: Step;
  status?: number;
  /** What the page said was wrong, when it stopped there. */
  problem?: string;
  batchPath?: string;
}

export async function writeLetters(
  visitor: Visitor,
  person: Person,
  sender: { name: string; email: string },
  pauseMs: number,
): Promise<JourneyResult> {
  const steps: JourneyResult['steps'] = {};
  const query = `address=${encodeURIComponent(person.address)}`;
  const lookup = await visitor.request('GET', `/campaigns/${CAMPAIGN}/members?${query}`);
  steps.lookup = lookup.ms;
  if (lookup.status !== 200) return { ok: false, steps, failedAt: 'lookup', status: lookup.status };
  const page = await visitor.request('GET', `/campaigns/${CAMPAIGN}/write?${query}`);
  steps.letterPage = page.ms;
  if (page.status !== 200) return { ok: false, steps, failedAt: 'letterPage', status: page.status };
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const form = fillForm(page.body, /\/review$/, {
    prefix: 'none',
    name: sender.name,
    email: sender.email,
    street: person.street,
    city: person.city,
    state: person.state,
    zip: person.zip,
    personalNote: 'I am a parent, and this matters to my family.',
  });
  const review = await visitor.submit(form);
  steps.review = review.ms;
  if (review.status !== 200) {
    const problem =
      /usa-error-message"[^>]*>([^<]*)/.exec(review.body)?.[1] ?? /<h1[^>]*>([^<]*)/.exec(review.body)?.[1];
    return { ok: false, steps, failedAt: 'review', status: review.status, problem };
  }
  const saved = await visitor.submit(fillForm(review.body, /\/letters$/));
  steps.save = saved.ms;
  if (saved.status !== 303 || !saved.location)
    return { ok: false, steps, failedAt: 'save', status: saved.status };
  const letters = await visitor.request('GET', saved.location);
  steps.lettersPage = letters.ms;
  if (letters.status !== 200) return { ok: false, steps, failedAt: 'lettersPage', status: letters.status };
  return { ok: true, steps, batchPath: saved.location };
}
