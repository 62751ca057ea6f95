/**
 * lookup/address: parses the one-line US address a person types ("123 Main St Apt 4, Springfield, IL
 * 62704-1234") into its parts. Only the ZIP code is required: it is what the district lookup uses.
 *
 * The text is read once into words and commas, then scanned from its end: ZIP, state, then the split
 * between street and city. Every step is charged to a work budget and every pattern runs on one word or
 * a few, so the work grows linearly with the input. (A single regular expression for "street suffix, units,
 * then a city" backtracked exponentially: "1 Main St" followed by 40 " Apt 1" held the server for 38
 * minutes, issue 28.)
 */
import { ValidationError } from '../platform/errors';
import { EXAMPLES } from '../platform/i18n-format';
import { WorkBudget } from '../platform/work-budget';
import { STATES, stateByAbbr } from '../civic-data/states';

export interface ParsedAddress {
  street?: string;
  city?: string;
  /** Two-letter code, also when the person typed the full state name. */
  state?: string;
  zip: string;
  zip4?: string;
  poBox: boolean;
  /** "123 Main St Apt 4, Springfield, IL 62704-1234": spaces collapsed, state and ZIP normalised. */
  oneLine: string;
}

export const MAX_ADDRESS_LENGTH = 500;
export const ADDRESS_EXAMPLE = EXAMPLES.addressExample;
/**
 * Steps the parser may take per character of input: the worst inputs found take about 17 (a pattern
 * over a few joined words at each word), so reaching this is a defect, not an unusual address.
 */
export const ADDRESS_WORK_PER_CHARACTER = 64;

/** A problem with the address; every message ends with how to write one (`messages.addressHelp`). */
function invalid(messageKey: string, values: Record<string, number> = {}): never {
  throw ValidationError.forField('address', messageKey, { ...values, example: ADDRESS_EXAMPLE });
}

/** Lower case without dots: "U.S. Virgin Islands" and "us virgin islands" alike. */
function nameKey(words: string): string {
  return words.toLowerCase().replaceAll('.', '');
}

/**
 * Full names (and common variants) of states and territories, keyed as `nameKey` reads them, also with
 * the spaces left out ("WestVirginia").
 */
const STATE_NAMES = new Map<string, string>(
  (
    [
      ...STATES.map((s): [string, string] => [s.name, s.abbr]),
      ['US Virgin Islands', 'VI'],
      ['Virgin Islands of the United States', 'VI'],
      ['Northern Marianas', 'MP'],
      ['Commonwealth of Puerto Rico', 'PR'],
    ] as Array<[string, string]>
  ).flatMap(([name, abbr]): Array<[string, string]> => [
    [nameKey(name), abbr],
    [nameKey(name).replaceAll(' ', ''), abbr],
  ]),
);
const LONGEST_STATE_NAME_WORDS = Math.max(...[...STATE_NAMES.keys()].map((name) => name.split(' ').length));

/** A PO box anywhere in a street (single spaces, as the parser leaves it); the box number is group 1. */
const PO_BOX = /\b(?:P ?\.? ?O ?\.? ?B(?:ox)?|Post Office Box|POB)\.? ?#? ?(\d+[A-Z]?)\b/i;
/** A PO box and nothing else: the first words of "PO Box 12 Springfield". */
const PO_BOX_WORDS = /^(?:P ?\.? ?O ?\.? ?B(?:ox)?|Post Office Box|POB)\.? ?#? ?\d+[A-Z]?$/i;
/** The most words a PO box takes ("P . O . Box # 12"). */
const PO_BOX_MAX_WORDS = 7;

