/**
 * Shared set-up for the tracking tests: a storage per database kind (SQLite temp file, or a throw-away
 * PostgreSQL database, null when no server answers), action inputs, and the app on that database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, type Storage } from '../../src/storage/database';
import type { ActionInput } from '../../src/tracking/record-action';
import { createTestApp, testLogFile, type TestApp } from '../helpers/app';
import { createTestPostgres, type StorageKind, type TestPostgres } from '../helpers/postgres';

export type Kind = StorageKind;

export interface Target {
  storage: Storage;
  /** The configuration naming this database, for an app built on it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Opens a fresh, migrated database of the given kind (PostgreSQL suites: describeEachStorage);
 * `connectWaitMs` replaces the pool's wait for a free connection (the request deadline's default).
 */
export async function openTarget(kind: Kind, postgres: { connectWaitMs?: number } = {}): Promise<Target> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-tracking-'));
    const file = path.join(dir, 'test.sqlite');
    const storage = await openStorage({ kind: 'sqlite', path: file });
    return {
      storage,
      env: { SQLITE_PATH: file },
      async close() {
        await storage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pg: TestPostgres = await createTestPostgres();
  const storage = await openStorage({ kind: 'postgres', url: pg.url, ...postgres });
  return {
    storage,
    env: { DATABASE_URL: pg.url },
    async close() {
      await storage.close();
      await pg.drop();
    },
  };
}

export const AT = new Date('2026-11-28T12:00:00Z');

export function action(overrides: Partial<ActionInput> = {}): ActionInput {
  return {
    campaign: 'stop-csam',
    letterId: null,
    action: 'verified',
    bioguide: 'C000127',
    chamber: 'senate',
    state: 'WA',
    district: null,
    congress: 119,
    bill: '119-s-1829',
    senderKey: 'sender-1',
    ref: null,
    at: AT,
    ...overrides,
  };
}

export interface TrackingApp extends TestApp {
  /** Every log line the app wrote so far. */
  logs(): string[];
}

/** The app as production builds it, on the committed small fixture and the target's database. */
export async function buildApp(target: Target, env: Record<string, string> = {}): Promise<TrackingApp> {
  const log = testLogFile();
  const built = await createTestApp({ ...target.env, LOG_LEVEL: 'info', LOG_FILE: log.file, ...env });
  return { ...built, logs: log.lines };
}
