/**
 * web/app: assembles the Express app from injected dependencies. No module-level state: tests build a
 * fresh app per file with `createApp(deps)`; `src/server.ts` listens and drains it.
 */
import path from 'node:path';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { AppDeps } from './deps';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createApiRouter, createLookupApiRouter } from './routes/api';
import { createHealthRouter } from './routes/health';
import { createPageRouter } from './routes/pages';
import { createLetterRouter } from './routes/letters';
import { createProgressRouter, createStatsApiRouter } from './routes/progress';
import { createAdminRouter } from './routes/admin';
import { PROJECT_ROOT } from '../platform/paths';
import cookieParser from 'cookie-parser';
import { createAssetManifest, hashedStatic, registerAssetHelper, securityHeaders } from './security';
import { createCsrfProtection, createFormGuard } from './csrf';
import { createAppRateLimits } from './rate-limits';
import { requestLogger } from './request-log';
import { createViewEngine } from './views';
import { createI18n, createI18nMiddleware, formatList, formatLongDate, registerI18nHelpers } from './i18n';
import { createRequestTurns } from './turns';

const ROOT = PROJECT_ROOT;
export const TEMPLATES_DIR = path.join(ROOT, 'templates');
/** Pages started per event-loop turn: one keeps a turn to about a millisecond (docs/performance.md). */
const PAGE_REQUESTS_PER_TURN = 1;

/**
 * The path of a request, fit for a log: query strings carry addresses, and letter, batch and confirmation
 * ids in the path are capabilities that open a person's letters.
 */
export function redactPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/\/[\w-]{20,}(?=[/.]|$)/g, '/:id');
}

/**
 * Express 5's `req.query` is a getter that parses the query string again on every read, and a page reads it
 * several times (language detection, the route, the referral code): parse it once per request.
 */
export const parseQueryOnce: RequestHandler = (req, _res, next) => {
  Object.defineProperty(req, 'query', {
    value: req.query,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  next();
};

/** Builds the Express app; it does not listen. */
const CAMPAIGN_PATH = /^\/campaigns\/([a-z0-9-]{1,64})(?:\/|$)/;

/** The expiry notice for the page's campaign (the default one off campaign pages), or undefined. */
function billNoticeFor(deps: AppDeps, req: Request) {
  const slug = CAMPAIGN_PATH.exec(req.path)?.[1] ?? deps.campaigns.defaultSlug;
  const campaign = deps.campaigns.list().find((c) => c.slug === slug);
  if (!campaign) return undefined;
  const situation = deps.asks.situation(campaign);
  if (!situation.expired) return undefined;
  return {
    bills: formatList(req.language, [situation.bills.senate.label, situation.bills.house.label]),
    ordinal: situation.bills.senate.congressOrdinal,
    congress: situation.congress,
    next: situation.nextCongressOrdinal,
    date: formatLongDate(req.language, situation.endsOn),
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  // No automatic ETags: pages carry a fresh CSRF token, so hashing every page could never save a byte.
  // The cacheable JSON answers (representatives by ZIP, stats) carry their own (src/web/routes/api.ts).
  app.set('etag', false);

  // Templates are compiled once, except in development, where an edited template shows on reload.
  const cache = deps.config.env !== 'development';
  app.engine(
    'hbs',
    createViewEngine(deps.hbs, { templatesDir: TEMPLATES_DIR, defaultLayout: 'main', cache }),
  );
  app.set('view engine', 'hbs');
  app.set('views', TEMPLATES_DIR);
  if (cache) app.enable('view cache');

  // Request ids and one log line per request. Query strings carry addresses: log the path only.
  app.use(
    requestLogger(deps.logger, {
      redactPath,
      ignore: (req) => req.url === '/healthz' || req.url.startsWith('/static/'),
    }),
  );

  // Security headers on every response.
  app.use(securityHeaders(deps.config));

  // The read-only JSON API and the probes first: static files, body parsers, cookies, CSRF tokens, the
  // form guard and the page locals below do nothing for a GET that answers JSON, and cost time per request.
  const limits = createAppRateLimits(deps);
  // The representatives lookup first: it is the busiest route, and every router it passes costs time.
  app.use('/api/representatives', limits.lookup);
  app.use('/api', createLookupApiRouter(deps));
  app.use(createStatsApiRouter(deps));
  app.use(createHealthRouter(deps));

  // Hashed static assets (`{{asset "/static/..."}}`; see src/web/security.ts).
  const uswdsDir = path.join(ROOT, 'node_modules', '@uswds', 'uswds', 'dist');
  const assets = createAssetManifest([
    { prefix: '/static', dir: path.join(ROOT, 'public') },
    { prefix: '/static/uswds', dir: uswdsDir, eager: false },
  ]);
  registerAssetHelper(deps.hbs, assets);
  const i18n = createI18n();
  registerI18nHelpers(deps.hbs, i18n);
  app.use('/static/uswds', hashedStatic('/static/uswds', uswdsDir, assets, 7 * 24 * 3600));
  app.use('/static', hashedStatic('/static', path.join(ROOT, 'public'), assets));
  // Pages take turns, so a loaded server keeps accepting new connections (see src/web/turns.ts).
  app.use(createRequestTurns({ perTurn: PAGE_REQUESTS_PER_TURN }).middleware);
  app.use(parseQueryOnce);
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  // The interface language (query, cookie, Accept-Language) and `lang`/`dir` for the layout.
  app.use(createI18nMiddleware(i18n, { secureCookie: deps.config.publicUrl.startsWith('https:') }));
  app.use(createCsrfProtection(deps.config).middleware);
  app.use(createFormGuard(deps.config, deps.clock));
  app.use('/campaigns/:slug/members', limits.lookup);
  app.post('/campaigns/:slug/letters', limits.submit);
  app.post('/letters/batch/:batchId/email', limits.email);

  // Every page shows how fresh the member data is, and warns once it is past its validUntil date.
  // It also says when the campaign's bills died with their Congress (the letters then ask to reintroduce).
  app.use((req, res, next) => {
    res.locals.billNotice = billNoticeFor(deps, req);
    const meta = deps.civic.meta;
    res.locals.dataAsOf = meta.snapshotDate;
    res.locals.dataStale = deps.civic.isStale(deps.clock.now());
    res.locals.dataValidUntil = meta.validUntil;
    res.locals.congress = meta.congress;
    next();
  });

  app.use('/api', createApiRouter(deps));
  app.use(createPageRouter(deps));
  app.use(createLetterRouter(deps));
  app.use(createProgressRouter(deps, { statsApi: false }));
  app.use(createAdminRouter(deps));

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
