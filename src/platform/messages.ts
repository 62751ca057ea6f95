/**
 * platform/messages: what a component says to a person is a catalogue key and its values (a `Message`),
 * never English text. Pages translate the key into the person's language (src/web/i18n.ts); the JSON
 * API, logs and command-line tools read the English catalogue (`locales/en/translation.json`).
 */
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { addFormats, EXAMPLES, interpolationFor } from './i18n-format';
import { PROJECT_ROOT } from './paths';

/** Values interpolated into a message; a list is written the language's way (`{{states, list}}`). */
export type MessageValues = Record<string, string | number | readonly string[]>;

export interface Message {
  /** A key of `locales/<lng>/translation.json`, e.g. `messages.unknownZip`. */
  key: string;
  values?: MessageValues;
}

export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

/** The catalogue of one language, as stored in `locales/<lng>/translation.json`. */
export function readCatalogue(lng: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lng, 'translation.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The message in English, as the JSON API and the logs give it. */
export function englishText(message: Message): string {
  return textIn('en', message.key, message.values);
}

const fixedByLanguage = new Map<string, TFunction>();

/**
 * A catalogue text in one of the interface languages (English for any other code), for text rendered
 * outside a request: the emails that go out in the language the writer used (src/replies), and the
 * English of the API and the logs. Values are written as on pages (src/platform/i18n-format.ts): numbers
 * in the language's digits and grouping, counted nouns, and in Arabic each value isolated.
 */
export function textIn(lng: string, key: string, values: MessageValues = {}): string {
  const lang = ['en', 'es', 'ar'].includes(lng) ? lng : 'en';
  let t = fixedByLanguage.get(lang);
  if (!t) {
    const instance = i18next.createInstance();
    void instance.init({
      initAsync: false,
      lng: lang,
      fallbackLng: 'en',
      resources: { [lang]: { translation: readCatalogue(lang) }, en: { translation: readCatalogue('en') } },
      returnNull: false,
      interpolation: { escapeValue: false, defaultVariables: { ...EXAMPLES } },
    });
    addFormats(instance);
    t = instance.getFixedT(lang);
    fixedByLanguage.set(lang, t);
  }
  return String(t(key, { ...values, interpolation: interpolationFor(lang, false) }));
}

/** Several messages (lookup notes) as one English paragraph, or undefined when there are none. */
export function englishParagraph(messages: readonly Message[]): string | undefined {
  return messages.length > 0 ? messages.map(englishText).join(' ') : undefined;
}
