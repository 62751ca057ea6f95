/**
 * bench/run: `npm run bench`. Compiles the app and measures it as deployed (docs/performance.md):
 *
 *   capacity   closed loop, one client, rate limits off: server CPU per request against a plain Express
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
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { renderLettersPdf } from '../src/delivery/pdf';
import { benchGeo } from './geo';
import { CAMPAIGN, PEOPLE } from './journey';
import { campaignLaunch, type LaunchResult } from './launch';
import { outboxThroughput } from './outbox';
import { cpuMsOf, ROOT, rssOf, startApp, startBaseline, stopServer, type ServerProcess } from './servers';
import { benchStats } from './stats';
import { fillForm, Visitor } from './visitor';

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
const CONNECTIONS = 20;
/** The deployed minimum time between opening the letter page and saving it, plus a little. */
const LAUNCH_PAUSE_MS = 3200;
const MIRROR = process.env.CIVIC_DATA_FROM ?? path.resolve(ROOT, '..', 'shared', 'data');
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface ClosedLoopResult {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  serverCpuUsPerRequest: number;
  /** Server CPU per request divided by the plain Express route's. */
  cpuTimesBaseline?: number;
}

async function closedLoop(
  name: string,
  server: ServerProcess,
  options: autocannon.Options,
): Promise<ClosedLoopResult> {
  await autocannon({ connections: CONNECTIONS, duration: WARMUP_S, timeout: 10, ...options });
  const cpuBefore = cpuMsOf(server.child.pid);
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    ...options,
  });
  const cpuMs = cpuMsOf(server.child.pid) - cpuBefore;
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    // autocannon counts a 303 as non-2xx: the submission's answers are checked separately.
    errors: result.errors + result.timeouts + (options.method === 'POST' ? 0 : result.non2xx),
    serverCpuUsPerRequest: Math.round((cpuMs * 1000) / Math.max(1, result.requests.total)),
  };
}

async function importedData(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-data-'));
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'data-update.ts')], {
    cwd: ROOT,
    // The mirror's files carry no date: the test fixture's manifest gives the member snapshot's.
    env: {
      ...process.env,
      CIVIC_DATA_FROM: MIRROR,
      CIVIC_DATA_MANIFEST: path.join(ROOT, 'tests', 'fixtures', 'civic', 'mirror-manifest.json'),
      DATA_DIR: dir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

async function capacity(dataDir: string) {
  const baselineServer = await startBaseline();
  const server = await startApp({ dataDir, asDeployed: false });
  try {
    const person = PEOPLE[0]!;
    const query = `address=${encodeURIComponent(person.address)}`;
    const visitor = new Visitor(server.url, '127.0.0.1');
    const page = await visitor.request('GET', `/campaigns/${CAMPAIGN}/write?${query}`);
    const filled = fillForm(page.body, /\/review$/, {
      prefix: 'Ms.',
      name: 'Ana Núñez',
      email: 'ana@example.org',
      street: person.street,
      city: person.city,
      state: person.state,
      zip: person.zip,
      personalNote: 'I am a parent.',
    });
    const review = await visitor.submit(filled);
    const form = fillForm(review.body, /\/letters$/);
    const lettersPerBatch = form.fields.filter(([name]) => name === 'member').length;
    const body = new URLSearchParams(form.fields).toString();
    const check = await visitor.submit(form);
    if (check.status !== 303) throw new Error(`a submission answered ${check.status}, not 303`);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: visitor.cookieHeader() };
    visitor.close();

    const baseline = await closedLoop('baseline: plain Express JSON', baselineServer, {
      url: `${baselineServer.url}/baseline`,
    });
    const rows = [baseline];
    rows.push(
      await closedLoop('GET /api/representatives?zip=62704', server, {
        url: `${server.url}/api/representatives?zip=62704`,
      }),
    );
    rows.push(
      await closedLoop('GET letter page', server, {
        url: `${server.url}/campaigns/${CAMPAIGN}/write?${query}`,
      }),
    );
    const save = await closedLoop('POST save letters', server, {
      url: `${server.url}/campaigns/${CAMPAIGN}/letters`,
      method: 'POST',
      headers,
      body,
    });
    rows.push(save);
    rows.push(
      await closedLoop('GET /api/campaigns/:slug/stats', server, {
        url: `${server.url}/api/campaigns/${CAMPAIGN}/stats`,
      }),
    );
    for (const r of rows)
      r.cpuTimesBaseline = Math.round((r.serverCpuUsPerRequest / baseline.serverCpuUsPerRequest) * 10) / 10;
    return {
      rows,
      lettersPerBatch,
      savedLettersPerSecond: save.requestsPerSecond * lettersPerBatch,
      rssMB: Math.round(rssOf(server.child.pid) / 2 ** 20),
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

async function pdfsPerSecond(): Promise<number> {
  const letter = {
    sender: { name: 'Ana Núñez', street: '100 Main St', city: 'Springfield', state: 'IL', zip: '62704' },
    date: 'November 28, 2026',
    recipientAddress: ['The Honorable Jane Doe', 'United States Senate', 'Washington, DC 20510'],
    salutation: 'Dear Senator Doe:',
    body: Array.from(
      { length: 6 },
      (_, i) => `Paragraph ${i + 1}. ${'I am writing as your constituent. '.repeat(8)}`,
    ).join('\n\n'),
    closing: 'Sincerely,',
    subject: 'A letter from a constituent',
  };
  await renderLettersPdf([letter]);
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < 3000) {
    await renderLettersPdf([letter]);
    count += 1;
  }
  return Math.round((count / (performance.now() - started)) * 10_000) / 10;
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
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const dataDir = await importedData();
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
    console.log(`\nClosed loop, ${CONNECTIONS} connections, ${DURATION_S} s, rate limits off\n`);
    console.log('| Scenario | req/s | p99 ms | errors | server CPU µs/req | × baseline CPU |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of c.rows)
      console.log(
        `| ${r.name} | ${r.requestsPerSecond} | ${r.p99Ms} | ${r.errors} | ${r.serverCpuUsPerRequest} | ${r.cpuTimesBaseline} |`,
      );
    console.log(
      `\nSaved letters per second: ${c.savedLettersPerSecond} (${c.lettersPerBatch} a batch); RSS after load ${c.rssMB} MB`,
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
      `\nOutbox: ${outbox.emailsDelivered} emails in ${outbox.seconds} s after ${outbox.batches} confirmations: ${outbox.emailsPerSecond} emails/s; server CPU ${outbox.serverCpuMsPerEmail} ms per email`,
    );
  }
  if (wanted('pdf')) {
    results.pdfsPerSecond = await pdfsPerSecond();
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
