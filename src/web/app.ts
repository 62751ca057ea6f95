/**
 * web/app: assembles the Express app from injected dependencies. No module-level state: tests build a
 * fresh app per file with `createApp(deps)`; `src/server.ts` listens and drains it.
 */
import path from 'node:path';
import express, { type Express } from 'express';
import { ExpressHandlebars } from 'express-handlebars';
import pinoHttp from 'pino-http';
import type { AppDeps } from './deps';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createApiRouter } from './routes/api';
import { createHealthRouter } from './routes/health';
import { createPageRouter } from './routes/pages';
import { createLetterRouter } from './routes/letters';
import { createProgressRouter } from './routes/progress';
import { createAdminRouter } from './routes/admin';
import { newId } from '../platform/ids';
import { PROJECT_ROOT } from '../platform/paths';
import cookieParser from 'cookie-parser';
import { createAssetManifest, hashedStatic, registerAssetHelper, securityHeaders } from './security';
import { createCsrfProtection, createFormGuard } from './csrf';
import { createAppRateLimits } from './rate-limits';

const ROOT = PROJECT_ROOT;
export const TEMPLATES_DIR = path.join(ROOT, 'templates');

/**
 * The path of a request, fit for a log: query strings carry addresses, and letter, batch and confirmation
 * ids in the path are capabilities that open a person's letters.
 */
export function redactPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/\/[\w-]{20,}(?=[/.]|$)/g, '/:id');
}

/** Builds the Express app; it does not listen. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);

  const views = new ExpressHandlebars({
    handlebars: deps.hbs,
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(TEMPLATES_DIR, 'layouts'),
    partialsDir: path.join(TEMPLATES_DIR, 'partials'),
  });
  app.engine('hbs', views.engine);
  app.set('view engine', 'hbs');
  app.set('views', TEMPLATES_DIR);
  if (deps.config.env === 'production') app.enable('view cache');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = newId();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Query strings carry addresses: log the path only.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: redactPath(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url?.startsWith('/static/') === true },
    }),
  );

  // Security headers, then hashed static assets (`{{asset "/static/..."}}`; see src/web/security.ts).
  app.use(securityHeaders(deps.config));
  const uswdsDir = path.join(ROOT, 'node_modules', '@uswds', 'uswds', 'dist');
  const assets = createAssetManifest([
    { prefix: '/static', dir: path.join(ROOT, 'public') },
    { prefix: '/static/uswds', dir: uswdsDir, eager: false },
  ]);
  registerAssetHelper(deps.hbs, assets);
  app.use('/static/uswds', hashedStatic('/static/uswds', uswdsDir, assets, 7 * 24 * 3600));
  app.use('/static', hashedStatic('/static', path.join(ROOT, 'public'), assets));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  app.use(createCsrfProtection(deps.config).middleware);
  app.use(createFormGuard(deps.config, deps.clock));
  const limits = createAppRateLimits(deps);
  app.use(['/api/representatives', '/campaigns/:slug/members'], limits.lookup);
  app.post('/campaigns/:slug/letters', limits.submit);
  app.post('/letters/batch/:batchId/email', limits.email);

  // Every page shows how fresh the member data is, and warns once it is past its validUntil date.
  app.use((_req, res, next) => {
    const meta = deps.civic.meta;
    res.locals.dataAsOf = meta.snapshotDate;
    res.locals.dataStale = deps.civic.isStale(deps.clock.now());
    res.locals.dataValidUntil = meta.validUntil;
    res.locals.congress = meta.congress;
    next();
  });

  app.use(createHealthRouter(deps));
  app.use('/api', createApiRouter(deps));
  app.use(createPageRouter(deps));
  app.use(createLetterRouter(deps));
  app.use(createProgressRouter(deps));
  app.use(createAdminRouter(deps));

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
