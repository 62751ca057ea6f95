/**
 * web/messages: the interface language for the messages that components write in English (validation
 * errors from Zod schemas, the address parser and the lookup, and the lookup's notes about split ZIP
 * codes and vacant seats). Components know no language and the JSON API answers in English; pages pass
 * those messages through `{{tm message}}`, which translates each known sentence with the catalogue's
 * `messages.*` keys and leaves anything unknown as it was.
 */
import type { TFunction } from 'i18next';

interface MessagePattern {
  /** One English sentence as a component writes it; named groups become the translation's values. */
  pattern: RegExp;
  key: string;
}

const FIELD_LABELS: Record<string, string> = {
  'full name': 'name',
  'street address': 'street',
  city: 'city',
};

const PATTERNS: MessagePattern[] = [
  { pattern: /Enter your (?<label>full name|street address|city)\./g, key: 'enterField' },
  {
    pattern: /Your (?<label>full name|street address|city) must be (?<max>\d+) characters or fewer\./g,
    key: 'fieldTooLong',
  },
  { pattern: /Enter your email address\./g, key: 'enterEmail' },
  { pattern: /Enter an email address like name@example\.com\./g, key: 'emailFormat' },
  { pattern: /Your email address must be (?<max>\d+) characters or fewer\./g, key: 'emailTooLong' },
  { pattern: /Choose your state or territory\./g, key: 'chooseStateOrTerritory' },
  { pattern: /Choose your state\./g, key: 'chooseState' },
  { pattern: /Enter your ZIP code\./g, key: 'enterZip' },
  { pattern: /Enter a 5-digit ZIP code, like 62704 or 62704-1234\./g, key: 'zipFormat' },
  { pattern: /Enter a 5-digit ZIP code, for example 62704\./g, key: 'zipExample' },
  { pattern: /Keep your personal note to (?<max>[\d,]+) characters or fewer\./g, key: 'noteTooLong' },
  {
    pattern: /Your letter is empty\. Write a few sentences, or reset it to the campaign text\./g,
    key: 'bodyEmpty',
  },
  { pattern: /Your letter must be (?<max>[\d,]+) characters or fewer\./g, key: 'bodyTooLong' },
  { pattern: /That member of Congress is not in our data\./g, key: 'unknownMember' },
  { pattern: /Some of what you entered needs fixing\./g, key: 'needsFixing' },
  { pattern: /Choose at least one member of Congress to write to\./g, key: 'chooseMember' },
  {
    pattern:
      /(?<name>[^.]+(?:\.[^.]+)*?) does not represent the address you gave \((?<place>[A-Z]{2} \d{5})\)\. You can write only to your own senators and representative\./g,
    key: 'notYourMember',
  },
  {
    pattern: /Enter your street address, city, state and ZIP code, for example "(?<example>[^"]+)"\./g,
    key: 'addressHelp',
  },
  { pattern: /That address is too long \(more than (?<max>\d+) characters\)\./g, key: 'addressTooLong' },
  { pattern: /That does not look like a postal address\./g, key: 'notAnAddress' },
  { pattern: /Include your 5-digit ZIP code\./g, key: 'includeZip' },
  { pattern: /That does not look like a city name\./g, key: 'notACity' },
  { pattern: /Choose your congressional district from the list\./g, key: 'chooseDistrict' },
  {
    pattern:
      /District (?<district>[A-Z]{2}-(?:AL|\d+)) is not one of the districts for ZIP code (?<zip>\d{5}): choose (?<choices>[^.]+)\./g,
    key: 'districtNotInZip',
  },
  {
    pattern:
      /ZIP code (?<zip>\d{5}) is a military post office overseas\. Enter the address where you are registered to vote in the United States\./g,
    key: 'militaryZip',
  },
  {
    pattern:
      /We could not find ZIP code (?<zip>\d{5})\. Check the ZIP code, or enter your full street address\./g,
    key: 'unknownZip',
  },
  {
    pattern:
      /ZIP code (?<zip>\d{5}) is used for PO boxes or a single organisation, so it does not tell us your congressional district\. Enter your home street address and its ZIP code to find your representative\./g,
    key: 'poBoxZip',
  },
  {
    pattern:
      /Your address says (?<written>[A-Z]{2}), but ZIP code (?<zip>\d{5}) is in (?<states>[A-Z]{2}(?: and [A-Z]{2})*); we used the ZIP code\./g,
    key: 'stateMismatch',
  },
  {
    pattern:
      /ZIP code (?<zip>\d{5}) crosses a state line \((?<states>[^)]+)\)\. Choose your district, or add your state to the address, to see your senators\./g,
    key: 'crossesStateLine',
  },
  {
    pattern:
      /ZIP code (?<zip>\d{5}) is split between (?<count>\d+) congressional districts \((?<districts>[^)]+)\)\. Choose yours; the first is the most likely\./g,
    key: 'splitZipLikely',
  },
  {
    pattern:
      /ZIP code (?<zip>\d{5}) is split between (?<count>\d+) congressional districts \((?<districts>[^)]+)\)\. Choose yours\./g,
    key: 'splitZip',
  },
  {
    pattern: /The House seat for (?<seats>[^.]+?) is vacant until a special election\./g,
    key: 'vacantSeat',
  },
  {
    pattern: /The House seats for (?<seats>[^.]+?) are vacant until special elections\./g,
    key: 'vacantSeats',
  },
  {
    pattern:
      /You are close to a district line, so we also list the neighbouring district’s member\. Enter your street address to be sure\./g,
    key: 'nearBoundary',
  },
  {
    pattern:
      /Finding your district from your location is not available right now\. Enter your street address instead\./g,
    key: 'locationUnavailable',
  },
  {
    pattern:
      /That location is not inside a U\.S\. congressional district we know\. Enter your street address instead\./g,
    key: 'locationOutside',
  },
];

/** The message in the translator's language, sentence by sentence; unknown sentences stay English. */
export function translateMessage(t: TFunction, message: string): string {
  let out = message;
  for (const { pattern, key } of PATTERNS) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, (...args: unknown[]) => {
      const groups = (typeof args.at(-1) === 'object' ? args.at(-1) : {}) as Record<string, string>;
      const values: Record<string, string> = { ...groups };
      if (groups.label) values.field = t(`messages.fields.${FIELD_LABELS[groups.label] ?? 'name'}`);
      return String(t(`messages.${key}`, values));
    });
  }
  return out;
}

/** The catalogue keys the patterns use (tests check that every catalogue has them). */
export const MESSAGE_KEYS: readonly string[] = [
  ...PATTERNS.map((p) => `messages.${p.key}`),
  ...Object.values(FIELD_LABELS).map((k) => `messages.fields.${k}`),
];
