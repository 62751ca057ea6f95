/**
 * bench/run: `npm run bench`. Starts the real app (createRuntime + createApp, SQLite in a temp folder,
 * data imported from CIVIC_DATA_FROM or ../shared/data) in a child process on 127.0.0.1, next to a
 * baseline plain Express route, and measures with autocannon (100 connections, 5 s each): the
 * representatives API, the letter page, letter submission (one CSRF cookie + token for all requests;
 * rate limits off), and the stats API, each also as a ratio to the baseline. Then PDFs per second,
 * start-up time, RSS with all data loaded, and bench/geo.ts + bench/stats.ts. Prints a table and
 * writes bench/results.json.
 *
 *   npm run bench                 # everything
 *   npm run bench -- --quick      # 2 s per run, smaller stats fill
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import { createRuntime } from '../src/bootstrap';
import { importDistrictShapes } from '../src/civic-data/district-shapes-import';
import { importCivicData } from '../src/civic-data/import';
import { loadConfig } from '../src/config/config';
import { renderLettersPdf } from '../src/delivery/pdf';
import { createLogger } from '../src/platform/logger';
import { createApp } from '../src/web/app';
import { benchGeo } from './geo';
import { benchStats } from './stats';

const ROOT = path.resolve(__dirname, '..');
const QUICK = process.argv.includes('--quick');
const DURATION_S = QUICK ? 2 : 5;
const CONNECTIONS = 100;
const ADDRESS = '100 Main St, Springfield, IL 62704';

interface ServeReady {
  type: 'ready';
  appPort: number;
  baselinePort: number;
  startupMs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/* ----------------------------------------------------------------- child: the server under test */

async function serve(): Promise<void> {
  const t0 = performance.now();
  const dataDir = process.env.BENCH_DATA_DIR!;
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-db-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    APP_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    PUBLIC_URL: 'http://127.0.0.1',
    DATA_DIR: dataDir,
    SQLITE_PATH: path.join(dbDir, 'bench.sqlite'),
    CAMPAIGNS_DIR: path.join(ROOT, 'campaigns'),
    LOG_LEVEL: 'silent',
    OUTBOX_WORKER: 'false',
    RATE_LIMITS_ENABLED: 'false',
    MIN_FORM_FILL_MS: '0',
    CENSUS_GEOCODER_ENABLED: 'false',
  });
  const runtime = await createRuntime(config, { logger: createLogger('silent') });
  const app = createApp(runtime.deps);
  const appServer = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => appServer.once('listening', resolve));
  const startupMs = performance.now() - t0;

  const baseline = express();
  baseline.get('/baseline', (_req, res) => {
    res.json({ ok: true, message: 'hello' });
  });
  const baselineServer = baseline.listen(0, '127.0.0.1');
  await new Promise((resolve) => baselineServer.once('listening', resolve));

  global.gc?.();
  const memory = process.memoryUsage();
  const ready: ServeReady = {
    type: 'ready',
    appPort: (appServer.address() as { port: number }).port,
    baselinePort: (baselineServer.address() as { port: number }).port,
    startupMs,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
  process.send!(ready);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'rss') process.send!({ type: 'rss', rssBytes: process.memoryUsage().rss });
    if (message.type === 'stop') {
      appServer.close();
      baselineServer.close();
      void runtime.close().then(() => process.exit(0));
    }
  });
}

/* ----------------------------------------------------------------- parent: load generator */

interface HttpResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  ratioToBaseline?: number;
}

async function cannon(name: string, options: autocannon.Options): Promise<HttpResult> {
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    ...options,
  });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type === type) {
        child.off('message', onMessage);
        resolve(message as T);
      }
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

async function importedData(): Promise<string> {
  const mirror = process.env.CIVIC_DATA_FROM ?? path.resolve(ROOT, '..', 'shared', 'data');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-data-'));
  await importCivicData({ from: mirror, outDir: dir });
  await importDistrictShapes({ from: mirror, outDir: dir });
  return dir;
}

async function pdfsPerSecond(): Promise<number> {
  const letter = {
    sender: { name: 'Ana Núñez', street: '100 Main St', city: 'Springfield', state: 'IL', zip: '62704' },
    date: 'November 28, 2026',
    recipientAddress: ['The Honorable Jane Doe', 'United States Senate', 'Washington, DC 20510'],
    salutation: 'Dear Senator Doe:',
    body: Array.from(
      { length: 6 },
      (_, i) => `Paragraph ${i + 1}. ${'I am writing as your constituent about this bill. '.repeat(6)}`,
    ).join('\n\n'),
    closing: 'Sincerely,',
    subject: 'Please support S. 1829',
  };
  await renderLettersPdf([letter]);
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < 3000) {
    await renderLettersPdf([letter]);
    count += 1;
  }
  return Math.round((count / (performance.now() - started)) * 1000 * 10) / 10;
}

