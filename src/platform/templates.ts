/**
 * platform/templates: renders a template file from `templates/` outside a request (emails), through
 * express-handlebars on the same Handlebars instance the pages use, so helpers are identical everywhere.
 * A plain-text template (`*.text.hbs`) is compiled without HTML escaping, so its `{{value}}`s come out as
 * written; every other template escapes them.
 */
import path from 'node:path';
import { create } from 'express-handlebars';
import type { HandlebarsInstance } from './handlebars';

type RenderTemplate = (name: string, context: object) => Promise<string>;

/** Returns a renderer for `templates/<name>.hbs`; express-handlebars caches the compiled templates. */
export function createTemplateRenderer(hbs: HandlebarsInstance, templatesDir: string): RenderTemplate {
  const options = { handlebars: hbs, extname: '.hbs', partialsDir: [] };
  const html = create(options);
  const text = create({ ...options, compilerOptions: { noEscape: true } });
  return (name, context) =>
    (name.endsWith('.text') ? text : html).render(path.join(templatesDir, `${name}.hbs`), context as never, {
      cache: true,
    });
}
