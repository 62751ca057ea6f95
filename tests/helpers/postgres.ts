/**
 * A throw-away PostgreSQL database per test file: created on the server at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. Where no server answers,
 * `createTestPostgres` throws, so a PostgreSQL test never passes without PostgreSQL; only with
 * SKIP_POSTGRES=1 does it return null, and the caller skips with a visible message.
 */
import crypto from 'node:crypto';
import { Client } from 'pg';

export interface TestPostgres {
  url: string;
  drop(): Promise<void>;
}

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestPostgres(): Promise<TestPostgres | null> {
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.SKIP_POSTGRES !== '1') {
      throw new Error(
        `PostgreSQL tests need a server at ${adminUrl} (TEST_DATABASE_URL): ${String(error)}. ` +
          'Start one, or set SKIP_POSTGRES=1 to skip them.',
      );
    }
    console.warn(`SKIPPED: PostgreSQL tests (SKIP_POSTGRES=1; no server at ${adminUrl})`);
    return null;
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