async function main(): Promise<void> {
  const dataDir = await importedData();
  const spawnedAt = performance.now();
  const child = fork(__filename, ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BENCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<ServeReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServeReady));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const processStartupMs = performance.now() - spawnedAt;
  const app = `http://127.0.0.1:${ready.appPort}`;
  const results: HttpResult[] = [];
  try {
    // One CSRF cookie + token and the member list for every submission.
    const page = await fetch(`${app}/campaigns/stop-csam/write?address=${encodeURIComponent(ADDRESS)}`);
    const html = await page.text();
    const cookie = (page.headers.getSetCookie().find((c) => c.startsWith('dc.csrf=')) ?? '').split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const members = [...html.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
    const form = new URLSearchParams({
      _csrf: token,
      name: 'Ana Núñez',
      email: 'ana@example.org',
      street: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      address: ADDRESS,
      personalNote: 'I am a parent.',
    });
    for (const m of members) form.append('member', m);

    const baseline = await cannon('baseline (plain Express JSON)', {
      url: `http://127.0.0.1:${ready.baselinePort}/baseline`,
    });
    results.push(baseline);
    results.push(
      await cannon('GET /api/representatives?zip=62704', { url: `${app}/api/representatives?zip=62704` }),
    );
    results.push(
      await cannon('GET /campaigns/stop-csam/write?address=…', {
        url: `${app}/campaigns/stop-csam/write?address=${encodeURIComponent(ADDRESS)}`,
      }),
    );
    results.push(
      await cannon('POST /campaigns/stop-csam/letters', {
        url: `${app}/campaigns/stop-csam/letters`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: form.toString(),
      }),
    );
    results.push(
      await cannon('GET /api/campaigns/stop-csam/stats', { url: `${app}/api/campaigns/stop-csam/stats` }),
    );
    for (const r of results)
      r.ratioToBaseline = Math.round((r.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100;
    // autocannon counts 3xx as non-2xx: a saved batch answers 303, so check one submission by hand.
    const check = await fetch(`${app}/campaigns/stop-csam/letters`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: form.toString(),
      redirect: 'manual',
    });
    if (check.status !== 303) throw new Error(`a submission answered ${check.status}, not 303`);

    const { rssBytes: rssAfterLoadBytes } = await ask<{ rssBytes: number }>(child, 'rss');
    const pdfs = await pdfsPerSecond();
    const geo = await benchGeo(dataDir, {
      mirror: process.env.CIVIC_DATA_FROM ?? path.resolve(ROOT, '..', 'shared', 'data'),
    }).catch((e: unknown) => ({ error: String(e) }));
    let stats: unknown;
    try {
      stats = await benchStats({ letters: QUICK ? 20_000 : 200_000 });
    } catch (error) {
      stats = { error: String(error) };
    }

    const rep = results[1]!;
    const targets = {
      representativesAtLeast60PercentOfBaseline: (rep.ratioToBaseline ?? 0) >= 0.6,
      noErrorsAndP99Under100ms: results.every(
        (r, i) => r.errors === 0 && (i === 3 || r.non2xx === 0) && r.p99Ms < 100,
      ),
      rssUnder200MB: ready.rssBytes < 200 * 1024 * 1024,
    };
    const summary = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      settings: { connections: CONNECTIONS, durationSeconds: DURATION_S },
      http: results,
      pdfsPerSecond: pdfs,
      startup: { appReadyMs: Math.round(ready.startupMs), processToReadyMs: Math.round(processStartupMs) },
      memory: {
        rssMB: Math.round(ready.rssBytes / 2 ** 20),
        rssAfterLoadMB: Math.round(rssAfterLoadBytes / 2 ** 20),
        heapUsedMB: Math.round(ready.heapUsedBytes / 2 ** 20),
      },
      geo,
      stats,
      targets,
    };
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(summary, null, 2)}\n`);

    console.log(
      `\n${CONNECTIONS} connections, ${DURATION_S} s each, ${summary.machine.cpus} CPUs, Node ${process.version}\n`,
    );
    console.log('| Scenario | req/s | × baseline | p50 ms | p99 ms | errors | non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of results)
      console.log(
        `| ${r.name} | ${r.requestsPerSecond} | ${r.ratioToBaseline?.toFixed(2)} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.non2xx} |`,
      );
    console.log(
      `\nPDFs/s: ${pdfs}   start-up: ${summary.startup.appReadyMs} ms (process to ready ${summary.startup.processToReadyMs} ms)   RSS: ${summary.memory.rssMB} MB (after load ${summary.memory.rssAfterLoadMB} MB)`,
    );
    console.log(`geo: ${JSON.stringify(geo)}`);
    console.log(`stats: ${JSON.stringify(stats)}`);
    console.log(`targets: ${JSON.stringify(targets)}`);
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
