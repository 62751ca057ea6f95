/**
 * A throw-away PostgreSQL database per test file: created on the server at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
 *
 * A PostgreSQL suite is declared with `describePostgres` (or `describeEachStorage` for suites run on both
 * databases). With SKIP_POSTGRES=1 those suites are skipped, reported by Jest as skipped with a SKIPPED
 * line; otherwise `createTestPostgres` throws where no server answers, so a PostgreSQL test never passes
 * without PostgreSQL.
 */
import crypto from 'node:crypto';
import { Client } from 'pg';

export interface TestPostgres {
  url: string;
  drop(): Promise<void>;
}

export type StorageKind = 'sqlite' | 'postgres';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when SKIP_POSTGRES=1: PostgreSQL suites are skipped. */
export function postgresSkipped(): boolean {
  return process.env.SKIP_POSTGRES === '1';
}

/** `describe` for a suite that needs PostgreSQL: skipped (and said so) under SKIP_POSTGRES=1. */
export function describePostgres(name: string, fn: () => void): void {
  if (!postgresSkipped()) {
    describe(name, fn);
    return;
  }
  console.warn(`SKIPPED: ${name} (SKIP_POSTGRES=1)`);
  describe.skip(name, fn);
}

/**
 * The same suite on SQLite and on PostgreSQL (`%s` in the name is the kind), as `describe.each` would;
 * the PostgreSQL one goes through `describePostgres`.
 */
export function describeEachStorage(name: string, fn: (kind: StorageKind) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const title = name.replace('%s', kind);
    if (kind === 'postgres') describePostgres(title, () => fn(kind));
    else describe(title, () => fn(kind));
  }
}

/** A fresh database; throws, naming SKIP_POSTGRES, when no server answers. */
export async function createTestPostgres(): Promise<TestPostgres> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL tests need a server at ${adminUrl} (TEST_DATABASE_URL): ${String(error)}. ` +
        'Start one, or set SKIP_POSTGRES=1 to skip them.',
    );
  }
  const name = `dc_test_${crypto.randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
