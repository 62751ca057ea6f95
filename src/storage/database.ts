/**
 * storage/database: opens the embedded SQLite file (default) or PostgreSQL (DATABASE_URL) behind one
 * Kysely instance, and runs migrations. The settings of each dialect live here; the two places where a
 * query differs by dialect say so where they are (the outbox's claim, the shared rate-limit store).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type DatabaseSettings = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Storage {
  db: Kysely<Database>;
  kind: 'sqlite' | 'postgres';
  /** Claims due outbox rows: `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer anyway. */
  supportsSkipLocked: boolean;
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
  if (settings.kind === 'sqlite') {
    if (settings.path !== ':memory:') fs.mkdirSync(path.dirname(settings.path), { recursive: true });
    const sqlite = new BetterSqlite3(settings.path);
    applySqliteSettings(sqlite);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrateToLatest(db as Kysely<unknown>);
    return {
      db,
      kind: 'sqlite',
      supportsSkipLocked: false,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  const pool = new Pool({ connectionString: settings.url, max: 10, connectionTimeoutMillis: 3000 });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>);
  return {
    db,
    kind: 'postgres',
    supportsSkipLocked: true,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
