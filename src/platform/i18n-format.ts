/**
 * platform/i18n-format: how values are written into translated text, the same for pages (src/web/i18n.ts)
 * and for the English text of the JSON API and the logs (src/platform/messages.ts).
 *
 * - Numbers and lists go through `Intl` in one locale per language: `en-US`, `es-US` (U.S. digit grouping,
 *   "10,000", as the rest of a page about U.S. addresses and bills) and Arabic with Western digits
 *   (`ar-u-nu-latn`), because bill numbers, ZIP codes, addresses and the campaign's own figures are
 *   written with Western digits and a page should not mix two digit sets (docs/i18n.md, glossary).
 * - Counted nouns (`{{max, counted(unit: characters)}}`) take the language's plural form from the
 *   catalogue's `units.*` keys: Arabic has six (zero, one, two, few, many, other).
 * - In a right-to-left language every interpolated value is a first-strong isolate (U+2068 ... U+2069),
 *   so a Latin address, a ZIP+4, a phone number or a bill number keeps its order inside Arabic text.
 *   This is done here, for every value, never by hand in a catalogue.
 */
import Handlebars from 'handlebars';
import type { i18n as I18n, InterpolationOptions, TFunction } from 'i18next';

/** First strong isolate and pop directional isolate (Unicode Bidirectional Algorithm, UAX #9). */
export const FSI = '\u2068';
export const PDI = '\u2069';

const RIGHT_TO_LEFT = new Set(['ar']);

/** `es` for `es-MX` or `ES_us`. */
export function baseLanguage(lng: string | undefined): string {
  return (lng ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
}

export function isRightToLeft(lng: string | undefined): boolean {
  return RIGHT_TO_LEFT.has(baseLanguage(lng));
}

const INTL_LOCALES = new Map([
  ['es', 'es-US'],
  ['ar', 'ar-u-nu-latn'],
]);

/** The `Intl` locale a language's numbers, lists and dates are written in. */
function intlLocale(lng: string | undefined): string {
  return INTL_LOCALES.get(baseLanguage(lng)) ?? 'en-US';
}

/** Text as one isolated run, direction taken from its first strong character. Empty text stays empty. */
export function isolate(text: string): string {
  return text === '' ? '' : `${FSI}${text}${PDI}`;
}

/**
 * The `Intl` formatters, one per locale and options, kept: each holds ICU objects of tens of KB outside
 * V8's heap that V8 neither counts nor frees until it collects the formatter, so a page that made a few
 * per request grew the process by 150-250 MB under load (docs/performance.md, "Where the memory goes").
 * The keys are bounded: three locales and the options written in the code.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>();

function kept<O, T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat>(
  Format: new (locale: string, options: O) => T,
  locale: string,
  options: O,
): T {
  const key = `${Format.name} ${locale} ${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = new Format(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

export const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}) =>
  kept(Intl.NumberFormat, locale, options);
export const dateTimeFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  kept(Intl.DateTimeFormat, locale, options);
const listFormat = (locale: string, options: Intl.ListFormatOptions) =>
  kept(Intl.ListFormat, locale, options);

export function formatNumber(lng: string | undefined, n: number): string {
  return numberFormat(intlLocale(lng)).format(n);
}

/** The language a page is built in and its translator (an Express request carries both). */
export interface PageLanguage {
  language: string;
  t: TFunction;
}

/** "a, b and c" in the language. */
export function formatList(lng: string, items: string[]): string {
  return listFormat(intlLocale(lng), { type: 'conjunction' }).format(items);
}

/** A calendar date ("2027-01-03") the language's way, day first in English: "3 January 2027". */
export function formatLongDate(lng: string, isoDate: string): string {
  const format = { dateStyle: 'long', timeZone: 'UTC' } as const;
  const locale = intlLocale(lng);
  return dateTimeFormat(locale === 'en-US' ? 'en-GB' : locale, format).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/** A date and time in UTC, written the language's way ("Nov 28, 2026, 4:32 PM"). */
export function formatUtcDateTime(lng: string, date: Date): string {
  const format = { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' } as const;
  return dateTimeFormat(intlLocale(lng), format).format(date);
}

/**
 * Example values the catalogues quote ("For example: {{addressExample}}"): written once, the same in
 * every language, and interpolated (so isolated in Arabic) rather than typed into each translation.
 */
export const EXAMPLES = {
  addressExample: '123 Main St, Springfield, IL 62704',
  zipExample: '62704',
  zipPlusFourExample: '62704-1234',
  phoneExample: '217-555-0100',
  emailExample: 'name@example.com',
  districtExample: 'IL-13',
  atLargeExample: 'AK-0',
} as const;

/**
 * Adds the formats the catalogues use to an initialised i18next instance (its built-in formatter, public
 * `add`): `number` and `list` in the language's `Intl` locale, and `counted(unit: x)`, the number with
 * its noun in the right plural form (`units.x_one`, `units.x_few`, ...).
 */
export function addFormats(instance: I18n): void {
  const formatter = instance.services.formatter;
  if (!formatter) throw new Error('i18next has no formatter to add formats to');
  formatter.add('number', (value: unknown, lng: string | undefined) => formatNumber(lng, Number(value)));
  formatter.add('list', (value: unknown, lng: string | undefined, options: { type?: string }) =>
    listFormat(intlLocale(lng), {
      type: options.type === 'disjunction' ? 'disjunction' : 'conjunction',
    }).format(Array.isArray(value) ? value.map(String) : [String(value)]),
  );
  formatter.add('counted', (value: unknown, lng: string | undefined, options: { unit?: string }) =>
    instance.t(`units.${String(options.unit)}`, { lng, count: Number(value) }),
  );
}

/** Interpolation options for text in `lng`: every value written by `writeValue` (see messages translatorIn). */
export function interpolationFor(lng: string, html: boolean): InterpolationOptions {
  return {
    escapeValue: true,
    // The raw value, so a number is written the language's way rather than as JavaScript prints it.
    useRawValueToEscape: true,
    escape: (value: unknown) => writeValue(lng, value, html),
  };
}

/** One interpolated value: a number in the language's digits and grouping, HTML-escaped for markup keys, isolated in RTL. */
export function writeValue(lng: string, value: unknown, html: boolean): string {
  const text = typeof value === 'number' ? formatNumber(lng, value) : String(value ?? '');
  const safe = html ? Handlebars.escapeExpression(text) : text;
  return isRightToLeft(lng) ? isolate(safe) : safe;
}

/** Markup's attributes (an href with an interpolated URL) are not displayed text: no isolates there. */
export function withoutIsolatesInTags(html: string): string {
  return html.replace(/<[^<>]*>/g, (tag) => tag.replace(/[\u2066-\u2069]/g, ''));
}

/** Every non-empty string in a template context, isolated (for a right-to-left translation's values). */
export function isolateStrings<T>(value: T): T {
  if (typeof value === 'string') return isolate(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => isolateStrings(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isolateStrings(v)])) as T;
  }
  return value;
}
