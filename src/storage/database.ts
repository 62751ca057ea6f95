/**
 * storage/database: opens the embedded SQLite file (default) or PostgreSQL (DATABASE_URL) behind one
 * Kysely instance, runs migrations, and opens transactions (a write transaction; one that joins the
 * caller's). The settings of each dialect live here. Elsewhere the dialect (`kind`) shows in three places,
 * each saying why where it is: the outbox's claim, the rate limiter's store (memory with SQLite), and the
 * error handler's list of codes that mean the database is unavailable.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import type { Database, Db } from './schema';

export type DatabaseSettings =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      url: string;
      /** Connections in the pool (DATABASE_POOL_SIZE). */
      poolSize?: number;
      /** How long a query waits for a free connection before failing (REQUEST_DEADLINE_MS). */
      connectWaitMs?: number;
    };

/**
 * PostgreSQL pool defaults, for a two-core machine: about two connections per core plus one keeps both
 * cores busy without a crowd of backends fighting over the same counter rows (every saved letter updates
 * its campaign's counters, so more connections only wait longer on the same row locks).
 */
const POSTGRES_POOL_DEFAULTS = { poolSize: 5, connectWaitMs: 30_000 } as const;

export interface Storage {
  db: Kysely<Database>;
  kind: 'sqlite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite settings, SQLite's own WAL handling throughout:
 * - journal_mode=WAL: readers (stats, status pages) never wait for the writer, nor it for them.
 * - synchronous=FULL: every commit is synced to disk before it returns, so a letter the person was told
 *   is saved survives a power cut or kernel crash too (NORMAL would only survive a crash of the process).
 * - wal_autocheckpoint=1000 pages (SQLite's default, about 4 MB): the commit that crosses it copies the
 *   WAL back into the database file, so the WAL stays small without any other thread or file handle.
 * - journal_size_limit: after a checkpoint the WAL file is cut back to 16 MB if a long read let it grow.
 * - busy_timeout=5000: a second process on the same file (data:update, an outbox worker) waits its turn
 *   for up to 5 s instead of failing at once.
 */
function applySqliteSettings(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('wal_autocheckpoint = 1000');
  sqlite.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
  sqlite.pragma('busy_timeout = 5000');
}

/** Opens the database and applies migrations. */
export async function openStorage(settings: DatabaseSettings): Promise<Storage> {
  const db = new Kysely<Database>({ dialect: dialectFor(settings) });
  await migrateToLatest(db as Kysely<unknown>);
  return {
    db,
    kind: settings.kind,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function dialectFor(settings: DatabaseSettings): SqliteDialect | PostgresDialect {
  if (settings.kind === 'sqlite') {
    if (settings.path !== ':memory:') fs.mkdirSync(path.dirname(settings.path), { recursive: true });
    const sqlite = new BetterSqlite3(settings.path);
    applySqliteSettings(sqlite);
    return new SqliteDialect({ database: sqlite });
  }
  // During a burst, requests queue for a connection up to their own deadline (REQUEST_DEADLINE_MS) rather
  // than failing after a few seconds: a submission that waits 10 s is saved, one that gets 503 is lost.
  // A database that is down still fails at once (the connect itself is refused), so outages stay quick.
  const pool = new Pool({
    connectionString: settings.url,
    max: settings.poolSize ?? POSTGRES_POOL_DEFAULTS.poolSize,
    connectionTimeoutMillis: settings.connectWaitMs ?? POSTGRES_POOL_DEFAULTS.connectWaitMs,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
}

/**
 * Runs `fn` in one write transaction. On SQLite the transaction first takes the write lock with a no-op
 * write (waiting up to busy_timeout): a transaction that reads before it writes could otherwise fail with
 * SQLITE_BUSY when another process (a second worker) committed in between. `fn` gets a real Kysely
 * transaction, so callees that check `isTransaction` (withTransaction) nest correctly.
 */
export async function inWriteTransaction<T>(
  storage: Storage,
  fn: (db: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return storage.db.transaction().execute(async (trx) => {
    if (storage.kind === 'sqlite') await sql`update outbox set id = id where 0 = 1`.execute(trx);
    return fn(trx);
  });
}

/** Runs fn in a transaction, or inside the caller's transaction when db already is one. */
export async function withTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
