/**
 * web/views: pages are `templates/**.hbs`, rendered by express-handlebars on the one shared Handlebars
 * instance (src/platform/handlebars.ts, which emails and the print view use too), so helpers and escaping
 * are the same everywhere. A page is wrapped in `templates/layouts/main.hbs` unless the render asks for
 * another layout or for `layout: false`; `templates/partials/*.hbs` are its partials. Templates are
 * cached except in development, where an edited template shows on the next reload.
 */
import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { HandlebarsInstance } from '../platform/handlebars';
import { PROJECT_ROOT } from '../platform/paths';

export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

export function useViews(app: Express, hbs: HandlebarsInstance, options: { cache: boolean }): void {
  const views = create({
    handlebars: hbs,
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(TEMPLATES_DIR, 'layouts'),
    partialsDir: path.join(TEMPLATES_DIR, 'partials'),
  });
  app.engine('hbs', views.engine);
  app.set('view engine', 'hbs');
  app.set('views', TEMPLATES_DIR);
  app.set('view cache', options.cache);
}
