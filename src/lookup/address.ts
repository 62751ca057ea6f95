/**
 * lookup/address: parses the one-line US address a person types ("123 Main St Apt 4, Springfield, IL
 * 62704-1234") into its parts. Only the ZIP code is required: it is what the district lookup uses.
 */
import { ValidationError } from '../platform/errors';
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
export const ADDRESS_EXAMPLE = '123 Main St, Springfield, IL 62704';

/** A problem with the address; every message ends with how to write one (`messages.addressHelp`). */
function invalid(messageKey: string, values: Record<string, number> = {}): never {
  throw ValidationError.forField('address', messageKey, { ...values, example: ADDRESS_EXAMPLE });
}

/** Full names (and common variants) to codes, longest first so "West Virginia" wins over "Virginia". */
const STATE_NAMES: Array<[RegExp, string]> = (
  [
    ...STATES.map((s): [string, string] => [s.name, s.abbr]),
    ['US Virgin Islands', 'VI'],
    ['U.S. Virgin Islands', 'VI'],
    ['Virgin Islands of the United States', 'VI'],
    ['Northern Marianas', 'MP'],
    ['Commonwealth of Puerto Rico', 'PR'],
  ] as Array<[string, string]>
)
  .sort((a, b) => b[0].length - a[0].length)
  .map(([name, abbr]: [string, string]): [RegExp, string] => [
    new RegExp(`(?:^|[\\s,])(${name.replace(/\./g, '\\.?').replace(/ /g, '\\s*')})\\.?$`, 'i'),
    abbr,
  ]);

const PO_BOX = /\b(?:P\s*\.?\s*O\s*\.?\s*B(?:ox)?|Post\s+Office\s+Box|POB)\.?\s*#?\s*(\d+[A-Z]?)\b/i;
const STREET_SUFFIX =
  'St|Street|Ave|Av|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Ct|Court|Way|Pl|Place|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail|Loop|Row|Pike|Plz|Plaza|Aly|Alley|Xing|Run|Path|Walk';
const UNIT = '(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Fl|Floor|Bldg|Lot|Spc|#)\\.?\\s*#?\\s*[\\w-]+';
/** "123 Main St NW Apt 4 Springfield": splits the street from the city when there is no comma. */
const STREET_THEN_CITY = new RegExp(
  `^(.*\\b(?:${STREET_SUFFIX})\\.?(?:\\s+(?:N|S|E|W|NE|NW|SE|SW)\\b\\.?)?(?:\\s+${UNIT})*)\\s+(?!(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Fl|Floor|Bldg|Lot|Spc)\\b)([A-Za-z\\u00C0-\\u024F][A-Za-z\\u00C0-\\u024F .'-]*)$`,
  'i',
);
const PO_BOX_THEN_CITY =
  /^((?:P\s*\.?\s*O\s*\.?\s*B(?:ox)?|Post\s+Office\s+Box|POB)\.?\s*#?\s*\d+[A-Z]?)\s+(.+)$/i;

/** Characters that never appear in a postal address: the input is not an address. */
const NOT_AN_ADDRESS = /[<>{}[\]\\|^~$*=;@`]/;

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) return true;
  }
  return false;
}

function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/(?:, ){2,}/g, ', ')
    .replace(/^[\s,]+|[\s,]+$/g, '');
}

export function parseAddress(text: string): ParsedAddress {
  if (typeof text !== 'string' || !text.trim()) invalid('messages.addressHelp');
  if (text.length > MAX_ADDRESS_LENGTH) {
    invalid('messages.addressTooLong', { max: MAX_ADDRESS_LENGTH });
  }
  if (NOT_AN_ADDRESS.test(text) || hasControlCharacters(text)) invalid('messages.notAnAddress');

  let rest = tidy(text.normalize('NFC'))
    .replace(/,?\s*(?:U\.?S\.?A?\.?|United States(?: of America)?)$/i, '')
    .replace(/\bD\.\s?C\.?(?=\s*,?\s*\d{5}|$)/i, 'DC');

  const zipMatch = /(?:^|[\s,])(\d{5})(?:\s*[-\u2013]\s*(\d{4})|(\d{4}))?$/.exec(rest);
  if (!zipMatch) {
    invalid('messages.includeZip');
  }
  const zip = zipMatch[1]!;
  const zip4 = zipMatch[2] ?? zipMatch[3];
  rest = tidy(rest.slice(0, zipMatch.index));

  let state: string | undefined;
  const code = /(?:^|[\s,])([A-Za-z]{2})\.?$/.exec(rest);
  // "123 Oak Ct 06510": a house number and one word before the code, so CT is the street suffix here.
  const streetSuffixOnly = code !== null && /^\d+[A-Za-z]?\s+\S+$/.test(rest.slice(0, code.index).trim());
  if (code && stateByAbbr(code[1]!) && !streetSuffixOnly) {
    state = code[1]!.toUpperCase();
    rest = tidy(rest.slice(0, code.index));
  } else {
    for (const [pattern, abbr] of STATE_NAMES) {
      const match = pattern.exec(rest);
      if (match) {
        state = abbr;
        rest = tidy(rest.slice(0, match.index));
        break;
      }
    }
  }

  let street: string | undefined;
  let city: string | undefined;
  const parts = rest ? rest.split(', ') : [];
  if (parts.length >= 2) {
    city = parts.pop();
    street = parts.join(', ');
  } else if (parts.length === 1) {
    const only = parts[0]!;
    const split = PO_BOX_THEN_CITY.exec(only) ?? STREET_THEN_CITY.exec(only);
    if (split) {
      street = split[1];
      city = split[2];
    } else if (/^\d/.test(only) || PO_BOX.test(only)) {
      street = only;
    } else {
      city = only;
    }
  }

  const poBox = street !== undefined && PO_BOX.test(street);
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

/** Checks a bare ZIP code field ("62704" or "62704-1234"). */
export function parseZip(text: string, field = 'zip'): { zip: string; zip4?: string } {
  const match = /^\s*(\d{5})(?:\s*-?\s*(\d{4}))?\s*$/.exec(typeof text === 'string' ? text : '');
  if (!match) throw ValidationError.forField(field, 'messages.zipExample');
  return match[2] ? { zip: match[1]!, zip4: match[2] } : { zip: match[1]! };
}
