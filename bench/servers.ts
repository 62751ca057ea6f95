/**
 * bench/servers: the processes under test. The app runs as the image runs it (`scripts/docker-start.sh`,
 * NODE_ENV=production), each instance in its own child process, beside a plain Express route that serves as
 * the yardstick for CPU per request. Nothing here is used by the app itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 0 elsewhere). */
export function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return 0;
  }
}

/** Resident set size of a process, from /proc (Linux; 0 elsewhere). */
export function rssOf(pid: number | undefined): number {
  return memoryOf(pid).rss;
}

/** Resident set size now and its peak so far (VmHWM), in bytes, from /proc (Linux; 0 elsewhere). */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/**
 * Compiles the app in `root` (this checkout, or another one the comparison runs against). Another
 * checkout is compiled without type checking: its type packages may differ from the node_modules it shares.
 */
export function buildApp(root: string, options: { typeCheck: boolean }): void {
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      ...(options.typeCheck ? [] : ['--noCheck']),
    ],
    { cwd: root, stdio: 'inherit' },
  );
}

/** The civic data imported by `root`'s own importer from the mirror into a new temp folder. */
export function importData(root: string, mirror: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-data-'));
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'data-update.ts')], {
    cwd: root,
    // The mirror's files carry no date: the test fixture's manifest gives the member snapshot's.
    env: {
      ...process.env,
      CIVIC_DATA_FROM: mirror,
      CIVIC_DATA_MANIFEST: path.join(root, 'tests', 'fixtures', 'civic', 'mirror-manifest.json'),
      DATA_DIR: dir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function stopServer(server: ServerProcess | undefined): Promise<void> {
  const child = server?.child;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface AppOptions {
  /** The checkout whose compiled app runs (default: this one). */
  root?: string;
  dataDir: string;
  /** SQLite file (default: a new temp folder) or a PostgreSQL URL. */
  databaseUrl?: string;
  sqlitePath?: string;
  /**
   * The minimum form-fill time and the client address as deployed; or, for the closed loop, no minimum time
   * and the address the bench names in X-Forwarded-For.
   */
  asDeployed: boolean;
  smtpUrl?: string;
}

/**
 * The shipped campaigns with a delivery inbox production accepts: the shipped one is on a reserved domain,
 * which start-up refuses in production. Mail from the bench only ever reaches its local SMTP sink.
 */
function benchCampaigns(root: string, into: string): string {
  const dir = path.join(into, 'campaigns');
  fs.cpSync(path.join(root, 'campaigns'), dir, { recursive: true });
  for (const slug of fs.readdirSync(dir)) {
    const file = path.join(dir, slug, 'campaign.json');
    if (!fs.existsSync(file)) continue;
    const campaign = JSON.parse(fs.readFileSync(file, 'utf8'));
    campaign.delivery = { ...campaign.delivery, inbox: 'bench@localhost.localdomain', byMember: {} };
    fs.writeFileSync(file, JSON.stringify(campaign));
  }
  return dir;
}

/** One app instance, configured as production except where `options` says otherwise. */
export async function startApp(options: AppOptions): Promise<ServerProcess> {
  const root = options.root ?? ROOT;
  const port = await freePort();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-db-'));
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MAIL_FROM: 'Dear Congress <letters@bench.invalid>',
    DATA_DIR: options.dataDir,
    OUTBOX_DIR: path.join(tempDir, 'outbox'),
    CAMPAIGNS_DIR: benchCampaigns(root, tempDir),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    OUTBOX_WORKER: options.smtpUrl ? 'true' : 'false',
    // Without an SMTP server the bench writes .eml files, which production allows only when asked for.
    MAIL_TRANSPORT: options.smtpUrl ? 'smtp' : 'files',
    CENSUS_GEOCODER_ENABLED: 'false',
    DATA_REFRESH: 'off',
    // Offline, as the tests are: production asks DNS once per email domain (then caches the answer), so
    // the check costs nothing per request, and example.org's null MX would refuse every letter.
    EMAIL_MX_CHECK: 'false',
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else env.SQLITE_PATH = options.sqlitePath ?? path.join(tempDir, 'bench.sqlite');
  if (options.smtpUrl) Object.assign(env, { SMTP_URL: options.smtpUrl, OUTBOX_POLL_MS: '200' });
  // The closed loop is one machine playing many clients: each request names its own in X-Forwarded-For
  // (bench/capacity.ts), which the server believes from the loopback proxy it takes the bench for.
  if (!options.asDeployed) Object.assign(env, { TRUST_PROXY: 'loopback', MIN_FORM_FILL_MS: '0' });
  // As the image starts it: its start script (which replaces itself with node, so the pid is the server's)
  // with the node flags written there; a checkout from before the script starts the server directly.
  const startScript = path.join(root, 'scripts', 'docker-start.sh');
  const child = fs.existsSync(startScript)
    ? spawn('sh', [startScript], {
        cwd: root,
        env: { ...env, ...(extra.length > 0 ? { NODE_OPTIONS: extra.join(' ') } : {}) },
        stdio: ['ignore', 'inherit', 'inherit'],
      })
    : spawn(process.execPath, [...extra, path.join(root, 'dist', 'src', 'server.js')], {
        cwd: root,
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
  // A capacity run writes hundreds of MB of letters: the folder goes when the server has stopped.
  child.once('exit', () => fs.rmSync(tempDir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${url}/readyz`, child);
  return { child, port, url };
}

const BASELINE_SOURCE = `
const express = require('express');
const app = express();
app.get('/baseline', (_req, res) => { res.json({ ok: true, message: 'hello' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A plain Express JSON route in a process of its own: the cheapest request Express can answer. */
export async function startBaseline(): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', BASELINE_SOURCE], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${url}/baseline`, child);
  return { child, port, url };
}
