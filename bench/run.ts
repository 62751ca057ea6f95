/**
 * bench/run: `npm run bench`. Compiles the app and measures it as deployed (docs/performance.md):
 *
 *   capacity   closed loop, one machine as many clients: server CPU per request against a plain Express
 *              route's, and saved letters per second
 *   launch     open loop, rate limits on: people arriving at a fixed rate, each from their own loopback
 *              address, walking the whole journey; on SQLite, then on PostgreSQL with two instances
 *   outbox     emails per second from a confirmed backlog into a local SMTP server
 *   pdf, geo, stats   PDFs per second, point lookups, statistics reads at 200,000 letters
 *
 *   npm run bench                         # everything
 *   npm run bench -- --quick              # shorter runs
 *   npm run bench -- --only capacity,launch
 *   npm run bench -- --rate 40            # launch arrivals per second (default 20)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { renderLettersPdf } from '../src/delivery/pdf';
import { pdfsPerSecond } from './pdf';
import { appScenarios, closedLoop, CONNECTIONS, recordedSubmission } from './capacity';
import { benchGeo } from './geo';
import { campaignLaunch, type LaunchResult } from './launch';
import { outboxThroughput } from './outbox';
import {
  buildApp,
  importData,
  memoryOf,
  ROOT,
  startApp,
  startBaseline,
  stopServer,
  type ServerProcess,
} from './servers';
import { benchStats } from './stats';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rate: { type: 'string', default: '20' },
  },
});
const QUICK = args.quick;
type Section = 'capacity' | 'launch' | 'outbox' | 'pdf' | 'geo' | 'stats';
const wanted = (section: Section) => !args.only || args.only.split(',').includes(section);
const DURATION_S = QUICK ? 3 : 8;
const WARMUP_S = QUICK ? 1 : 3;
/** The deployed minimum time between opening the letter page and saving it, plus a little. */
const LAUNCH_PAUSE_MS = 3200;
const MIRROR = process.env.CIVIC_DATA_FROM ?? path.resolve(ROOT, '..', 'shared', 'data');
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function capacity(dataDir: string) {
  const baselineServer = await startBaseline();
  const server = await startApp({ dataDir, asDeployed: false });
  try {
    const submission = await recordedSubmission(server);
    const timing = { durationS: DURATION_S, warmupS: WARMUP_S };
    const baseline = await closedLoop(
      'baseline: plain Express JSON',
      baselineServer,
      { url: `${baselineServer.url}/baseline` },
      timing,
    );
    const rows = [baseline];
    for (const scenario of appScenarios(server, submission))
      rows.push(await closedLoop(scenario.name, server, scenario.options, timing));
    for (const r of rows)
      r.cpuTimesBaseline = Math.round((r.serverCpuUsPerRequest / baseline.serverCpuUsPerRequest) * 10) / 10;
    const save = rows.find((r) => r.name === 'POST save letters')!;
    const memory = memoryOf(server.child.pid);
    return {
      rows,
      lettersPerBatch: submission.lettersPerBatch,
      savedLettersPerSecond: save.requestsPerSecond * submission.lettersPerBatch,
      rssMB: Math.round(memory.rss / 2 ** 20),
      peakRssMB: Math.round(memory.peak / 2 ** 20),
    };
  } finally {
    await stopServer(server);
    await stopServer(baselineServer);
  }
}

async function launchOnSqlite(dataDir: string, rate: number, seconds: number): Promise<LaunchResult> {
  const server = await startApp({ dataDir, asDeployed: true });
  try {
    return await campaignLaunch([server], { rate, seconds, pauseMs: LAUNCH_PAUSE_MS });
  } finally {
    await stopServer(server);
  }
}

