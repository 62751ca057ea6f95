/**
 * web/csrf: cross-site request forgery protection and the letter form's bot guard.
 *
 * CSRF: signed double-submit cookie (csrf-csrf). Every page GET gets a token in `res.locals.csrfToken`
 * (the `{{> csrf}}` partial writes it into each POST form) and the same token in an HttpOnly cookie,
 * `__Host-`-prefixed and Secure when PUBLIC_URL is https. A state-changing request must send the token
 * as the `_csrf` form field or the `x-csrf-token` header, equal to the visitor's cookie, with a valid HMAC
 * under a key derived from APP_SECRET and the time: keys change every CSRF_PERIOD_MS and a token is
 * accepted under the current key and the one before, so a token expires one to two periods after the
 * page that issued it. The check is a guard of each state-changing route in the route table
 * (src/web/routes.ts); the only route with the lenient one is `POST /api/letters/preview`, checked only
 * when it sends an `x-csrf-token` header (side-effect free, for API clients without cookies); no other
 * header (Authorization included) turns the check off. A rejected form answers 403 with a page that keeps
 * everything the person typed and a button to send it again with a fresh token.
 *
 * Bot guard: the compose form carries a honeypot field `website` (hidden from people and assistive
 * technology) and `startedAt`, an HMAC-signed start time. The guard is middleware of the routes it
 * protects (createFormGuard), so it runs for every spelling Express routes there (any case, a trailing
 * slash): review and save reject (400, same page that keeps the letter) a filled honeypot, or a form sent
 * sooner than MIN_FORM_FILL_MS after it was opened.
 */
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config/config';
import type { Clock } from '../platform/clock';
import { ForbiddenError, ValidationError } from '../platform/errors';
import { keyedHash, safeEqual } from '../platform/ids';
import { wantsJson } from './error-handler';
import { isApiPath, sameSitePath, setPrivateHeaders } from './security';

const CSRF_FIELD = '_csrf';
const CSRF_HEADER = 'x-csrf-token';
const HONEYPOT_FIELD = 'website';
const STARTED_AT_FIELD = 'startedAt';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LONG_FIELDS = /^(personalNote|body_[A-Za-z0-9]+)$/;
const NEVER_ECHO = new Set([CSRF_FIELD, HONEYPOT_FIELD, STARTED_AT_FIELD]);

/** Every value of a field that may have been sent several times (`website=&website=spam`). */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

const firstString = (value: unknown): string | undefined => allStrings(value)[0];

/** The form again with what the person typed; `titleKey` and `messageKey` are catalogue keys. */
function renderKeptForm(
  req: Request,
  res: Response,
  status: number,
  titleKey: string,
  messageKey: string,
): void {
  setPrivateHeaders(res);
  const body = (req.body ?? {}) as Record<string, unknown>;
  // The `{{> csrf}}` partial writes the start time back (checked again when the form returns).
  const started = firstString(body[STARTED_AT_FIELD]);
  if (res.locals.formStartedAt === undefined && started !== undefined && started.length <= 100)
    res.locals.formStartedAt = started;
  const texts: Array<{ name: string; value: string }> = [];
  const hidden: Array<{ name: string; value: string }> = [];
  for (const [name, raw] of Object.entries(body)) {
    if (NEVER_ECHO.has(name) || name.length > 100) continue;
    for (const value of allStrings(raw)) (LONG_FIELDS.test(name) ? texts : hidden).push({ name, value });
  }
  const action = sameSitePath(req.originalUrl);
  res
    .status(status)
    .render('errors/resubmit', { title: req.t(titleKey), messageKey, action, texts, hidden, status });
}

/** CSRF keys change this often; a token lives one to two periods (see the header comment). */
const CSRF_PERIOD_MS = 4 * 60 * 60 * 1000;

