import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../../src/storage/database';
import { isUnavailableError } from '../../src/web/error-handler';
import { migrations } from '../../src/storage/migrations';
import { createTestPostgres, describePostgres, type TestPostgres } from '../helpers/postgres';

describe('storage', () => {
  test('when SQLite opens a new file, then migrations create every table', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-db-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    const tables = await storage.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['letters', 'outbox', 'confirmations', 'actions', 'counters', 'rate_limits']),
    );
    await storage.close();
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

  test('when every connection is busy for longer than 3 s, then the next query waits its turn and succeeds', async () => {
    const pg = await createTestPostgres();
    const storage = await openStorage({ kind: 'postgres', url: pg.url, poolSize: 1 });
    try {
      // The only connection sleeps 3.5 s: the pool's old 3-second connect limit would have failed the second.
      const busy = sql`select pg_sleep(3.5)`.execute(storage.db);
      const waiting = sql<{ one: number }>`select 1 as one`.execute(storage.db);
      await busy;
      expect((await waiting).rows).toEqual([{ one: 1 }]);
    } finally {
      await storage.close();
      await pg.drop();
    }
  });

  test("when a connection does not come free before the request's deadline, then the error is the 503 kind", async () => {
    const pg = await createTestPostgres();
    const storage = await openStorage({ kind: 'postgres', url: pg.url, poolSize: 1, connectWaitMs: 200 });
    try {
      const busy = sql`select pg_sleep(1)`.execute(storage.db);
      const caught = await sql`select 1`.execute(storage.db).then(
        () => undefined,
        (error: unknown) => error,
      );
      await busy;
      expect(caught).toBeDefined();
      expect(isUnavailableError(caught)).toBe(true);
    } finally {
      await storage.close();
      await pg.drop();
    }
  });
});
