/**
 * storage/database: opens the embedded SQLite file (default) or PostgreSQL (DATABASE_URL) behind one
 * Kysely instance, and runs migrations. Every dialect difference of the app lives in this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { Worker } from 'node:worker_threads';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type DatabaseSettings =
  | {
      kind: 'sqlite';
      path: string;
      /** WAL frames past which the request connection finishes a checkpoint (default 16,384: 64 MB). */
      walCatchUpFrames?: number;
    }
  | { kind: 'postgres'; url: string };

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

/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1,000 WAL pages, and better-sqlite3 runs on the event loop: under a stream of submissions every
 * few hundred commits stalled every request for 6–12 ms while 4 MB were copied and synced. Once writes
 * flow (see checkpointWhenWritten), the request connection stops checkpointing and a worker with its own
 * connection runs a PASSIVE checkpoint (it never blocks the writer) every `intervalMs`; closing runs a
 * last one that truncates the WAL.
 *
 * A PASSIVE checkpoint on another connection never quite catches up while writes keep coming, and SQLite
 * starts the WAL over only once every frame has been copied: under the bench's sustained submissions the
 * WAL grew to 760 MB in 10 s. So when the worker sees more than `catchUpFrames` frames in the WAL it asks
 * the request connection to finish the job between two requests: that connection is the only writer, so
 * its checkpoint copies the few frames written since the worker's pass and completes, the next commit
 * starts the WAL from the beginning, and `journal_size_limit` trims the file.
 */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.log >= workerData.catchUpFrames) parentPort.postMessage('catch-up');
  } catch { /* busy or closing: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

function startCheckpointWorker(
  file: string,
  catchUp: () => void,
  { intervalMs = 250, catchUpFrames = 16_384 } = {},
): { stop(): Promise<void> } {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs, catchUpFrames },
    // Small heaps: the worker only holds a connection.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  worker.on('message', catchUp);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Without the worker the WAL only grows until close: say so rather than fail requests.
  worker.on('error', (err) => process.emitWarning(`SQLite checkpoint worker stopped: ${err.message}`));
  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= (worker.postMessage('stop'), exited);
      return stopping;
    },
  };
}

/**
 * Starts the checkpoint thread once writes have put 1 MB into the WAL (checked every second): a thread
 * with its own V8 heap costs about 20 MB of memory, which an instance that only serves pages and lookups
 * does not need. Until then SQLite checkpoints as usual, inside commits.
 */
function checkpointWhenWritten(
  sqlite: BetterSqlite3.Database,
  file: string,
  catchUpFrames: number | undefined,
): { stop(): Promise<void> } {
  let worker: { stop(): Promise<void> } | undefined;
  const watch = setInterval(() => {
    let walBytes = 0;
    try {
      walBytes = fs.statSync(`${file}-wal`).size;
    } catch {
      return;
    }
    if (walBytes < 1_000_000 || !sqlite.open) return;
    clearInterval(watch);
    sqlite.pragma('wal_autocheckpoint = 0');
    const catchUp = () => {
      if (!sqlite.open || sqlite.inTransaction) return;
      try {
        sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // The worker is mid-checkpoint (busy): it asks again after its next pass.
      }
    };
    worker = startCheckpointWorker(file, catchUp, { catchUpFrames });
  }, 1000);
  watch.unref();
  return {
    stop: async () => {
      clearInterval(watch);
      await worker?.stop();
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
    // After the WAL starts over, its file is cut back to 64 MB (see startCheckpointWorker).
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    const checkpoints =
      settings.path !== ':memory:'
        ? checkpointWhenWritten(sqlite, settings.path, settings.walCatchUpFrames)
        : undefined;
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    await migrateToLatest(db as Kysely<unknown>);
    return {
      db,
      kind: 'sqlite',
      supportsSkipLocked: false,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await checkpoints?.stop();
        // Before Kysely closes the connection: fold the WAL back into the database file.
        if (sqlite.open) sqlite.pragma('wal_checkpoint(TRUNCATE)');
        await db.destroy();
      },
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
