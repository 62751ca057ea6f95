/**
 * web/i18n: the interface language (English, Spanish, Arabic) with i18next and i18next-http-middleware.
 * The language comes from `?lang=xx` (then remembered in a `lang` cookie), the cookie, or Accept-Language,
 * in that order. Templates translate with the `t` helper, which reads the language from the render
 * context (`res.locals.lang`), so the one shared Handlebars instance serves every language at once.
 *
 * Campaign content and the letters themselves stay in English: they go to offices of Congress.
 */
import type { RequestHandler } from 'express';
import type { HelperOptions } from 'handlebars';
import type { i18n as I18n, TFunction } from 'i18next';
import { LanguageDetector } from 'i18next-http-middleware';
import { renderLanguage, type HandlebarsInstance } from '../platform/handlebars';
import { baseLanguage, isRightToLeft, withoutIsolatesInTags } from '../platform/i18n-format';
import { CATALOGUE_LANGUAGES, createCatalogues, translatorIn, type Message } from '../platform/messages';
import { sameSitePath } from './security';

/** The interface languages, each with its name written in itself (for the switcher). */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
  { code: 'ar', name: 'العربية' },
] as const satisfies ReadonlyArray<{ code: (typeof CATALOGUE_LANGUAGES)[number]; name: string }>;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];
const DEFAULT_LANGUAGE: LanguageCode = 'en';
const CODES: readonly string[] = LANGUAGES.map((l) => l.code);

/** Where the language comes from, first match wins. */
const DETECTION_ORDER = ['querystring', 'cookie', 'header'] as const;

/** The interface's i18next instance (src/platform/messages.ts), with the language detector. */
export function createI18n(): I18n {
  return createCatalogues(
    {
      supportedLngs: [...CODES],
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: DEFAULT_LANGUAGE,
      detection: {
        order: [...DETECTION_ORDER],
        lookupQuerystring: 'lang',
        lookupCookie: 'lang',
        // The cookie is written only when the person picks a language (see below), not on every page.
        caches: false,
        cookieSameSite: 'lax',
      },
    },
    (instance) => instance.use(LanguageDetector),
  );
}

/** A translator per interface language. */
type Translators = Map<string, TFunction>;
const translatorsFor = (i18n: I18n, html = false): Translators =>
  new Map(LANGUAGES.map((l) => [l.code, translatorIn(i18n, l.code, html)]));

const dirOf = (lang: string) => (isRightToLeft(lang) ? 'rtl' : 'ltr');

/** The language switcher's entries: each language with the direction its name is written in. */
const SWITCHER_LANGUAGES = LANGUAGES.map((l) => ({ ...l, dir: dirOf(l.code) }));

/** `en` for `en-US`, and only languages the interface has; anything else is the default. */
function supportedLanguage(lng: string | undefined): LanguageCode {
  const base = baseLanguage(lng);
  return (CODES.includes(base) ? base : DEFAULT_LANGUAGE) as LanguageCode;
}

/**
 * The current URL with `lang` set, for each interface language in LANGUAGES' order (the switcher keeps
 * the page and its query string, `lang` last); the URL is parsed once, its other parameters serialised once.
 */
export function urlsWithLanguages(originalUrl: string): string[] {
  // Parsed under a fixed origin, never as a URL of its own; the parsed path is made a path of this site's
  // again, since `/.//host` reads as `//host`.
  const url = new URL(`http://localhost${sameSitePath(originalUrl)}`);
  url.searchParams.delete('lang');
  const others = url.searchParams.toString();
  const path = sameSitePath(url.pathname);
  const prefix = others ? `${path}?${others}&lang=` : `${path}?lang=`;
  return CODES.map((lng) => `${prefix}${lng}`);
}

/**
 * Detects the language (i18next-http-middleware), remembers an explicit `?lang=` choice in a cookie and
 * sets the render locals: `lang`, `dir` and the switcher's `languages`. `translators` are the `t` helper's
 * (registerI18nHelpers), for `req.t`.
 */
