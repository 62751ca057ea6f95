/**
 * CWC letters are retried through a service's maintenance window: the House's is six hours every night,
 * so the attempts must span at least eight hours however the jitter falls.
 */
import { CWC_BACKOFF, cwcRetryPolicy } from '../../../src/delivery/cwc/cwc-delivery';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../src/delivery/outbox';

/** The time between the first attempt and the last, when every delay is as short as the jitter allows. */
function shortestSpan(maxAttempts: number, policy = CWC_BACKOFF): number {
  let span = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) span += backoffDelay(attempt, policy, () => 1);
  return span;
}

const HOUR = 3_600_000;

test('when a CWC letter keeps failing, then its attempts span at least the configured hours (8 at the least), never less', () => {
  for (const hours of [8, 12, 24, 72]) {
    const { maxAttempts, backoff } = cwcRetryPolicy(hours);
    expect(backoff).toBe(CWC_BACKOFF);
    expect(shortestSpan(maxAttempts)).toBeGreaterThanOrEqual(hours * HOUR);
    // And not far beyond: one attempt fewer would fall short.
    expect(shortestSpan(maxAttempts - 1)).toBeLessThan(hours * HOUR);
  }
  // An email's default budget (8 attempts) is about an hour: it would fail a letter in the window.
  expect(shortestSpan(8, DEFAULT_BACKOFF)).toBeLessThan(2 * HOUR);
  // The longest wait between two attempts stays an hour: a letter goes soon after the window closes.
  expect(backoffDelay(50, CWC_BACKOFF, () => 0)).toBe(HOUR);
});
