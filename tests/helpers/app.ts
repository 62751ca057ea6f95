/**
 * Builds the real app for route tests: mirror data, a fresh SQLite file, test config. One line per test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { ManualClock } from './clock';
import { createLogger } from '../../src/platform/logger';
import { createApp } from '../../src/web/app';
import { importedDataDir } from './civic-data';

export interface TestApp {
  app: Express;
  runtime: Runtime;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  overrides: Pick<RuntimeOverrides, 'logger'> = {},
): Promise<TestApp> {
  const dataDir = await importedDataDir();
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    // Tests send forms as soon as they load them.
    MIN_FORM_FILL_MS: '0',
    DATA_DIR: dataDir,
    SQLITE_PATH: path.join(dbDir, 'test.sqlite'),
    CAMPAIGNS_DIR: path.resolve(__dirname, '..', '..', 'campaigns'),
    LOG_LEVEL: 'silent',
    OUTBOX_WORKER: 'false',
    STATS_CACHE_MS: '0',
    ...env,
  });
  const clock = new ManualClock(new Date('2026-11-28T12:00:00Z'));
  const runtime = await createRuntime(config, {
    ...overrides,
    clock,
    logger: overrides.logger ?? createLogger('silent'),
  });
  return { app: createApp(runtime.deps), runtime, clock, close: () => runtime.close() };
}
