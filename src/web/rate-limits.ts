/**
 * web/rate-limits: per-client limits with express-rate-limit. Clients are keyed by an HMAC of their
 * address (APP_SECRET; IPv6 grouped by /56), never the raw IP. With PostgreSQL the counters live in the
 * `rate_limits` table (shared by every instance, one atomic upsert per hit); with SQLite, a single
 * process, they live in memory. A store that fails (database down) lets requests through rather than
 * taking the lookup down with it. A limited request becomes a RateLimitedError (429, friendly page/JSON).
 */
import type { Request, RequestHandler } from 'express';
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
import { countHit } from '../storage/window-counter';

/** express-rate-limit Store over the `rate_limits` table (SQLite or PostgreSQL). */
export class KyselyRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;
  private calls = 0;

  constructor(
    private readonly db: Kysely<Database>,
    readonly prefix: string,
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
    if (!row || row.reset_at <= new Date().toISOString()) return undefined;
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = Date.now();
    const { hits, resetAt } = await countHit(this.db, this.key(key), this.windowMs, now);
    if (++this.calls % 1000 === 0) void this.sweep(new Date(now).toISOString());
    return { totalHits: hits, resetTime: resetAt };
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
  config: Pick<Config, 'database' | 'appSecret'>;
  storage: Pick<Storage, 'db'>;
};

/**
 * What every limiter shares, the admin session's too: draft-8 headers, its store (the shared table with
 * PostgreSQL, memory with SQLite), letting requests through when the store fails, and clients keyed by
 * an HMAC of their address.
 */
export function sharedLimiterOptions(deps: RateLimitDeps, prefix: string) {
  return {
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store:
      deps.config.database.kind === 'postgres'
        ? new KyselyRateLimitStore(deps.storage.db, prefix)
        : new MemoryStore(),
    passOnStoreError: true,
    keyGenerator: (req: Request) => clientKey(deps.config.appSecret, req.ip),
  } satisfies Partial<Options>;
}

/** An HMAC of the client address (never the raw IP); IPv6 addresses are grouped by /56. */
export function clientKey(appSecret: string, ip: string | undefined): string {
  return keyedHash(appSecret, `rate-limit:${ipKeyGenerator(ip ?? 'unknown')}`).slice(0, 40);
}

interface LimitSpec {
  name: string;
  windowMs: number;
  limit: number;
  /** The catalogue key of what the person is told. */
  messageKey: string;
  /**
   * What is counted: each client (the default), or each capability in the route's `batchId` or `id`
   * parameter (a batch or a letter), whichever networks ask for it.
   */
  per?: 'client' | 'capability';
}

/** An HMAC of the batch or letter id in a route's parameters (never the id itself). */
function capabilityKey(appSecret: string, params: Record<string, unknown>): string {
  const id = params.batchId ?? params.id;
  return keyedHash(appSecret, `rate-limit-capability:${typeof id === 'string' ? id : ''}`).slice(0, 40);
}

const LIMITS = {
  /** Every route that looks up an address. */
  lookup: { name: 'lookup', windowMs: 60_000, limit: 60, messageKey: 'messages.lookupRateLimited' },
  submit: { name: 'submit', windowMs: 60 * 60_000, limit: 20, messageKey: 'messages.submitRateLimited' },
  email: { name: 'email', windowMs: 60 * 60_000, limit: 5, messageKey: 'messages.emailRateLimited' },
  /** PDFs, per client... */
  pdf: { name: 'pdf', windowMs: 10 * 60_000, limit: 20, messageKey: 'messages.pdfRateLimited' },
  /** ...and per batch or letter. */
  pdfPerLetters: {
    name: 'pdf-letters',
    windowMs: 60 * 60_000,
    limit: 10,
    messageKey: 'messages.pdfLettersRateLimited',
    per: 'capability',
  },
  /** Print views and "I sent it through the website": what writers report without verification. */
  report: { name: 'report', windowMs: 60 * 60_000, limit: 30, messageKey: 'messages.reportRateLimited' },
  /** Answers to "did your members reply?" (src/replies). */
  replyAnswer: {
    name: 'reply-answer',
    windowMs: 60 * 60_000,
    limit: 30,
    messageKey: 'messages.replies.rateLimited',
  },
  /** The JSON letter preview (no cookie needed, so only the client's address tells callers apart). */
  preview: { name: 'preview', windowMs: 60_000, limit: 60, messageKey: 'abuse.previewRateLimited' },
} satisfies Record<string, LimitSpec>;

/** A limiter answering through the app's error family. */
function createLimiter(deps: RateLimitDeps, spec: LimitSpec): RequestHandler {
  return rateLimit({
    ...sharedLimiterOptions(deps, spec.name),
    windowMs: spec.windowMs,
    limit: spec.limit,
    identifier: spec.name,
    // A client's limit keys on its address (sharedLimiterOptions); a capability's on the link it opens.
    ...(spec.per === 'capability' && {
      keyGenerator: (req: Request) => capabilityKey(deps.config.appSecret, req.params),
    }),
    // The key is an HMAC; trust proxy is a documented setting (TRUST_PROXY), so skip those checks.
    validate: { keyGeneratorIpFallback: false, trustProxy: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new RateLimitedError(spec.messageKey)),
  });
}

/** One limiter per kind, each shared by every route it guards (one counter per client across them). */
export function createAppRateLimits(deps: RateLimitDeps) {
  const limiters = Object.entries(LIMITS).map(([kind, spec]) => [kind, createLimiter(deps, spec)]);
  return Object.fromEntries(limiters) as Record<keyof typeof LIMITS, RequestHandler>;
}