export function createI18nMiddleware(
  i18n: I18n,
  translators: Translators,
  options: { secureCookie: boolean },
): RequestHandler {
  // The library's detector, called directly: translation needs no per-request i18next instance (its
  // `handle` middleware clones one per request), because the `t` helper reads the language from the
  // render context.
  const detector = i18n.services.languageDetector as LanguageDetector;
  return (req, res, next) => {
    // Typed as void upstream; it returns the detected language (or languages).
    const detected = detector.detect(req, res, [...DETECTION_ORDER]) as unknown as
      string | string[] | undefined;
    const lang = supportedLanguage(Array.isArray(detected) ? detected[0] : detected);
    req.language = lang;
    // For text that routes build outside templates (page titles, the progress map).
    req.t = translators.get(lang)!;
    res.setHeader('Content-Language', lang);
    if (req.i18nextLookupName === 'querystring' && req.cookies?.lang !== lang) {
      res.cookie('lang', lang, {
        maxAge: 365 * 24 * 3600 * 1000,
        sameSite: 'lax',
        secure: options.secureCookie,
        httpOnly: true,
        path: '/',
      });
    }
    res.locals.lang = lang;
    res.locals.dir = dirOf(lang);
    // Links on a page that answers a POST would drop what the person posted: offer them on GETs only.
    if (req.method === 'GET' || req.method === 'HEAD') {
      const urls = urlsWithLanguages(req.originalUrl);
      res.locals.languages = SWITCHER_LANGUAGES.map((l, i) => ({
        ...l,
        current: l.code === lang,
        url: urls[i],
      }));
    } else {
      res.locals.languages = [];
    }
    next();
  };
}

/** The language of the page being rendered (its `lang`), English for emails and letters. */
const pageLanguage = (options: HelperOptions | undefined) => supportedLanguage(renderLanguage(options));

/**
 * Registers `{{t "component.key" name=value}}` on the shared Handlebars instance. The language is the
 * render context's `lang` (pages), or English (emails and letters, which have none). Keys ending in
 * `Html` hold trusted markup from the catalogue: their interpolated values are escaped by i18next and
 * the result is not escaped again; every other text is an ordinary value, escaped by Handlebars. In Arabic
 * every value comes isolated (src/platform/i18n-format.ts), except inside a tag's attributes. Returns the
 * plain-text translators, which `req.t` shares (createI18nMiddleware).
 */
export function registerI18nHelpers(hbs: HandlebarsInstance, i18n: I18n): Translators {
  const text = translatorsFor(i18n);
  const markup = translatorsFor(i18n, true);
  hbs.registerHelper('t', function (this: unknown, key: unknown, options: HelperOptions) {
    const name = String(key);
    const lang = pageLanguage(options);
    if (!name.endsWith('Html')) return String(text.get(lang)!(name, { ...(options?.hash as object) }));
    const html = String(markup.get(lang)!(name, { ...(options?.hash as object) }));
    return new hbs.SafeString(withoutIsolatesInTags(html));
  });
  // `{{tm message}}`: a component's message (src/platform/messages.ts), a catalogue key and its values.
  hbs.registerHelper('tm', function (this: unknown, message: unknown, options: HelperOptions) {
    const { key, values } = (message ?? {}) as Partial<Message>;
    if (typeof key !== 'string') return '';
    return text.get(pageLanguage(options))!(key, { ...values });
  });
  // ` lang="xx" dir="..."` on campaign texts in a language other than the page's (English, where the
  // campaign has no translation).
  hbs.registerHelper('langOf', (code: unknown, options: HelperOptions) => {
    const lang = String(code);
    if (lang === pageLanguage(options)) return '';
    return new hbs.SafeString(` lang="${hbs.escapeExpression(lang)}" dir="${dirOf(lang)}"`);
  });
  // ` lang="en" dir="ltr"` on campaign text and letters shown inside a page in another language.
  hbs.registerHelper('inEnglish', (options: HelperOptions) => {
    const lang = pageLanguage(options);
    return new hbs.SafeString(lang === 'en' ? '' : ' lang="en" dir="ltr"');
  });
  return text;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Which detector found the language (i18next-http-middleware sets it). */
    i18nextLookupName?: string;
  }
}
