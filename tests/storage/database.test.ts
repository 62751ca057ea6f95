import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage, type Storage, type WalCatchUp } from '../../src/storage/database';
import { migrations } from '../../src/storage/migrations';
import { createTestPostgres, type TestPostgres } from '../helpers/postgres';

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over. */
function walCheckpointSequence(walFile: string): number {
  const header = Buffer.alloc(16);
  const fd = fs.openSync(walFile, 'r');
  try {
    fs.readSync(fd, header, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.readUInt32BE(12);
}

/** This process's open descriptors of the database file or its WAL (Linux; elsewhere none are seen). */
function openDescriptorsOf(file: string): string[] {
  if (!fs.existsSync('/proc/self/fd')) return [];
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(file));
}

describe('storage', () => {
  test('when SQLite opens a new file, then migrations create every table in WAL mode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    const tables = await storage.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['letters', 'outbox', 'confirmations', 'actions', 'counters', 'rate_limits']),
    );
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(storage.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    await storage.close();
  });

  test('when SQLite is written to, then checkpoints happen off the request connection and close leaves no WAL behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const file = path.join(dir, 'test.sqlite');
    const storage = await openStorage({ kind: 'sqlite', path: file });
    const before = fs.statSync(file).size;
    // About 2 MB: below the 4 MB at which SQLite's own automatic checkpoint would have run.
    await sql`create table filler (text text)`.execute(storage.db);
    for (let i = 0; i < 200; i += 1) {
      await sql`insert into filler values (${'x'.repeat(10_000)})`.execute(storage.db);
    }
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(2_000_000);
    // Past 1 MB of WAL the checkpoint thread starts, and copies the pages into the database file within a
    // few of its 1 s ticks; SQLite's own checkpoint (at 4 MB) would not have run.
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < before + 2_000_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(before + 2_000_000);
    const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(storage.db);
    expect(auto.rows[0]?.wal_autocheckpoint).toBe(0);
    await storage.close();
    // Gone (SQLite removes it when the last connection closes) or truncated: nothing left unmerged.
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when SQLite is written to without pause, then the WAL starts over instead of growing without bound', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const file = path.join(dir, 'test.sqlite');
    // A 4 MB threshold instead of 64 MB: the same mechanism with less writing.
    const storage = await openStorage({ kind: 'sqlite', path: file, walCatchUpFrames: 1024 });
    await sql`create table filler (text text)`.execute(storage.db);
    // Past 1 MB of WAL the checkpoint thread starts (checked every second).
    for (let i = 0; i < 200; i += 1)
      await sql`insert into filler values (${'x'.repeat(10_000)})`.execute(storage.db);
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < 2_000_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Up to 200 MB of rows, one small transaction at a time with the event loop turning in between, as a
    // server under a stream of submissions does; stops once the WAL has started over. The checkpoint
    // thread alone never catches up with such a stream, and the WAL would grow by everything written.
    const restarts = new Set<number>();
    try {
      for (let i = 0; i < 20_000 && restarts.size < 2; i += 1) {
        await sql`insert into filler values (${'x'.repeat(10_000)})`.execute(storage.db);
        await new Promise((resolve) => setImmediate(resolve));
        if (i % 50 === 0) restarts.add(walCheckpointSequence(`${file}-wal`));
      }
      expect(restarts.size).toBeGreaterThanOrEqual(2);
    } finally {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a checkpoint is finished under a stream of writes, then the worker copies while queries wait, and no write is lost', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const file = path.join(dir, 'test.sqlite');
    const finished: WalCatchUp[] = [];
    const storage = await openStorage({
      kind: 'sqlite',
      path: file,
      walCatchUpFrames: 1024,
      walHandOverFrames: 64,
      onWalCatchUp: (catchUp) => finished.push(catchUp),
    });
    // Only this thread's connections: the worker's connection lives in another thread.
    const pragmas = jest.spyOn(BetterSqlite3.prototype, 'pragma');
    await sql`create table filler (n integer, text text)`.execute(storage.db);
    let written = 0;
    const restarts = new Set<number>();
    try {
      // Four writers at once, as concurrent submissions: some of their queries arrive during a hold.
      const writer = async (first: number) => {
        for (let n = first; n < 40_000 && (restarts.size < 2 || finished.length < 2); n += 4) {
          await sql`insert into filler values (${n}, ${'x'.repeat(10_000)})`.execute(storage.db);
          written += 1;
          await new Promise((resolve) => setImmediate(resolve));
          if (fs.existsSync(`${file}-wal`)) restarts.add(walCheckpointSequence(`${file}-wal`));
        }
      };
      await Promise.all([0, 1, 2, 3].map(writer));
      expect(restarts.size).toBeGreaterThanOrEqual(2);
      expect(finished.length).toBeGreaterThanOrEqual(1);
      // The passes before the hold left little: the held copy is the last few frames, not the WAL.
      expect(Math.min(...finished.map((f) => f.framesCopied))).toBeLessThan(1024);
      // This thread never checkpointed: the checkpoint syncs to disk, and here it would stall every request.
      const checkpointsHere = pragmas.mock.calls.filter(([text]) => String(text).includes('wal_checkpoint'));
      expect(checkpointsHere).toEqual([]);
      const rows = await sql<{ count: number }>`select count(*) as count from filler`.execute(storage.db);
      expect(rows.rows[0]?.count).toBe(written);
      // The descriptors the worker syncs through are closed with the database, not left open.
      await storage.close();
      expect(openDescriptorsOf(file)).toEqual([]);
    } finally {
      pragmas.mockRestore();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when several instances start at once on PostgreSQL, then each migration runs exactly once', async () => {
    const pg: TestPostgres | null = await createTestPostgres();
    if (!pg) return;
    let instances: Storage[] = [];
    try {
      instances = await Promise.all([1, 2, 3, 4].map(() => openStorage({ kind: 'postgres', url: pg.url })));
      const applied = await instances[0]!.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied).toHaveLength(Object.keys(migrations).length);
    } finally {
      await Promise.all(instances.map((s) => s.close()));
      await pg.drop();
    }
  });
});
