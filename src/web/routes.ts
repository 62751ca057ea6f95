/**
 * web/routes: every URL the app serves, in the order Express matches them: its method, path, guards (run
 * in order, left to right), handler and stage. Handlers live in src/web/handlers by area; app-wide middleware
 * (headers, logging, static files, body parsers, cookies, language, page locals) is in src/web/app.ts.
 * Every state-changing route starts with the CSRF check, every admin route with `admin.available`, and
 * tests/web/routes.test.ts holds the table to that.
 */
import type { Express, RequestHandler } from 'express';
import { createAdminSession } from './admin-session';
import { createCsrfProtection, createFormGuard } from './csrf';
import type { AppDeps } from './deps';
import { createAdminHandlers } from './handlers/admin';
import { createApiHandlers } from './handlers/api';
import { createHealthHandlers } from './handlers/health';
import { createLetterHandlers } from './handlers/letters';
import { createPageHandlers } from './handlers/pages';
import { createProgressHandlers } from './handlers/progress';
import { createReplyHandlers } from './handlers/replies';
import { createAppRateLimits } from './rate-limits';
import { privateResponse } from './security';

/**
 * Where src/web/app.ts mounts a route, in this order: `probe` before anything reads the database for the
 * adopted bills; `api` (read-only JSON) before the page set-up (body parsers, cookies, language, CSRF
 * token, page locals), which it needs none of; `page` after it.
 */
export type Stage = 'probe' | 'api' | 'page';

export interface Route {
  method: 'get' | 'post';
  path: string;
  guards: RequestHandler[];
  handler: RequestHandler;
  stage: Stage;
}

/** The middleware the table puts in front of handlers; one instance each, so limits count across routes. */
export function createRouteGuards(deps: AppDeps) {
  return {
    limits: createAppRateLimits(deps),
    /** The letter form's honeypot and minimum fill time. */
    form: createFormGuard(deps.config, deps.clock),
    csrf: createCsrfProtection(deps.config, deps.clock),
    admin: createAdminSession(deps),
    /** no-store and noindex: the response carries a person's name, address or letters. */
    private: privateResponse,
  };
}

export type RouteGuards = ReturnType<typeof createRouteGuards>;

const route =
  (method: Route['method']) =>
  (path: string, guards: RequestHandler[], handler: RequestHandler): Route => ({
    method,
    path,
    guards,
    handler,
    stage: 'page',
  });
const [get, post] = [route('get'), route('post')];
const at = (stage: Stage, route: Route): Route => ({ ...route, stage });

