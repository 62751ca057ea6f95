/**
 * storage/database: opens the embedded SQLite file (default) or PostgreSQL (DATABASE_URL) behind one
 * Kysely instance, and runs migrations. Every dialect difference of the app lives in this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
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
 * Kysely's SQLite driver prepares every statement anew; preparing costs as much as running a small
 * insert. Statements are reused by SQL text (parameters are bound per run). One connection, used by one
 * query at a time (Kysely serialises them), so a cached statement is never busy when reused. Bounded:
 * dynamic SQL (multi-row inserts of any size) cannot grow it without limit.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Opens the database and applies migrations. */
export async function openStorage(settings: DatabaseSettings): Promise<Storage> {
  if (settings.kind === 'sqlite') {
    if (settings.path !== ':memory:') fs.mkdirSync(path.dirname(settings.path), { recursive: true });
    const sqlite = new BetterSqlite3(settings.path);
    // WAL lets readers (stats, status pages) proceed while the outbox worker writes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
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
