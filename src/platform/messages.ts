/**
 * platform/messages: what a component says to a person is a catalogue key and its values (a `Message`),
 * never English text. Pages translate the key into the person's language (src/web/i18n.ts); the JSON
 * API, logs and command-line tools read the English catalogue (`locales/en/translation.json`).
 */
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type InitOptions, type TFunction } from 'i18next';
import { addFormats, EXAMPLES, interpolationFor } from './i18n-format';
import { PROJECT_ROOT } from './paths';

/** Values interpolated into a message; a list is written the language's way (`{{states, list}}`). */
export type MessageValues = Record<string, string | number | readonly string[]>;

export interface Message {
  /** A key of `locales/<lng>/translation.json`, e.g. `messages.unknownZip`. */
  key: string;
  values?: MessageValues;
}

const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

/** The catalogue of one language, as stored in `locales/<lng>/translation.json`. */
export function readCatalogue(lng: string): Record<string, unknown> {
  const file = path.join(LOCALES_DIR, lng, 'translation.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The message in English, as the JSON API and the logs give it. */
export function englishText(message: Message): string {
  return textIn('en', message.key, message.values);
}

/** The languages with a catalogue (locales/<code>/); English is every other's fallback. */
export const CATALOGUE_LANGUAGES = ['en', 'es', 'ar'] as const;

/**
 * An i18next instance with every catalogue loaded (synchronously: they are small files); `setup` adds a
 * plugin before it starts (the interface's language detector).
 */
export function createCatalogues(options: InitOptions = {}, setup = (instance: I18n) => instance): I18n {
  const instance = setup(i18next.createInstance());
  void instance.init({
    initAsync: false,
    resources: Object.fromEntries(
      CATALOGUE_LANGUAGES.map((lng) => [lng, { translation: readCatalogue(lng) }]),
    ),
    fallbackLng: 'en',
    returnNull: false,
    // Handlebars escapes what the `t` helper returns; `*Html` keys escape their values here instead.
    // Text is translated with interpolationFor (src/platform/i18n-format.ts): numbers in the language's
    // digits and grouping, every value isolated in Arabic. The examples are values, for the same reason.
    interpolation: { escapeValue: false, defaultVariables: { ...EXAMPLES } },
    ...options,
  });
  addFormats(instance);
  return instance;
}

/**
 * A translator fixed to one language that writes every value the language's way (interpolationFor): a
 * clone of `instance` (sharing its catalogues) made with those interpolation options once. Passed with
 * each call instead, they make i18next rebuild its interpolation patterns twice per text.
 */
export function translatorIn(instance: I18n, lng: string, html: boolean): TFunction {
  return instance.cloneInstance({ interpolation: interpolationFor(lng, html) }).getFixedT(lng);
}

let translators: Map<string, TFunction> | undefined;

/**
 * A catalogue text in one of the interface languages (English for any other code), for text rendered
 * outside a request: the emails that go out in the language the writer used (src/replies), and the
 * English of the API and the logs. Values are written as on pages (src/platform/i18n-format.ts): numbers
 * in the language's digits and grouping, counted nouns, and in Arabic each value isolated.
 */
export function textIn(lng: string, key: string, values: MessageValues = {}): string {
  if (!translators) {
    const catalogues = createCatalogues();
    translators = new Map(CATALOGUE_LANGUAGES.map((l) => [l, translatorIn(catalogues, l, false)]));
  }
  return String((translators.get(lng) ?? translators.get('en')!)(key, values));
}

/** Several messages (lookup notes) as one English paragraph, or undefined when there are none. */
export function englishParagraph(messages: readonly Message[]): string | undefined {
  return messages.length > 0 ? messages.map(englishText).join(' ') : undefined;
}