export function routeTable(deps: AppDeps, guards: RouteGuards): Route[] {
  const { limits, form, csrf, admin } = guards;
  const priv = guards.private;
  const api = createApiHandlers(deps);
  const health = createHealthHandlers(deps);
  const progress = createProgressHandlers(deps);
  const pages = createPageHandlers(deps);
  const letters = createLetterHandlers(deps);
  const replies = createReplyHandlers(deps);
  const dashboard = createAdminHandlers(deps, admin);

  return [
    at('probe', get('/healthz', [], health.live)),
    at('probe', get('/readyz', [], health.ready)),
    // The lookup API reads only memory, so it answers while the database is down (docs/api.md).
    at('api', get('/api/representatives', [limits.lookup], api.findRepresentatives)),
    at('api', get('/api/campaigns/:slug/stats', [], progress.statsJson)),

    // Without an x-csrf-token header the preview is for API clients without cookies: it changes nothing.
    post('/api/letters/preview', [csrf.checkWhenHeaderSent, limits.preview], api.previewLetter),

    // The no-JavaScript journey: find members, write, review, save. Review, "change something" and save
    // show or take a person's name and address, and look the address up again.
    get('/', [], pages.home),
    get('/campaigns/:slug', [], pages.home),
    get('/campaigns/:slug/members', [limits.lookup], pages.membersPage),
    get('/campaigns/:slug/write', [limits.lookup, form.start], pages.writePage),
    post('/campaigns/:slug/review', [csrf.check, priv, limits.lookup, form.check], pages.review),
    post('/campaigns/:slug/compose', [csrf.check, priv, limits.lookup, form.carry], pages.changeLetters),
    post('/campaigns/:slug/letters', [csrf.check, priv, limits.submit, form.check], pages.saveLetters),
    get('/campaigns/:slug/progress', [], progress.progressPage),

    // A saved batch and its letters. Their ids are unguessable capabilities; every answer is private.
    // The .pdf routes come before the routes whose last parameter would otherwise swallow ".pdf".
    get('/letters/batch/:batchId.pdf', [priv, limits.pdf, limits.pdfPerLetters], letters.batchPdf),
    get('/letters/batch/:batchId', [priv], letters.batchPage),
    post('/letters/batch/:batchId/email', [csrf.check, priv, limits.email], letters.requestSend),
    post('/letters/batch/:batchId/verify', [csrf.check, priv, limits.email], letters.requestVerify),
    get('/letters/batch/:batchId/delete', [priv], letters.deletePage),
    post('/letters/batch/:batchId/delete', [csrf.check, priv], letters.deleteBatch),
    // The emailed links only show; their buttons' POSTs act, so a link scanner changes nothing.
    get('/letters/confirm/:token', [priv], letters.confirmPage),
    post('/letters/confirm/:token', [csrf.check, priv], letters.confirm),
    get('/letters/:id/renewal', [priv], letters.renewalPage),
    post('/letters/:id/renewal', [csrf.check, priv, limits.email], letters.renew),
    get('/letters/:id/print', [priv], letters.printPage),
    get('/letters/:id.pdf', [priv, limits.pdf, limits.pdfPerLetters], letters.letterPdf),
    post('/letters/:id/office', [csrf.check, priv], letters.chooseOffice),
    post('/letters/:id/printed', [csrf.check, priv, limits.report], letters.reportPrinted),
    post('/letters/:id/webform', [csrf.check, priv, limits.report], letters.reportWebform),

    // "Did your members reply?": the token in the path is the batch's signed answer token.
    get('/replies/:token', [priv], replies.questionPage),
    get('/replies/:token/:bioguide', [priv], replies.answerPage),
    post('/replies/:token/:bioguide', [csrf.check, priv, limits.replyAnswer], replies.saveAnswer),

    // The organisers' view. /admin shows the sign-in form until there is a session.
    get('/admin', [admin.available], dashboard.dashboard),
    post('/admin/login', [csrf.check, admin.available, admin.loginLimit], admin.signIn),
    post('/admin/logout', [csrf.check, admin.available], admin.signOut),
    post('/admin/counts/set-aside', [csrf.check, admin.available, admin.required], dashboard.setAside),
    post(
      '/admin/counts/set-aside/:id/restore',
      [csrf.check, admin.available, admin.required],
      dashboard.restoreSetAside,
    ),
    post('/admin/counts/release', [csrf.check, admin.available, admin.required], dashboard.releaseHeld),
    // A reintroduced bill's new numbers, adopted or undone (campaign/adopted-bills).
    post('/admin/bills/adopt', [csrf.check, admin.available, admin.required], dashboard.adoptBills),
    post('/admin/bills/undo', [csrf.check, admin.available, admin.required], dashboard.undoBills),
    get('/admin/export/counts.csv', [admin.available, admin.required], dashboard.countsCsv),
    get('/admin/export/letters.csv', [admin.available, admin.required], dashboard.lettersCsv),
    get('/admin/export/replies.csv', [admin.available, admin.required], dashboard.repliesCsv),
    get('/api/admin/stats', [admin.available, admin.bearerLimit, admin.bearerOrSession], dashboard.statsJson),
  ];
}

/** Registers the table's routes of one stage on the app, in the table's order. */
export function mountRoutes(app: Express, routes: readonly Route[], stage: Stage): void {
  for (const route of routes.filter((r) => r.stage === stage))
    app[route.method](route.path, ...route.guards, route.handler);
}
