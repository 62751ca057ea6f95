/**
 * web/security: response headers (helmet: a CSP without inline script or style, HSTS only over HTTPS) and
 * the static-asset manifest. Every static file gets a content hash on its first use; the `asset`
 * Handlebars helper turns `/static/css/app.css` into `/static/css/app.css?v=<hash>`, and a request whose
 * `v` matches the current hash is served with a one-year immutable cache. Anything else gets one hour.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/config';
import type { HandlebarsInstance } from '../platform/handlebars';

/**
 * Security headers for every response, set by helmet. Pages get helmet's full set with the page CSP; the
 * JSON API and the health probes get the set that applies to a response no browser renders (OWASP's REST
 * guidance): `default-src 'none'` and `frame-ancestors 'none'`, nosniff, the referrer policy,
 * X-Frame-Options, CORP and HSTS over HTTPS.
 */
export function securityHeaders(config: Pick<Config, 'publicUrl'>): RequestHandler {
  const page = helmetFor(config, 'page');
  const api = helmetFor(config, 'api');
  return (req, res, next) => (isApiPath(req.path) ? api : page)(req, res, next);
}

/**
 * Pages and files that carry a person's name, address or letters (batch, print, PDFs, delete,
 * confirmation, review, a kept form): never stored by a browser or proxy cache, never indexed.
 */
export function setPrivateHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
}

/** setPrivateHeaders as route middleware. */
export const privateResponse: RequestHandler = (_req, res, next) => {
  setPrivateHeaders(res);
  next();
};

/** The query fields that carry where a person lives: an address, or a point they shared. */
const LOCATION_QUERY_FIELDS = ['address', 'lat', 'lon'] as const;

/** setPrivateHeaders for any request whose query says where the person lives (`?address=`, `?lat=`). */
export const privateWhenLocated: RequestHandler = (req, res, next) => {
  const query = req.query as Record<string, unknown>;
  if (LOCATION_QUERY_FIELDS.some((field) => query[field] !== undefined)) setPrivateHeaders(res);
  next();
};

/**
 * A URL of this site's as a path that stays on it: the leading slashes and backslashes are one slash, so
 * `//host/x`, `/\host/x` or an absolute `http://host/x` can never become a link to another host.
 */
export function sameSitePath(url: string): string {
  return `/${url.replace(/^[/\\]+/, '')}`;
}

/** The JSON API and the probes: no browser renders them, so they get the API's headers and no CSRF token. */
export function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path === '/healthz' || path === '/readyz';
}

function helmetFor(config: Pick<Config, 'publicUrl'>, kind: 'page' | 'api'): RequestHandler {
  const https = config.publicUrl.startsWith('https:');
  const common = {
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : (false as const),
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
    crossOriginEmbedderPolicy: false,
  };
  if (kind === 'api') {
    return helmet({
      ...common,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    });
  }
  return helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
  });
}

function hashFile(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('base64url').slice(0, 12);
}

/** Hashes the files under each mount (URL prefix -> folder) on their first use, and keeps the hashes. */
export function createAssetManifest(mounts: Array<{ prefix: string; dir: string }>) {
  const hashes = new Map<string, string | null>();
  // Longest prefix first, so /static/uswds is not read as a file in public/uswds.
  const byPrefix = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  /** The current hash for a URL path, if the file is known. */
  function hashOf(publicPath: string): string | undefined {
    const known = hashes.get(publicPath);
    if (known !== undefined) return known ?? undefined;
    const mount = byPrefix.find((m) => publicPath.startsWith(`${m.prefix}/`));
    let hash: string | null = null;
    if (mount) {
      const file = path.resolve(mount.dir, `.${publicPath.slice(mount.prefix.length)}`);
      if (
        file.startsWith(path.resolve(mount.dir) + path.sep) &&
        fs.existsSync(file) &&
        fs.statSync(file).isFile()
      ) {
        hash = hashFile(file);
      }
    }
    if (hashes.size < 10_000) hashes.set(publicPath, hash);
    return hash ?? undefined;
  }
  return { hashOf };
}

type AssetManifest = ReturnType<typeof createAssetManifest>;

/** Registers `{{asset "/static/css/app.css"}}`. */
export function registerAssetHelper(hbs: HandlebarsInstance, manifest: AssetManifest): void {
  // Handlebars would escape the `=` of `?v=`: escape the path ourselves and mark the result safe.
  hbs.registerHelper('asset', (publicPath: unknown) => {
    const clean = String(publicPath);
    const hash = manifest.hashOf(clean);
    return new hbs.SafeString(`${hbs.escapeExpression(clean)}${hash ? `?v=${hash}` : ''}`);
  });
}

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * express.static for one mount: a request carrying the current `?v=` hash is cached for a year and
 * marked immutable; a bare or stale request is cached for `fallbackMaxAge` seconds only.
 */
export function hashedStatic(
  prefix: string,
  dir: string,
  manifest: AssetManifest,
  fallbackMaxAge = 3600,
): RequestHandler {
  return express.static(dir, {
    cacheControl: false,
    setHeaders: (res: Response, file: string) => {
      const req = res.req;
      const rel = path.relative(dir, file).split(path.sep).join('/');
      const v = req?.query?.v;
      const current = manifest.hashOf(`${prefix}/${rel}`);
      if (typeof v === 'string' && current !== undefined && v === current) {
        res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
      } else {
        res.setHeader('Cache-Control', `public, max-age=${fallbackMaxAge}`);
      }
    },
  });
}
