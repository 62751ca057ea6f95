/**
 * platform/work-budget: a ceiling on the steps one piece of per-request work may take. A parser of user
 * input charges its budget as it goes (a step per character it reads, a string's length per linear-time
 * pattern it runs) and stops with an error past the ceiling, instead of holding the event loop while
 * every other request waits (issue 28). The parsers are linear by construction, so the ceiling is a
 * fence, not a limit anyone meets; tests read `steps` to check the work stays proportional to the input.
 */

/** Thrown when a parser outgrows its budget: a defect in the parser, answered as a server error. */
export class WorkBudgetExceeded extends Error {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what} took more than ${limit} steps`);
    this.name = 'WorkBudgetExceeded';
  }
}

export class WorkBudget {
  /** Steps spent so far. */
  steps = 0;

  constructor(
    readonly what: string,
    readonly limit: number,
  ) {}

  /** Charges `steps` (at least 1); throws WorkBudgetExceeded once the total passes the limit. */
  spend(steps = 1): void {
    this.steps += Math.max(1, steps);
    if (this.steps > this.limit) throw new WorkBudgetExceeded(this.what, this.limit);
  }
}
