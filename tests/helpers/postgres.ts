/**
 * A throw-away PostgreSQL database per test file: created on the server at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. Where no server answers,
 * `createTestPostgres` returns null and the caller skips with a visible message; in CI (CI=true) it throws.
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
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI: ${String(error)}`);
    console.warn(`SKIPPED: PostgreSQL tests (no server at ${adminUrl}: ${String(error)})`);
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

/** `describe` that runs only when PostgreSQL is reachable (decided by the caller's probe). */
export const pgAvailable = async (): Promise<boolean> => {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
};
