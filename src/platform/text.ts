/**
 * platform/text: trimming a set of characters from the ends of a string with a loop, in time linear in its
 * length. A pattern such as /\/+$/ restarts at every character of a long run (quadratic, issue 28), and the
 * look-behind that avoids it can only be fuzzed, not proved, by the ReDoS checker the tests run.
 */

/** `text` without any of `chars` at its end ("https://x.example//" -> "https://x.example"). */
export function trimEnd(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** `text` without any of `chars` at either end. */
export function trimBoth(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start]!)) start++;
  return trimEnd(text.slice(start), chars);
}