const STREET_SUFFIXES = new Set(
  'St|Street|Ave|Av|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Ct|Court|Way|Pl|Place|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail|Loop|Row|Pike|Plz|Plaza|Aly|Alley|Xing|Run|Path|Walk'
    .toLowerCase()
    .split('|'),
);
const DIRECTION = /^(?:N|S|E|W|NE|NW|SE|SW)\.?$/i;
/** One unit ("Apt 4", "Apt. #4B", "# 12", "Suite 300") over one to three words joined by single spaces. */
const UNIT_WORDS = /^(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Fl|Floor|Bldg|Lot|Spc|#)\.? ?#? ?[\w-]+$/i;
const UNIT_MAX_WORDS = 3;
/** A word that starts a unit, so it cannot start the city. */
const UNIT_DESIGNATOR = /^(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Fl|Floor|Bldg|Lot|Spc)\b/i;
const CITY_WORD = /^[A-Za-z\u00C0-\u024F.'-]+$/i;
const CITY_START = /^[A-Za-z\u00C0-\u024F]/i;

const ZIP_WORDS = /^(\d{5})(?: ?[-\u2013] ?(\d{4})|(\d{4}))?$/;
const STATE_CODE = /^([A-Za-z]{2})\.?$/;
/** "123 Oak" before "Ct 06510": a house number and one word, so CT is the street suffix, not the state. */
const NUMBER_AND_ONE_WORD = /^\d+[A-Za-z]? \S+$/;

/**
 * Characters that never appear in a postal address, control characters among them (tab, line feed and
 * carriage return are white space): the input is not an address.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_AN_ADDRESS = /[<>{}[\]\\|^~$*=;@`\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const SPACE = /\s/;

/** Between two parts of the address; a token list never starts or ends with one, nor has two in a row. */
const COMMA = ',';
type Tokens = string[];

/** Runs a linear-time pattern on `text`, charging its length. */
function test(work: WorkBudget, pattern: RegExp, text: string): boolean {
  work.spend(text.length);
  return pattern.test(text);
}

/** Words and commas: runs of white space separate words, commas separate parts. */
function tokenise(text: string, work: WorkBudget): Tokens {
  const tokens: Tokens = [];
  let word = '';
  const endWord = () => {
    if (word) tokens.push(word);
    word = '';
  };
  for (const ch of text) {
    work.spend();
    if (ch === COMMA) {
      endWord();
      if (tokens.length > 0 && tokens[tokens.length - 1] !== COMMA) tokens.push(COMMA);
    } else if (SPACE.test(ch)) {
      endWord();
    } else {
      word += ch;
    }
  }
  endWord();
  return withoutTrailingComma(tokens);
}

function withoutTrailingComma(tokens: Tokens): Tokens {
  return tokens[tokens.length - 1] === COMMA ? tokens.slice(0, -1) : tokens;
}

/** "123 Main St, Springfield": words joined by single spaces, ", " between parts. */
function render(tokens: Tokens): string {
  let text = '';
  for (const token of tokens) {
    text += token === COMMA ? COMMA : text ? ` ${token}` : token;
  }
  return text;
}

/** How many words end the list without a comma among them (at most `max`). */
function trailingWords(tokens: Tokens, max: number): number {
  let count = 0;
  while (count < max && count < tokens.length && tokens[tokens.length - 1 - count] !== COMMA) count++;
  return count;
}

/**
 * The last words (at most `max`, no comma among them) that `read` accepts, the most words first, and the
 * tokens before them; undefined when no run of them is accepted.
 */
function takeFromEnd<T>(
  tokens: Tokens,
  max: number,
  work: WorkBudget,
  read: (words: string) => T | null | undefined,
): { found: T; rest: Tokens } | undefined {
  for (let k = trailingWords(tokens, max); k >= 1; k--) {
    const candidate = tokens.slice(tokens.length - k).join(' ');
    work.spend(candidate.length);
    const found = read(candidate);
    if (found) return { found, rest: withoutTrailingComma(tokens.slice(0, tokens.length - k)) };
  }
  return undefined;
}

/** "…, IL 62704, USA": a country at the end says nothing the ZIP does not (on single-spaced text). */
const COUNTRY_AT_END = /,? ?(?:U\.?S\.?A?\.?|United States(?: of America)?)$/i;
/** "D.C." or "D. C." before the ZIP or at the end becomes "DC", the code the state step reads. */
const DC_BEFORE_ZIP = /\bD\. ?C\.?(?=,? ?\d{5}|$)/i;

/** Whether the word ends in a street suffix ("St", "Ave.", "Main-St"). */
function isStreetSuffix(word: string): boolean {
  const bare = word.endsWith('.') ? word.slice(0, -1) : word;
  let start = bare.length;
  while (start > 0 && /\w/.test(bare[start - 1]!)) start--;
  return STREET_SUFFIXES.has(bare.slice(start).toLowerCase());
}

/**
 * "123 Main St NW Apt 4 Springfield": where the city starts in one comma-less part, or undefined. The city
 * follows the last street suffix, its direction and units, and is only letters, spaces, dots, apostrophes
 * and hyphens. `cityFrom[p]` says whether the words from p on are a unit chain and then a city; it is
 * filled from the end, so each word is looked at a fixed number of times.
 */
function cityStart(words: string[], work: WorkBudget): number | undefined {
  const n = words.length;
  const unitSpans: number[][] = [];
  for (let p = 0; p < n; p++) {
    const spans: number[] = [];
    for (let k = Math.min(UNIT_MAX_WORDS, n - p); k >= 1; k--) {
      if (test(work, UNIT_WORDS, words.slice(p, p + k).join(' '))) spans.push(k);
    }
    unitSpans.push(spans);
  }
  const allCityWords: boolean[] = new Array<boolean>(n + 1).fill(true);
  const cityFrom: boolean[] = new Array<boolean>(n + 1).fill(false);
  for (let p = n - 1; p >= 0; p--) {
    const word = words[p]!;
    allCityWords[p] = allCityWords[p + 1]! && test(work, CITY_WORD, word);
    const cityHere = allCityWords[p]! && test(work, CITY_START, word) && !test(work, UNIT_DESIGNATOR, word);
    cityFrom[p] = cityHere || unitSpans[p]!.some((k) => cityFrom[p + k]);
  }
  for (let s = n - 1; s >= 0; s--) {
    work.spend();
    if (!isStreetSuffix(words[s]!)) continue;
    let p: number;
    if (s + 2 < n && test(work, DIRECTION, words[s + 1]!) && cityFrom[s + 2]) p = s + 2;
    else if (cityFrom[s + 1]) p = s + 1;
    else continue;
    // As many units as leave a city after them, the longest first.
    for (;;) {
      work.spend();
      const k = unitSpans[p]!.find((span) => cityFrom[p + span]);
      if (k === undefined) break;
      p += k;
    }
    return p;
  }
  return undefined;
}

/** Where the city starts after a PO box ("PO Box 12 Springfield"), or undefined. */
function cityAfterPoBox(words: string[], work: WorkBudget): number | undefined {
  for (let k = 1; k < words.length && k <= PO_BOX_MAX_WORDS; k++) {
    if (test(work, PO_BOX_WORDS, words.slice(0, k).join(' '))) return k;
  }
  return undefined;
}

export function parseAddress(
  text: string,
  work = new WorkBudget('address', ADDRESS_WORK_PER_CHARACTER * (MAX_ADDRESS_LENGTH + 1)),
): ParsedAddress {
  if (typeof text !== 'string' || !text.trim()) invalid('messages.addressHelp');
  if (text.length > MAX_ADDRESS_LENGTH) {
    invalid('messages.addressTooLong', { max: MAX_ADDRESS_LENGTH });
  }
  work.spend(text.length);
  if (NOT_AN_ADDRESS.test(text)) invalid('messages.notAnAddress');

  const normalised = text.normalize('NFC');
  work.spend(normalised.length);
  const tidy = render(tokenise(normalised, work));
  work.spend(2 * tidy.length);
  let tokens = tokenise(tidy.replace(COUNTRY_AT_END, '').replace(DC_BEFORE_ZIP, 'DC'), work);

  const zipAtEnd = takeFromEnd(tokens, 3, work, (words) => ZIP_WORDS.exec(words));
  if (!zipAtEnd) invalid('messages.includeZip');
  const zip = zipAtEnd.found[1]!;
  const zip4 = zipAtEnd.found[2] ?? zipAtEnd.found[3];
  tokens = zipAtEnd.rest;

  let state: string | undefined;
  const lastWord = trailingWords(tokens, 1) === 1 ? tokens[tokens.length - 1]! : '';
  const code = lastWord ? STATE_CODE.exec(lastWord) : null;
  work.spend(lastWord.length);
  if (code && stateByAbbr(code[1]!) && !test(work, NUMBER_AND_ONE_WORD, render(tokens.slice(0, -1)))) {
    state = code[1]!.toUpperCase();
    tokens = withoutTrailingComma(tokens.slice(0, -1));
  } else {
    // The longest name first, so "West Virginia" wins over "Virginia".
    const named = takeFromEnd(tokens, LONGEST_STATE_NAME_WORDS, work, (words) =>
      STATE_NAMES.get(nameKey(words)),
    );
    if (named) {
      state = named.found;
      tokens = named.rest;
    }
  }

  let street: string | undefined;
  let city: string | undefined;
  const lastComma = tokens.lastIndexOf(COMMA);
  if (lastComma >= 0) {
    city = render(tokens.slice(lastComma + 1));
    street = render(tokens.slice(0, lastComma));
  } else if (tokens.length > 0) {
    const only = render(tokens);
    const split = cityAfterPoBox(tokens, work) ?? cityStart(tokens, work);
    if (split !== undefined) {
      street = render(tokens.slice(0, split));
      city = render(tokens.slice(split));
    } else if (/^\d/.test(only) || test(work, PO_BOX, only)) {
      street = only;
    } else {
      city = only;
    }
  }

  const poBox = street !== undefined && test(work, PO_BOX, street);
  if (street) street = street.replace(PO_BOX, (_m, n: string) => `PO Box ${n.toUpperCase()}`);
  if (city && !/[A-Za-z\u00C0-\u024F]/.test(city)) invalid('messages.notACity');

  const last = [state, zip4 ? `${zip}-${zip4}` : zip].filter(Boolean).join(' ');
  const oneLine = [street, city, last].filter(Boolean).join(', ');
  const result: ParsedAddress = { zip, poBox, oneLine };
  if (street) result.street = street;
  if (city) result.city = city;
  if (state) result.state = state;
  if (zip4) result.zip4 = zip4;
  return result;
}

/** The 5-digit ZIP code of a bare ZIP code field ("62704" or "62704-1234"). */
export function parseZip(text: string): string {
  const match = /^\s*(\d{5})(?:\s*(?:-\s*)?\d{4})?\s*$/.exec(typeof text === 'string' ? text : '');
  if (!match) throw ValidationError.forField('zip', 'messages.zipExample');
  return match[1]!;
}

/** "123  Main St ,Springfield ,": single spaces, ", " between parts, no comma or space at either end. */
export function tidyAddress(text: string): string {
  return render(tokenise(text, new WorkBudget('address', text.length + 1)));
}
