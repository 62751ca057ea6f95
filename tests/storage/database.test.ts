import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { openStorage, type Storage } from '../../src/storage/database';
import { migrations } from '../../src/storage/migrations';
import { createTestPostgres, describePostgres, type TestPostgres } from '../helpers/postgres';

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

  test('when SQLite opens a file, then every commit is synced and SQLite checkpoints by itself', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    const pragma = async (name: string) =>
      Object.values(
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(storage.db)).rows[0]!,
      )[0];
    try {
      expect(await pragma('synchronous')).toBe(2); // FULL
      expect(await pragma('wal_autocheckpoint')).toBe(1000);
      expect(await pragma('busy_timeout')).toBe(5000);
    } finally {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when SQLite is written to without pause, then the WAL starts over, no write is lost and close leaves no WAL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const file = path.join(dir, 'test.sqlite');
    const storage = await openStorage({ kind: 'sqlite', path: file });
    await sql`create table filler (n integer, text text)`.execute(storage.db);
    const restarts = new Set<number>();
    let written = 0;
    try {
      // Three pages per commit: SQLite's automatic checkpoint (1,000 pages) runs every ~330 commits.
      while (restarts.size < 2 && written < 5_000) {
        await sql`insert into filler values (${written}, ${'x'.repeat(10_000)})`.execute(storage.db);
        written += 1;
        if (written % 25 === 0) restarts.add(walCheckpointSequence(`${file}-wal`));
      }
      expect(restarts.size).toBeGreaterThanOrEqual(2);
      // The WAL is reused from its start after each checkpoint: it never holds much more than 1,000 pages.
      expect(fs.statSync(`${file}-wal`).size).toBeLessThan(8 * 1024 * 1024);
      const rows = await sql<{ count: number }>`select count(*) as count from filler`.execute(storage.db);
      expect(rows.rows[0]?.count).toBe(written);
    } finally {
      await storage.close();
    }
    // SQLite folds the WAL back and removes it when the last connection closes.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = new BetterSqlite3(file, { readonly: true });
    expect(reopened.prepare('select count(*) as count from filler').get()).toEqual({ count: written });
    reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describePostgres('storage on PostgreSQL', () => {
  test('when several instances start at once on PostgreSQL, then each migration runs exactly once', async () => {
    const pg: TestPostgres = await createTestPostgres();
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
