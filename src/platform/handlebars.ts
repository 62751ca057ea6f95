/**
 * platform/handlebars: the one Handlebars instance that renders pages, emails, the print view and
 * letter templates. Helpers live here so every output format formats dates and lists the same way.
 */
import Handlebars, { type HelperOptions } from 'handlebars';
import { writeValue } from './i18n-format';

export type HandlebarsInstance = typeof Handlebars;

/** The `lang` of the render context: a page's language; emails and letters have none. */
export function renderLanguage(options: HelperOptions | undefined): string | undefined {
  const root = (options?.data as { root?: { lang?: unknown } } | undefined)?.root;
  return typeof root?.lang === 'string' ? root.lang : undefined;
}

/** Creates an isolated Handlebars environment with the app's helpers registered. */
export function createHandlebars(): HandlebarsInstance {
  const hbs = Handlebars.create();
  // Static asset URL; src/web/app.ts replaces it with the content-hashed version (src/web/security.ts).
  hbs.registerHelper('asset', (publicPath: unknown) => String(publicPath));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hbs.registerHelper('add', (a: number, b: number) => Number(a) + Number(b));
  hbs.registerHelper('percent', (part: number, whole: number) =>
    whole > 0 ? Math.min(100, Math.round((Number(part) / Number(whole)) * 100)) : 0,
  );
  // In the page's language (`lang` in the render context; English in emails and letters), isolated in a
  // right-to-left page: after a Latin name ("... Communicating with Congress: 12") it stays the
  // sentence's number instead of joining the Latin run.
  hbs.registerHelper('number', (n: unknown, options: HelperOptions) =>
    writeValue(renderLanguage(options) ?? 'en', Number(n ?? 0), false),
  );
  /** Plain text with blank-line paragraphs to escaped <p> elements; never evaluates the text. */
  hbs.registerHelper('paragraphs', (text: unknown) => {
    const html = String(text ?? '')
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => `<p>${hbs.escapeExpression(p).replace(/\n/g, '<br>')}</p>`)
      .join('\n');
    return new hbs.SafeString(html);
  });
  hbs.registerHelper('lines', (lines: unknown) => {
    const list = Array.isArray(lines) ? lines : [];
    return new hbs.SafeString(list.map((l) => hbs.escapeExpression(String(l))).join('<br>'));
  });
  return hbs;
}
