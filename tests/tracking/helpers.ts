/**
 * Shared set-up for the tracking tests: a storage per database kind (SQLite temp file, or a throw-away
 * PostgreSQL database, null when no server answers), action inputs, and the app on fake deps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createAskResolver } from '../../src/campaign/asks';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { loadCampaigns } from '../../src/campaign/campaign';
import type { CivicIndex } from '../../src/civic-data/load';
import type { Member } from '../../src/civic-data/types';
import { loadConfig } from '../../src/config/config';
import { ManualClock } from '../helpers/clock';
import { createHandlebars } from '../../src/platform/handlebars';
import { createLogger } from '../../src/platform/logger';
import { openStorage, type Storage } from '../../src/storage/database';
import type { ActionInput } from '../../src/tracking/record-action';
import { createStatsService } from '../../src/tracking/stats';
import { createApp } from '../../src/web/app';
import type { AppDeps } from '../../src/web/deps';
import { createTestPostgres, type StorageKind, type TestPostgres } from '../helpers/postgres';

export type Kind = StorageKind;

export interface Target {
  storage: Storage;
  close(): Promise<void>;
}

/**
 * Opens a fresh, migrated database of the given kind (PostgreSQL suites: describeEachStorage);
 * `connectWaitMs` replaces the pool's wait for a free connection (the request deadline's default).
 */
export async function openTarget(kind: Kind, postgres: { connectWaitMs?: number } = {}): Promise<Target> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-tracking-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'test.sqlite') });
    return {
      storage,
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

const MEMBERS: Record<string, Partial<Member>> = {
  C000127: {
    bioguide: 'C000127',
    name: 'Maria Cantwell',
    formalName: 'Senator Maria Cantwell',
    chamber: 'senate',
    state: 'WA',
  },
  M001111: {
    bioguide: 'M001111',
    name: 'Patty Murray',
    formalName: 'Senator Patty Murray',
    chamber: 'senate',
    state: 'WA',
  },
  J000298: {
    bioguide: 'J000298',
    name: 'Pramila Jayapal',
    formalName: 'Representative Pramila Jayapal',
    chamber: 'house',
    state: 'WA',
    district: 7,
  },
};

export function fakeCivic(): CivicIndex {
  return {
    memberByBioguide: (id: string) => MEMBERS[id] as Member | undefined,
    meta: { snapshotDate: '2026-11-01', validUntil: '2027-01-03', congress: 119 },
    isStale: () => false,
    members: Object.values(MEMBERS),
    districts: [
      { state: 'WA', district: 7 },
      { state: 'WA', district: 9 },
    ],
  } as unknown as CivicIndex;
}

const ROOT = path.resolve(__dirname, '..', '..');

export interface TrackingApp {
  app: Express;
  deps: AppDeps;
  clock: ManualClock;
  /** Every log line the app wrote. */
  logs: string[];
}

/** The app on fake member data and the given storage. */
export function buildApp(storage: Storage, env: Record<string, string> = {}): TrackingApp {
  const config = loadConfig({
    NODE_ENV: 'test',
    MIN_FORM_FILL_MS: '0',
    STATS_CACHE_MS: '0',
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', stream);
  const clock = new ManualClock(AT);
  const hbs = createHandlebars();
  const campaigns = loadCampaigns(path.join(ROOT, 'campaigns'), 'stop-csam');
  const deps = {
    config,
    logger,
    clock,
    hbs,
    civic: fakeCivic(),
    campaigns,
    asks: createAskResolver({ clock, sponsors: createSponsorRoll(new Map()) }),
    storage,
    stats: createStatsService({
      storage,
      clock,
      cacheMs: 0,
      goalFor: (slug) => campaigns.list().find((c) => c.slug === slug)?.goal,
    }),
    letters: {} as AppDeps['letters'],
  } as unknown as AppDeps;

  const app = createApp(deps);
  return { app, deps, clock, logs };
}
