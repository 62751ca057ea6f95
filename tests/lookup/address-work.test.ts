/**
 * The address parser's work grows linearly with its input (issue 28): fast-check builds the inputs that
 * hurt backtracking parsers (a street suffix followed by many units, PO boxes, state names, runs of
 * spaces and commas) and each parse is charged to a WorkBudget whose steps must stay proportional to the
 * input's length. The old single-pattern parser took over 38 minutes on the reproduction.
 */
import fc from 'fast-check';
import { ADDRESS_WORK_PER_CHARACTER, MAX_ADDRESS_LENGTH, parseAddress } from '../../src/lookup/address';
import { ValidationError } from '../../src/platform/errors';
import { WorkBudget, WorkBudgetExceeded } from '../../src/platform/work-budget';

/** Parses `text` with a budget of the steps allowed for its length; returns the steps taken. */
function stepsFor(text: string): number {
  const work = new WorkBudget('address', ADDRESS_WORK_PER_CHARACTER * (text.length + 1));
  try {
    parseAddress(text, work);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  return work.steps;
}

describe('parseAddress work', () => {
  test('when it parses, then every character read is charged to its budget', () => {
    const text = '1 Main St Apt 1 Springfield IL 62704';
    const work = new WorkBudget('address', ADDRESS_WORK_PER_CHARACTER * (text.length + 1));
    parseAddress(text, work);
    expect(work.steps).toBeGreaterThanOrEqual(text.length);
  });

  test.each([26, 40, 80])(
    "when given the issue's reproduction with %p units, then it parses within the linear budget",
    (n) => {
      const text = `1 Main St${' Apt 1'.repeat(n)} 9 IL 62704`.slice(-MAX_ADDRESS_LENGTH);
      const work = new WorkBudget('address', ADDRESS_WORK_PER_CHARACTER * (text.length + 1));
      const parsed = parseAddress(text, work);
      expect(parsed).toMatchObject({ zip: '62704', state: 'IL' });
      expect(work.steps).toBeGreaterThanOrEqual(text.length);
      expect(work.steps).toBeLessThanOrEqual(ADDRESS_WORK_PER_CHARACTER * (text.length + 1));
    },
  );

  test('when the street has units and a city, then the split is the one the old parser made', () => {
    expect(parseAddress('1 Main St Apt 1 Apt 2 Springfield IL 62704')).toMatchObject({
      street: '1 Main St Apt 1 Apt 2',
      city: 'Springfield',
    });
    expect(parseAddress('12 Elm St NW # 4 Unit 5B East Boston MA 02128')).toMatchObject({
      street: '12 Elm St NW # 4 Unit 5B',
      city: 'East Boston',
    });
    expect(parseAddress('1 Main St Aptos CA 95003')).toMatchObject({ street: '1 Main St', city: 'Aptos' });
  });

  test('when the input repeats what backtracking parsers choke on, then the steps stay linear in its length', () => {
    const fragment = fc.constantFrom(
      ' Apt 1',
      ' Apt',
      ' # 1',
      '#1',
      ' St',
      ' St.',
      ' N',
      ' Main',
      ' 1',
      ' ',
      ',',
      ' , ',
      ' P O Box 1',
      ' P.',
      ' O.',
      ' Box',
      ' West',
      ' Virginia',
      ' United',
      ' States',
      ' D. C.',
      ' USA',
      ' Ste-1',
      '-',
      '.',
      "'",
      ' 62704',
      ' 1234',
      'a',
      '\t',
    );
    const ending = fc.constantFrom(
      '',
      ' 62704',
      ' 9 IL 62704',
      ', IL 62704-1234',
      ' x 62704',
      ' 1 62704',
      ' IL',
    );
    const attack = fc
      .tuple(
        fc.constantFrom('', '1 Main St', 'PO Box 1', 'Apt'),
        fc.array(fragment, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 120 }),
        ending,
      )
      .map(
        ([start, unit, times, end]) =>
          `${start}${unit.join('').repeat(times)}`.slice(0, MAX_ADDRESS_LENGTH - end.length) + end,
      );
    fc.assert(
      fc.property(attack, (text) => {
        expect(stepsFor(text)).toBeLessThanOrEqual(ADDRESS_WORK_PER_CHARACTER * (text.length + 1));
      }),
      { seed: 28, numRuns: 3000 },
    );
  });

  test('when a parse outgrows its budget, then it stops with WorkBudgetExceeded instead of running on', () => {
    const text = `1 Main St${' Apt 1'.repeat(40)} 9 IL 62704`;
    expect(() => parseAddress(text, new WorkBudget('address', text.length))).toThrow(WorkBudgetExceeded);
  });
});
