/**
 * web/rate-limits: per-client limits with express-rate-limit. Clients are keyed by an HMAC of their
 * address (APP_SECRET; IPv6 grouped by /56), never the raw IP. With PostgreSQL the counters live in the
 * `rate_limits` table (shared by every instance, one atomic upsert per hit); with SQLite, a single
 * process, they live in memory. A store that fails (database down) lets requests through rather than
 * taking the lookup down with it. A limited request becomes a RateLimitedError (429, friendly page/JSON).
 */
import type { RequestHandler } from 'express';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit,
  type ClientRateLimitInfo,
  type Options,
  type Store,
} from 'express-rate-limit';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../config/config';
import { RateLimitedError } from '../platform/errors';
import { keyedHash } from '../platform/ids';
import type { Database } from '../storage/schema';
import type { Storage } from '../storage/database';

/** express-rate-limit Store over the `rate_limits` table (SQLite or PostgreSQL). */
export class KyselyRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;
  private calls = 0;

  constructor(
    private readonly db: Kysely<Database>,
    readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`.slice(0, 200);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.key(key))
      .executeTakeFirst();
    if (!row || row.reset_at <= new Date(this.now()).toISOString()) return undefined;
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.now();
    const nowIso = new Date(now).toISOString();
    const resetIso = new Date(now + this.windowMs).toISOString();
    // One statement: insert the first hit, or count this one (restarting an expired window).
    const result = await sql<{ hits: number | string; reset_at: string }>`
      insert into rate_limits (key, hits, reset_at) values (${this.key(key)}, 1, ${resetIso})
      on conflict (key) do update set
        hits = case when rate_limits.reset_at <= ${nowIso} then 1 else rate_limits.hits + 1 end,
        reset_at = case when rate_limits.reset_at <= ${nowIso} then ${resetIso} else rate_limits.reset_at end
      returning hits, reset_at`.execute(this.db);
    const row = result.rows[0]!;
    if (++this.calls % 1000 === 0) void this.sweep(nowIso);
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set({ hits: sql<number>`hits - 1` })
      .where('key', '=', this.key(key))
      .where('hits', '>', 0)
      .execute();
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', this.key(key)).execute();
  }

  /** Drops expired windows now and then, so the table holds only active clients. */
  private async sweep(nowIso: string): Promise<void> {
    await this.db
      .deleteFrom('rate_limits')
      .where('reset_at', '<=', nowIso)
      .execute()
      .catch(() => undefined);
  }
}

type RateLimitDeps = {
  config: Pick<Config, 'database' | 'appSecret' | 'rateLimitsEnabled'>;
  storage: Pick<Storage, 'db'>;
};

/** The store for one limiter: the shared table with PostgreSQL, memory with SQLite. */
export function createRateLimitStore(deps: RateLimitDeps, prefix: string): Store {
  return deps.config.database.kind === 'postgres'
    ? new KyselyRateLimitStore(deps.storage.db, prefix)
    : new MemoryStore();
}

/** An HMAC of the client address (never the raw IP); IPv6 addresses are grouped by /56. */
export function clientKey(appSecret: string, ip: string | undefined): string {
  return keyedHash(appSecret, `rate-limit:${ipKeyGenerator(ip ?? 'unknown')}`).slice(0, 40);
}

export interface LimitSpec {
  name: string;
  windowMs: number;
  limit: number;
  /** The catalogue key of what the person is told. */
  messageKey: string;
}

export const LIMITS = {
  lookup: {
    name: 'lookup',
    windowMs: 60_000,
    limit: 60,
    messageKey: 'messages.lookupRateLimited',
  },
  submit: {
    name: 'submit',
    windowMs: 60 * 60_000,
    limit: 20,
    messageKey: 'messages.submitRateLimited',
  },
  email: {
    name: 'email',
    windowMs: 60 * 60_000,
    limit: 5,
    messageKey: 'messages.emailRateLimited',
  },
  adminLogin: {
    name: 'admin-login',
    windowMs: 15 * 60_000,
    limit: 10,
    messageKey: 'messages.adminLoginRateLimited',
  },
} satisfies Record<string, LimitSpec>;

/** A limiter answering through the app's error family; a no-op when RATE_LIMITS_ENABLED=false. */
export function createLimiter(deps: RateLimitDeps, spec: LimitSpec): RequestHandler {
  if (!deps.config.rateLimitsEnabled) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: spec.name,
    store: createRateLimitStore(deps, spec.name),
    passOnStoreError: true,
    keyGenerator: (req) => clientKey(deps.config.appSecret, req.ip),
    // The key is an HMAC; trust proxy is a documented setting (TRUST_PROXY), so skip those checks.
    validate: { keyGeneratorIpFallback: false, trustProxy: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new RateLimitedError(spec.messageKey)),
  });
}

export interface AppRateLimits {
  lookup: RequestHandler;
  submit: RequestHandler;
  email: RequestHandler;
}

export function createAppRateLimits(deps: RateLimitDeps): AppRateLimits {
  return {
    lookup: createLimiter(deps, LIMITS.lookup),
    submit: createLimiter(deps, LIMITS.submit),
    email: createLimiter(deps, LIMITS.email),
  };
}
