/**
 * platform/text: the characters no text a person typed may carry into a letter, a header or a PDF, and
 * trimming a set of characters from the ends of a string with a loop, in time linear in its length. A
 * pattern such as /\/+$/ restarts at every character of a long run (quadratic, issue 28), and the
 * look-behind that avoids it can only be fuzzed, not proved, by the ReDoS checker the tests run.
 */

// C0 controls but tab and line feed, DEL, C1 controls, the Unicode line and paragraph separators, and BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/g;
// Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), and the invisible marks LRM, RLM, ALM.
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * `text` with each control character replaced by `by`, and with `direction: true` each direction control
 * too (they reorder what a header or a PDF line shows; a letter keeps them, its reader's client lays it out).
 */
export function replaceControlCharacters(
  text: string,
  by: string,
  options: { direction?: boolean } = {},
): string {
  const s = text.replace(CONTROL_CHARACTERS, by);
  return options.direction ? s.replace(DIRECTION_CONTROLS, by) : s;
}

/** `text` on one line: each run of white space one space, none at either end. */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

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
