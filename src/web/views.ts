/**
 * web/views: the Express view engine for `templates/**.hbs` pages on the one shared Handlebars instance:
 * a page is rendered, then wrapped in its layout (`templates/layouts/<layout>.hbs`, `main` unless the
 * render asks for another or for `layout: false`), with `templates/partials/*.hbs` as partials.
 *
 * Why not express-handlebars: it resolves layouts and partials and merges options through promises on
 * every render, which cost more than rendering the letter page itself under load. Here templates and
 * partials are compiled once when `cache` is on (everywhere but development); with it off every render
 * reads the files again, so an edited template shows on the next reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HandlebarsInstance } from '../platform/handlebars';

type Template = ReturnType<HandlebarsInstance['compile']>;
type ViewCallback = (err: Error | null, html?: string) => void;
export type ViewEngine = (filePath: string, options: object, callback: ViewCallback) => void;

export interface ViewEngineOptions {
  templatesDir: string;
  defaultLayout: string;
  /** Compile each file once; otherwise (development) read it on every render. */
  cache: boolean;
}

export function createViewEngine(hbs: HandlebarsInstance, options: ViewEngineOptions): ViewEngine {
  const compiled = new Map<string, Template>();
  const layoutsDir = path.join(options.templatesDir, 'layouts');
  const partialsDir = path.join(options.templatesDir, 'partials');
  let partialsRegistered = false;

  function template(file: string): Template {
    let found = options.cache ? compiled.get(file) : undefined;
    if (!found) {
      // preventIndent: an indented `{{> partial}}` otherwise has every line of its output split and
      // re-indented on each render; whitespace in HTML outside <pre>/<textarea> changes nothing.
      found = hbs.compile(fs.readFileSync(file, 'utf8'), { preventIndent: true });
      if (options.cache) compiled.set(file, found);
    }
    return found;
  }

  function registerPartials(): void {
    if (partialsRegistered && options.cache) return;
    for (const name of fs.readdirSync(partialsDir)) {
      if (!name.endsWith('.hbs')) continue;
      hbs.registerPartial(name.slice(0, -'.hbs'.length), template(path.join(partialsDir, name)));
    }
    partialsRegistered = true;
  }

  return (filePath, renderOptions, callback) => {
    try {
      registerPartials();
      const context = renderOptions as { layout?: unknown };
      const body = template(filePath)(context);
      const layout = context.layout === undefined ? options.defaultLayout : context.layout;
      if (typeof layout !== 'string' || layout === '') {
        callback(null, body);
        return;
      }
      const layoutFile = path.join(layoutsDir, `${path.basename(layout, '.hbs')}.hbs`);
      callback(null, template(layoutFile)({ ...context, body }));
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  };
}
