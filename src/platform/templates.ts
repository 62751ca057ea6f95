/**
 * platform/templates: renders a template file from `templates/` outside a request (emails, print),
 * with the same Handlebars instance the pages use, so helpers are identical everywhere. A plain-text
 * template (`*.text.hbs`) is compiled without HTML escaping, so its `{{value}}`s come out as written;
 * every other template escapes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HandlebarsInstance } from './handlebars';

export type RenderTemplate = (name: string, context: object) => string;

/** Returns a renderer for `templates/<name>.hbs`; compiled templates are cached. */
export function createTemplateRenderer(hbs: HandlebarsInstance, templatesDir: string): RenderTemplate {
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  return (name, context) => {
    let template = cache.get(name);
    if (!template) {
      const file = path.join(templatesDir, `${name}.hbs`);
      template = hbs.compile(fs.readFileSync(file, 'utf8'), { noEscape: name.endsWith('.text') });
      cache.set(name, template);
    }
    return template(context);
  };
}
