/**
 * web/admin-session: the guards of the organisers' view, and signing in and out. Without ADMIN_TOKEN
 * every admin route answers 404. The token is typed once into a form (never in a URL), compared in
 * constant time, and exchanged for a signed, HttpOnly, SameSite=Strict cookie that holds an HMAC of the
 * token with an expiry, not the token: rotating ADMIN_TOKEN or APP_SECRET ends every session. Scripts
 * can instead send `Authorization: Bearer <token>` to /api/admin/stats. Sign-in attempts and failed
 * bearer attempts are rate-limited per client.
 */
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { NotFoundError, RateLimitedError, UnauthorizedError } from '../platform/errors';
import { keyedHash, safeEqual } from '../platform/ids';
import { isSessionRevoked, revokeSession } from '../tracking/admin-sessions';
import type { AppDeps } from './deps';
import { sharedLimiterOptions } from './rate-limits';
import { setPrivateHeaders } from './security';

const ADMIN_COOKIE = 'dc_admin';
const SESSION_MS = 8 * 60 * 60 * 1000;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const LOGIN_LIMIT = 10;

/** The admin routes' guards and handlers, and what the dashboard asks of the session. */
export function createAdminSession(deps: Pick<AppDeps, 'config' | 'clock' | 'storage'>) {
  const { config, clock, storage } = deps;
  const adminToken = config.adminToken ?? '';
  const sessionMac = (expires: number) =>
    keyedHash(config.appSecret, `admin-session:${expires}:${adminToken}`);

  /** The signed session in the request's cookie (its MAC and expiry), or undefined. */
  function signedSession(req: Request): { mac: string; expires: number } | undefined {
    const value: unknown = req.cookies?.[ADMIN_COOKIE];
    if (typeof value !== 'string' || value.length > 200) return undefined;
    const [expiresText = '', mac = ''] = value.split('.');
    const expires = Number(expiresText);
    if (!/^\d{1,15}$/.test(expiresText) || expires <= clock.now().getTime()) return undefined;
    return safeEqual(mac, sessionMac(expires)) ? { mac, expires } : undefined;
  }

  /** A signed, unexpired session that was not ended by signing out (on any instance). */
  async function has(req: Request): Promise<boolean> {
    const session = signedSession(req);
    if (!session) return false;
    return !(await isSessionRevoked(storage.db, session.mac));
  }

  function hasBearer(req: Request): boolean {
    const header = req.headers.authorization;
    if (!header || !/^Bearer /i.test(header)) return false;
    return safeEqual(header.slice(7).trim(), adminToken);
  }

  function renderLogin(res: Response, status: number, error?: string) {
    res.status(status).render('admin/login', { title: 'Admin sign-in', error });
  }

  /** A limit of attempts per client; past it, Retry-After and then `refuse`. */
  const limiter = (prefix: string, refuse: RequestHandler, skipSuccessfulRequests = false) =>
    rateLimit({
      ...sharedLimiterOptions(deps, prefix),
      windowMs: LOGIN_WINDOW_MS,
      limit: LOGIN_LIMIT,
      validate: { keyGeneratorIpFallback: false },
      skipSuccessfulRequests,
      handler: (req, res, next) => {
        res.setHeader('Retry-After', String(Math.ceil(LOGIN_WINDOW_MS / 1000)));
        void refuse(req, res, next);
      },
    });

  const handlers = {
    /** Every admin route: no-store and noindex, and 404 when ADMIN_TOKEN is not set. */
    available: (_req, res, next) => {
      setPrivateHeaders(res);
      next(config.adminToken ? undefined : new NotFoundError('messages.adminDisabled'));
    },
    /** Admin pages and exports: a signed-in session, else the sign-in page (401). */
    required: async (req, res, next) => {
      if (await has(req)) {
        next();
        return;
      }
      renderLogin(res, 401, 'Please sign in with the admin token.');
    },
    /** The stats API: the bearer token or a signed-in session, else 401. */
    bearerOrSession: async (req, res, next) => {
      if (hasBearer(req) || (await has(req))) {
        next();
        return;
      }
      res.setHeader('WWW-Authenticate', 'Bearer realm="admin"');
      next(new UnauthorizedError('messages.adminBearer'));
    },
    /** Sign-in attempts per client (the sign-in page again, 429). */
    loginLimit: limiter('admin-login', (_req, res) =>
      renderLogin(
        res,
        429,
        'Too many sign-in attempts from your network. Please wait 15 minutes and try again.',
      ),
    ),
    /** Failed bearer attempts per client (successful ones do not count). */
    bearerLimit: limiter(
      'admin-bearer',
      (_req, _res, next) => next(new RateLimitedError('messages.adminTooManyAttempts')),
      true,
    ),
    /** POST /admin/login: the token for a session cookie. */
    signIn: (req, res) => {
      const token = typeof req.body?.token === 'string' ? req.body.token : '';
      if (token === '' || token.length > 1000 || !safeEqual(token, adminToken)) {
        renderLogin(res, 401, 'That token is not right.');
        return;
      }
      const expires = clock.now().getTime() + SESSION_MS;
      res.cookie(ADMIN_COOKIE, `${expires}.${sessionMac(expires)}`, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/',
        maxAge: SESSION_MS,
      });
      res.redirect(303, '/admin');
    },
    /** POST /admin/logout: the cookie cleared and its session ended on the server (a copy no longer works). */
    signOut: async (req, res) => {
      const session = signedSession(req);
      if (session) {
        const expiresAt = new Date(session.expires).toISOString();
        await revokeSession(storage.db, { mac: session.mac, expiresAt }, clock.now());
      }
      res.clearCookie(ADMIN_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
      res.redirect(303, '/admin');
    },
  } satisfies Record<string, RequestHandler>;
  return { ...handlers, has, renderLogin };
}

export type AdminSession = ReturnType<typeof createAdminSession>;