async function launchOnPostgres(
  dataDir: string,
  rate: number,
  seconds: number,
): Promise<LaunchResult | { error: string }> {
  const database = `dc_bench_${process.pid}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    return { error: `PostgreSQL not reachable at ${POSTGRES_URL}: ${String(error)}` };
  }
  await admin.query(`create database ${database}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const servers: ServerProcess[] = [];
  try {
    // The first instance migrates; the second starts on the migrated database.
    servers.push(await startApp({ dataDir, asDeployed: true, databaseUrl: url.toString() }));
    servers.push(await startApp({ dataDir, asDeployed: true, databaseUrl: url.toString() }));
    return await campaignLaunch(servers, { rate, seconds, pauseMs: LAUNCH_PAUSE_MS, firstVisitor: 100_000 });
  } finally {
    for (const s of servers) await stopServer(s);
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

function printLaunch(name: string, r: LaunchResult | { error: string }): void {
  if ('error' in r) {
    console.log(`${name}: ${r.error}`);
    return;
  }
  const failed =
    Object.entries(r.failed)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ') || 'none';
  console.log(
    `${name}: ${r.journeysPerSecond} journeys/s for ${r.seconds} s on ${r.instances} instance(s): ${r.completed}/${r.started} completed, failed: ${failed}; ` +
      `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (lookup ${r.steps.lookup.p99Ms}, letter page ${r.steps.letterPage.p99Ms}, review ${r.steps.review.p99Ms}, save ${r.steps.save.p99Ms}, letters page ${r.steps.lettersPage.p99Ms}); server CPU ${r.serverCpuMsPerJourney} ms per journey`,
  );
}

async function main(): Promise<void> {
  buildApp(ROOT, { typeCheck: true });
  const dataDir = importData(ROOT, MIRROR);
  process.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const rate = Number(args.rate);
  const launchSeconds = QUICK ? 5 : 20;
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
  };

  if (wanted('capacity')) {
    const c = await capacity(dataDir);
    results.capacity = c;
    console.log(
      `\nClosed loop, ${CONNECTIONS} connections, ${DURATION_S} s, each request from a client of its own\n`,
    );
    console.log('| Scenario | req/s | p99 ms | errors | server CPU µs/req | × baseline CPU |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of c.rows)
      console.log(
        `| ${r.name} | ${r.requestsPerSecond} | ${r.p99Ms} | ${r.errors} | ${r.serverCpuUsPerRequest} | ${r.cpuTimesBaseline} |`,
      );
    console.log(
      `\nSaved letters per second: ${c.savedLettersPerSecond} (${c.lettersPerBatch} a batch); RSS after load ${c.rssMB} MB (peak ${c.peakRssMB} MB)`,
    );
  }
  if (wanted('launch')) {
    const sqlite = await launchOnSqlite(dataDir, rate, launchSeconds);
    printLaunch('\nLaunch, SQLite', sqlite);
    const postgres = await launchOnPostgres(dataDir, rate, launchSeconds);
    printLaunch('Launch, PostgreSQL', postgres);
    results.launch = { sqlite, postgres };
  }
  if (wanted('outbox')) {
    const outbox = await outboxThroughput(dataDir, QUICK ? 30 : 100);
    results.outbox = outbox;
    console.log(
      `\nOutbox: ${outbox.emailsDelivered} emails in ${outbox.seconds} s after ${outbox.batches} confirmations: ${outbox.emailsPerSecond} emails/s; server CPU ${outbox.serverCpuMsPerEmail} ms per email; RSS after ${outbox.rssMB} MB (peak ${outbox.peakRssMB} MB)`,
    );
  }
  if (wanted('pdf')) {
    results.pdfsPerSecond = await pdfsPerSecond(renderLettersPdf);
    console.log(`PDFs per second: ${String(results.pdfsPerSecond)}`);
  }
  if (wanted('geo')) {
    results.geo = await benchGeo(dataDir, { mirror: MIRROR }).catch((e: unknown) => ({ error: String(e) }));
    console.log(`geo: ${JSON.stringify(results.geo)}`);
  }
  if (wanted('stats')) {
    results.stats = await benchStats({ letters: QUICK ? 20_000 : 200_000 }).catch((e: unknown) => ({
      error: String(e),
    }));
    console.log(`stats: ${JSON.stringify(results.stats)}`);
  }
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
