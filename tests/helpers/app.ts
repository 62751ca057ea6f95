/**
 * Builds the real app for route tests: mirror data, a fresh SQLite file, test config. One line per test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import { createRuntime, type Runtime } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { SystemTime } from './clock';
import { createApp } from '../../src/web/app';
import { importedDataDir } from './civic-data';

export interface TestApp {
  app: Express;
  runtime: Runtime;
  /** The time the app reads (the system clock, set and advanced by the test). */
  clock: SystemTime;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
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
  const clock = new SystemTime(new Date('2026-11-28T12:00:00Z'));
  const runtime = await createRuntime(config);
  return { app: createApp(runtime.deps), runtime, clock, close: () => runtime.close() };
}

/** Client `n`'s address (10.x.y.z), for X-Forwarded-For to an app that believes it (TRUST_PROXY). */
export function clientAddress(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * The app as a new client reaches it with every request: each carries an address of its own in
 * X-Forwarded-For, which the app believes with TRUST_PROXY=loopback. A test that sends hundreds of requests
 * from this machine then meets the per-client rate limits as that many people would.
 */
export function fromManyClients(app: Express): RequestListener {
  let client = 0;
  return (req, res) => {
    client += 1;
    req.headers['x-forwarded-for'] = clientAddress(client);
    app(req, res);
  };
}

/** A fresh LOG_FILE for an app, and the lines logged to it so far (the app writes each line at once). */
export function testLogFile(): { file: string; lines(): string[]; clear(): void } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dc-log-')), 'app.log');
  return {
    file,
    lines: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []),
    clear: () => fs.writeFileSync(file, ''),
  };
}
