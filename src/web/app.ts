/**
 * web/app: assembles the Express app from injected dependencies. No module-level state: tests build a
 * fresh app per file with `createApp(deps)`; `src/server.ts` listens and drains it.
 */
import path from 'node:path';
import express, { type Express } from 'express';
import type { AppDeps } from './deps';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { PROJECT_ROOT } from '../platform/paths';
import cookieParser from 'cookie-parser';
import {
  createAssetManifest,
  hashedStatic,
  privateWhenLocated,
  registerAssetHelper,
  securityHeaders,
} from './security';
import { requestLogger } from './request-log';
import { useViews } from './views';
import { createRouteGuards, mountRoutes, routeTable } from './routes';
import { createI18n, createI18nMiddleware, registerI18nHelpers } from './i18n';
import { layoutLocals } from './layout-locals';

/**
 * The listening socket's accept queue. Node's default (511) overflows when a campaign launch sends
 * a thousand submissions at once while the event loop is busy: the kernel then resets connections that
 * would have been served a moment later. Linux caps it at net.core.somaxconn (4096 on current kernels).
 */
export const LISTEN_BACKLOG = 4096;

/** Builds the Express app; it does not listen. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  // No automatic ETags: pages carry a fresh CSRF token, so hashing every page could never save a byte.
  app.set('etag', false);

  useViews(app, deps.hbs, { cache: deps.config.env !== 'development' });

  // Request ids and one log line per request, without personal data (src/web/request-log.ts).
  app.use(requestLogger(deps.logger));

  app.use(securityHeaders(deps.config));
  // A home address or location in the query (the lookup API, the members and letter pages, any spelling):
  // never kept by a cache, never indexed.
  app.use(privateWhenLocated);

  // The routes (src/web/routes.ts), mounted stage by stage among the middleware each stage needs.
  const guards = createRouteGuards(deps);
  const routes = routeTable(deps, guards);
  mountRoutes(app, routes, 'probe');

  // Hashed static assets (`{{asset "/static/..."}}`; see src/web/security.ts).
  const publicDir = path.join(PROJECT_ROOT, 'public');
  const uswdsDir = path.join(PROJECT_ROOT, 'node_modules', '@uswds', 'uswds', 'dist');
  const assets = createAssetManifest([
    { prefix: '/static', dir: publicDir },
    { prefix: '/static/uswds', dir: uswdsDir },
  ]);
  registerAssetHelper(deps.hbs, assets);
  app.use('/static/uswds', hashedStatic('/static/uswds', uswdsDir, assets, 7 * 24 * 3600));
  app.use('/static', hashedStatic('/static', publicDir, assets));

  // The organiser's adopted bill numbers (campaign/adopted-bills), read again when the copy held is older
  // than ADOPTED_BILLS_CACHE_MS, before any route asks which bill a page or a letter is about.
  app.use(async (_req, _res, next) => {
    await deps.adoptedBills.refresh();
    next();
  });
  mountRoutes(app, routes, 'api');

  // A batch of letters written up to the form's limits in Arabic (6 bytes a character, percent-encoded)
  // is about 180 kB: the form must take every letter it lets a person write (docs/decisions.md).
  app.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  // The interface language (query, cookie, Accept-Language) and `lang`/`dir` for the layout.
  const i18n = createI18n();
  const translators = registerI18nHelpers(deps.hbs, i18n);
  const secureCookie = deps.config.publicUrl.startsWith('https:');
  app.use(createI18nMiddleware(i18n, translators, { secureCookie }));
  // A CSRF token for every page; the check is a guard of each route that changes something. The guards
  // are middleware of the routes they protect, so they run for every spelling of a path that reaches the
  // route (any case, a trailing slash).
  app.use(guards.csrf.issueToken);

  // The layout's data and bill notices (src/web/layout-locals.ts).
  app.use(layoutLocals(deps));

  mountRoutes(app, routes, 'page');

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
