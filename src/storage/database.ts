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
      /** WAL frames past which a checkpoint is finished with writes held (default 16,384: 64 MB). */
      walCatchUpFrames?: number;
      /** At most this many frames are left to copy while the request connection is held (default 256). */
      walHandOverFrames?: number;
      /** Told each time a checkpoint was finished while the request connection was held (tests; logs). */
      onWalCatchUp?: (catchUp: WalCatchUp) => void;
    }
  | { kind: 'postgres'; url: string };

/** One checkpoint finished while the request connection was held: the last frames copied, the hold. */
export interface WalCatchUp {
  framesCopied: number;
  workerPasses: number;
  heldMs: number;
}

interface CheckpointOptions {
  catchUpFrames?: number;
  handOverFrames?: number;
  finishTimeoutMs?: number;
  onCatchUp?: (catchUp: WalCatchUp) => void;
}

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
 * WAL grew to 760 MB in 10 s. So past `catchUpFrames` frames the worker finishes the job while the
 * request connection is held idle: first more passes right away, each copying what was written during
 * the one before, until a pass finds at most `handOverFrames` new frames (or `maxPasses` ran); then it
 * asks for the hold, and the app holds its connection (Kysely's `connection()`: queries wait their turn,
 * the event loop keeps running) while the worker copies the last frames. With no writer in between, that
 * checkpoint completes, the next commit starts the WAL from the beginning, and `journal_size_limit` trims
 * the file.
 *
 * Why not let the request connection finish the checkpoint itself, between two requests: a checkpoint that
 * completes syncs the WAL and the database file to disk, and on a disk busy with the worker's copying
 * those syncs took 8-20 ms, about once a second under the bench's submissions, with every request
 * waiting on the event loop (with the syncs switched off, the same checkpoints took 0.2-0.5 ms). Held
 * instead, only database queries wait, and pages, lookups and the rest of each submission go on.
 */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
let awaitingHold = false;
let passes = 0;
const pass = () => { passes += 1; return db.pragma('wal_checkpoint(PASSIVE)')[0]; };
// A pass copies the WAL as it was when the pass began; passes right after it copy what came in meanwhile,
// until one finds at most handOverFrames new frames. Undefined if the WAL started over by itself.
function passUntilFewAreNew(result) {
  let previousLog = 0;
  for (let more = 1; more < workerData.maxPasses && result.log - previousLog > workerData.handOverFrames; more += 1) {
    previousLog = result.log;
    result = pass();
    if (result.log < previousLog) return undefined;
  }
  return result;
}
const timer = setInterval(() => {
  if (awaitingHold) return;
  try {
    passes = 0;
    let result = pass();
    if (!result || result.log < workerData.catchUpFrames) return;
    result = passUntilFewAreNew(result);
    if (!result) return;
    // Passes that stop short of the WAL's end leave the database file unsynced; the pass that completes
    // syncs it and the WAL, and those syncs are what the app waits for. Syncing here first, then copying
    // what came in meanwhile, leaves them only the last frames. (Descriptors: see checkpointWhenWritten.)
    for (const fd of workerData.syncFds) {
      try { fs.fsyncSync(fd); } catch { /* a platform that cannot sync a read-only descriptor: wait longer */ }
    }
    result = passUntilFewAreNew(pass());
    if (!result) return;
    awaitingHold = true;
    parentPort.postMessage({ type: 'hold', passes, checkpointed: result.checkpointed });
  } catch { /* busy or closing: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'finish') {
    // The app holds its connection: nothing writes, so this pass copies every frame left.
    let result;
    try { result = pass(); } catch { /* busy: the next tick tries again */ }
    awaitingHold = false;
    parentPort.postMessage({ type: 'finished', checkpointed: result ? result.checkpointed : -1 });
    return;
  }
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

type WorkerMessage =
  { type: 'hold'; passes: number; checkpointed: number } | { type: 'finished'; checkpointed: number };

/** Holds the request connection (no query runs) until `whileHeld` settles. */
type HoldConnection = (whileHeld: () => Promise<void>) => Promise<void>;

function startCheckpointWorker(
  file: string,
  holdConnection: HoldConnection,
  {
    intervalMs = 250,
    catchUpFrames = 16_384,
    handOverFrames = 256,
    maxPasses = 8,
    finishTimeoutMs = 2000,
    syncFds = [],
    onCatchUp,
  }: CheckpointOptions & { intervalMs?: number; maxPasses?: number; syncFds?: number[] } = {},
): { stop(): Promise<void> } {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: {
      driver: require.resolve('better-sqlite3'),
      file,
      intervalMs,
      catchUpFrames,
      handOverFrames,
      maxPasses,
      syncFds,
    },
    // Small heaps: the worker only holds a connection.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  let finished: ((checkpointed: number | undefined) => void) | undefined;
  const finishWhileHeld = (): Promise<number | undefined> =>
    new Promise((resolve) => {
      // A worker that never answers must not hold the database for good.
      const timeout = setTimeout(() => resolve(undefined), finishTimeoutMs);
      finished = (checkpointed) => {
        clearTimeout(timeout);
        finished = undefined;
        resolve(checkpointed);
      };
      worker.postMessage('finish');
    });
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'finished') {
      finished?.(message.checkpointed);
      return;
    }
    const startedAt = performance.now();
    let checkpointed: number | undefined;
    holdConnection(async () => {
      checkpointed = await finishWhileHeld();
    })
      .then(() => {
        if (checkpointed === undefined || checkpointed < 0) return;
        onCatchUp?.({
          // Less than zero when the WAL started over in between: nothing was left to copy.
          framesCopied: Math.max(0, checkpointed - message.checkpointed),
          workerPasses: message.passes + 1,
          heldMs: Math.round((performance.now() - startedAt) * 100) / 100,
        });
      })
      // Closing: the connection is gone, and close() runs the last checkpoint.
      .catch(() => undefined);
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      finished?.(undefined);
      resolve();
    }),
  );
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
 *
 * The worker syncs the database file and the WAL through descriptors opened here, and `closeFiles` closes
 * them only once every SQLite connection to the file is closed: closing any descriptor of a file drops
 * all of the process's POSIX locks on it, SQLite's included.
 */
function checkpointWhenWritten(
  sqlite: BetterSqlite3.Database,
  file: string,
  holdConnection: HoldConnection,
  options: CheckpointOptions,
): { stop(): Promise<void>; closeFiles(): void } {
  let worker: { stop(): Promise<void> } | undefined;
  const syncFds: number[] = [];
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
    for (const name of [file, `${file}-wal`]) syncFds.push(fs.openSync(name, 'r'));
    worker = startCheckpointWorker(file, holdConnection, { ...options, syncFds });
  }, 1000);
  watch.unref();
  return {
    stop: async () => {
      clearInterval(watch);
      await worker?.stop();
    },
    closeFiles: () => {
      for (const fd of syncFds.splice(0)) fs.closeSync(fd);
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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    const checkpoints =
      settings.path !== ':memory:'
        ? checkpointWhenWritten(
            sqlite,
            settings.path,
            (whileHeld) => db.connection().execute(() => whileHeld()),
            {
              catchUpFrames: settings.walCatchUpFrames,
              handOverFrames: settings.walHandOverFrames,
              onCatchUp: settings.onWalCatchUp,
            },
          )
        : undefined;
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
        checkpoints?.closeFiles();
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