export function createCsrfProtection(config: Pick<Config, 'publicUrl' | 'appSecret'>, clock: Clock) {
  const https = config.publicUrl.startsWith('https:');
  // The cookie that carries the token (`__Host-` needs Secure, so only over https).
  const cookieName = https ? '__Host-dc.csrf' : 'dc.csrf';
  // Keys of their own, derived from APP_SECRET and the period, so a CSRF token can never be replayed as
  // another HMAC, nor after it expired.
  const keyFor = (period: number) => keyedHash(config.appSecret, `csrf-token-key:${period}`);
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    // A page (safe method) gets a token under the current key (a cookie from an older period is
    // replaced); a form is accepted under the current key or the previous one.
    getSecret: (req) => {
      const period = Math.floor(clock.now().getTime() / CSRF_PERIOD_MS);
      return SAFE_METHODS.has(req?.method ?? 'GET') ? keyFor(period) : [keyFor(period), keyFor(period - 1)];
    },
    // Anonymous visitors have no session: the token is bound to the signed cookie only.
    getSessionIdentifier: () => '',
    cookieName,
    cookieOptions: { sameSite: 'strict', secure: https, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const header = req.headers[CSRF_HEADER];
      if (typeof header === 'string' && header !== '') return header;
      return firstString((req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD]);
    },
  });

  /** Issues a token to every page GET (app-wide, so 404 and error pages carry one too). */
  const issueToken: RequestHandler = (req, res, next) => {
    // Pages only: the JSON API and the probes do not need (or set) the cookie.
    if (SAFE_METHODS.has(req.method) && !isApiPath(req.path))
      res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  };

  /** Route guard: refuses a state-changing request without a valid token. */
  const check: RequestHandler = (req, res, next) => {
    let valid: boolean;
    try {
      valid = validateRequest(req);
    } catch {
      valid = false;
    }
    if (valid) {
      res.locals.csrfToken =
        firstString((req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD]) ??
        req.headers[CSRF_HEADER];
      if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)[CSRF_FIELD];
      next();
      return;
    }
    if (wantsJson(req)) {
      next(new ForbiddenError('messages.csrfInvalid'));
      return;
    }
    res.locals.csrfToken = generateCsrfToken(req, res);
    renderKeptForm(req, res, 403, 'errors.formExpiredTitle', 'errors.formExpired');
  };

  /** Route guard for the cookieless JSON preview: checks the token only when the header is sent. */
  const checkWhenHeaderSent: RequestHandler = (req, res, next) => {
    if (req.headers[CSRF_HEADER] === undefined) next();
    else check(req, res, next);
  };
  return { issueToken, check, checkWhenHeaderSent };
}

/**
 * Signs a form start time for one visitor: `<ms>.<hmac>`, the HMAC over the time and the visitor's CSRF
 * token, so a start time taken from one page load cannot be replayed by another client (issue 28).
 */
export function signStartedAt(appSecret: string, ms: number, visitor: string): string {
  return `${ms}.${startedAtMac(appSecret, ms, visitor)}`;
}

function startedAtMac(appSecret: string, ms: number, visitor: string): string {
  return keyedHash(appSecret, `form-started:${ms}:${visitor}`).slice(0, 32);
}

/** The start time in a signed `startedAt` of this visitor, or undefined if it is missing or forged. */
function verifyStartedAt(appSecret: string, value: unknown, visitor: string): number | undefined {
  if (typeof value !== 'string' || value.length > 100) return undefined;
  const match = /^(\d{1,15})\.([0-9a-f]{32})$/.exec(value);
  if (!match) return undefined;
  const ms = Number(match[1]);
  return safeEqual(match[2]!, startedAtMac(appSecret, ms, visitor)) ? ms : undefined;
}

/** The visitor's CSRF token (set by the CSRF middleware on every page and every accepted form). */
function visitorOf(res: Response): string {
  const token: unknown = res.locals.csrfToken;
  return typeof token === 'string' ? token : '';
}

/**
 * The honeypot and minimum fill time for the letter form, as middleware for the routes they protect.
 * Sets `res.locals.formStartedAt` for the compose, review and "change something" forms (the original
 * start time travels through them).
 */
export function createFormGuard(config: Pick<Config, 'appSecret' | 'minFormFillMs'>, clock: Clock) {
  /** The compose page (GET): signs the time the form was opened. */
  const start: RequestHandler = (_req, res, next) => {
    res.locals.formStartedAt = signStartedAt(config.appSecret, clock.now().getTime(), visitorOf(res));
    next();
  };

  function guard(enforce: boolean): RequestHandler {
    return (req, res, next) => {
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const now = clock.now().getTime();
      const visitor = visitorOf(res);
      const started = verifyStartedAt(config.appSecret, firstString(body[STARTED_AT_FIELD]), visitor);
      // Every copy of the honeypot: a bot that sends it twice, the first one empty, is still a bot.
      const honeypotFilled = allStrings(body[HONEYPOT_FIELD]).some((value) => value.trim() !== '');
      res.locals.formStartedAt = signStartedAt(config.appSecret, started ?? now, visitor);
      if (enforce) {
        const tooFast =
          config.minFormFillMs > 0 && (started === undefined || now - started < config.minFormFillMs);
        if (honeypotFilled || tooFast) {
          if (wantsJson(req)) {
            next(new ValidationError('messages.formTooFast'));
            return;
          }
          renderKeptForm(req, res, 400, 'errors.formTooFastTitle', 'errors.formTooFast');
          return;
        }
      }
      // The review page echoes every posted field into hidden inputs: keep the guard fields out of it.
      delete body[HONEYPOT_FIELD];
      delete body[STARTED_AT_FIELD];
      next();
    };
  }

  // "Change something" (POST compose) carries the original start time on and checks nothing; review and
  // save refuse a filled honeypot or a form sent too soon.
  return { start, carry: guard(false), check: guard(true) };
}
