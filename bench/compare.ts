/**
 * bench/compare: the same load against several builds of the app in one run, so that a shared machine's
 * noise lands on all of them. `--against` lists other checkouts of the project (git worktrees of earlier
 * commits, each with its own node_modules); the last side is this checkout. Each side is compiled and
 * imports the civic data with its own code and starts as its own image would; then every run goes round
 * the sides, starting one further each time, `--rounds` times. Reported: each side's median and its ratio
 * to the first side's; server CPU per request moves least with the machine's load.
 *
 *   npm run bench:compare -- --against ../bench-before
 *   npm run bench:compare -- --against ../bench-before,../bench-main --rounds 5 --only capacity,outbox
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  appScenarios,
  closedLoop,
  recordedSubmission,
  type ClosedLoopResult,
  type Submission,
} from './capacity';
import { campaignLaunch, type LaunchResult } from './launch';
import { outboxThroughput, type OutboxResult } from './outbox';
import { pdfsPerSecond, type RenderLettersPdf } from './pdf';
import * as apps from './servers';

const { values: args } = parseArgs({
  options: {
    against: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rate: { type: 'string', default: '20' },
  },
});
if (!args.against)
  throw new Error('--against <checkout>[,<checkout>] is required (git worktrees of other commits)');
type Section = 'capacity' | 'launch' | 'outbox' | 'pdf';
const wanted = (section: Section) => !args.only || args.only.split(',').includes(section);
const ROUNDS = Number(args.rounds);
const QUICK = args.quick;
const TIMING = QUICK ? { durationS: 3, warmupS: 1 } : { durationS: 8, warmupS: 3 };
const LAUNCH_SECONDS = QUICK ? 5 : 20;
/** The deployed minimum time between opening the letter page and saving it, plus a little. */
const LAUNCH_PAUSE_MS = 3200;
const MIRROR = process.env.CIVIC_DATA_FROM ?? path.resolve(apps.ROOT, '..', 'shared', 'data');

interface Build {
  /** The checkout's commit, with "+" when its files differ from it. */
  label: string;
  root: string;
  dataDir: string;
}

/** Per side (in the order of `builds`), the values of the rounds. */
type Samples = number[][];

function commitOf(root: string): string {
  const git = (...a: string[]) => execFileSync('git', ['-C', root, ...a], { encoding: 'utf8' }).trim();
  return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+' : ''}`;
}

/** Round r's order of the sides: one further round the circle each round (and with `shift`, each scenario). */
function order(count: number, r: number, shift = 0): number[] {
  return Array.from({ length: count }, (_, i) => (i + r + shift) % count);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 10) / 10);
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

/** Rows of "what | each side's median | each later side ÷ the first". */
class Table {
  readonly rows: Array<{ what: string; medians: number[]; samples: Samples }> = [];
  constructor(private readonly builds: Build[]) {}
  add(what: string, samples: Samples): void {
    this.rows.push({ what, medians: samples.map(median), samples });
  }
  /** One row per [what, value of a run], over every side's runs. */
  addEach<T>(runs: T[][], rows: Array<[string, (run: T) => number]>): void {
    for (const [what, value] of rows) this.add(what, samplesOf(runs, value));
  }
  print(): void {
    const labels = this.builds.map((b) => b.label);
    const ratios = labels.slice(1).map((l) => `${l} ÷ ${labels[0]}`);
    console.log(`\n| what (median of ${ROUNDS}) | ${[...labels, ...ratios].join(' | ')} |`);
    console.log(`|---|${[...labels, ...ratios].map(() => '---:').join('|')}|`);
    for (const r of this.rows) {
      const first = r.medians[0]!;
      const cells = [
        ...r.medians.map(round),
        ...r.medians.slice(1).map((m) => (first === 0 ? '' : (m / first).toFixed(2))),
      ];
      console.log(`| ${r.what} | ${cells.join(' | ')} |`);
    }
  }
}

function samplesOf<T>(runs: T[][], f: (x: T) => number): Samples {
  return runs.map((side) => side.map(f));
}

async function capacity(builds: Build[], table: Table): Promise<void> {
  const baselineServer = await apps.startBaseline();
  const servers: apps.ServerProcess[] = [];
  try {
    for (const b of builds)
      servers.push(await apps.startApp({ root: b.root, dataDir: b.dataDir, asDeployed: false }));
    const submissions: Submission[] = [];
    for (const server of servers) submissions.push(await recordedSubmission(server));
    const baseline: number[] = [];
    const runs = new Map<string, ClosedLoopResult[][]>();
    for (let r = 0; r < ROUNDS; r += 1) {
      const yardstick = await closedLoop(
        'baseline',
        baselineServer,
        { url: `${baselineServer.url}/baseline` },
        TIMING,
      );
      baseline.push(yardstick.serverCpuUsPerRequest);
      const scenarios = servers.map((server, i) => appScenarios(server, submissions[i]!));
      for (let s = 0; s < scenarios[0]!.length; s += 1) {
        for (const i of order(builds.length, r, s)) {
          const scenario = scenarios[i]![s]!;
          const result = await closedLoop(scenario.name, servers[i]!, scenario.options, TIMING);
          const entry = runs.get(scenario.name) ?? builds.map(() => []);
          entry[i]!.push(result);
          runs.set(scenario.name, entry);
          console.log(
            `  round ${r + 1} ${builds[i]!.label} ${scenario.name}: ${result.requestsPerSecond} req/s, ${result.serverCpuUsPerRequest} µs CPU/req, errors ${result.errors}`,
          );
        }
      }
    }
    const yardstickCpu = median(baseline);
    table.add(
      'plain Express JSON (yardstick), server CPU µs/req',
      builds.map(() => baseline),
    );
    for (const [name, entry] of runs) {
      table.addEach(entry, [
        [`${name}: req/s`, (x) => x.requestsPerSecond],
        [`${name}: server CPU µs/req`, (x) => x.serverCpuUsPerRequest],
        [`${name}: × yardstick CPU`, (x) => x.serverCpuUsPerRequest / yardstickCpu],
      ]);
      table.add(
        `${name}: errors (sum)`,
        entry.map((side) => [side.reduce((sum, x) => sum + x.errors, 0)]),
      );
      if (name === 'POST save letters')
        table.add(
          'saved letters per second (target ≥ 800)',
          entry.map((side, i) => side.map((x) => x.requestsPerSecond * submissions[i]!.lettersPerBatch)),
        );
    }
    const memory = servers.map((server) => apps.memoryOf(server.child.pid));
    table.add(
      'RSS after the capacity runs, MB',
      memory.map((m) => [mb(m.rss)]),
    );
    table.add(
      'peak RSS during the capacity runs, MB',
      memory.map((m) => [mb(m.peak)]),
    );
  } finally {
    for (const server of servers) await apps.stopServer(server);
    await apps.stopServer(baselineServer);
  }
}

async function launch(builds: Build[], table: Table, rate: number): Promise<void> {
  const runs: LaunchResult[][] = builds.map(() => []);
  const peaks: Samples = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const i of order(builds.length, r)) {
      const server = await apps.startApp({
        root: builds[i]!.root,
        dataDir: builds[i]!.dataDir,
        asDeployed: true,
      });
      try {
        const result = await campaignLaunch([server], {
          rate,
          seconds: LAUNCH_SECONDS,
          pauseMs: LAUNCH_PAUSE_MS,
        });
        runs[i]!.push(result);
        peaks[i]!.push(mb(apps.memoryOf(server.child.pid).peak));
        console.log(
          `  round ${r + 1} ${builds[i]!.label} launch: ${result.completed}/${result.started}, p99 ${result.p99Ms} ms, ${result.serverCpuMsPerJourney} ms CPU/journey`,
        );
      } finally {
        await apps.stopServer(server);
      }
    }
  }
  table.addEach(runs, [
    [`launch ${rate}/s for ${LAUNCH_SECONDS} s, SQLite: journeys completed (target all)`, (x) => x.completed],
    ['launch: journeys started', (x) => x.started],
    ['launch: p50 ms', (x) => x.p50Ms],
    ['launch: p99 ms', (x) => x.p99Ms],
    ['launch: server CPU ms per journey', (x) => x.serverCpuMsPerJourney],
  ]);
  table.add('launch: peak RSS, MB', peaks);
}

async function outbox(builds: Build[], table: Table): Promise<void> {
  const runs: OutboxResult[][] = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const i of order(builds.length, r)) {
      const result = await outboxThroughput(builds[i]!.dataDir, QUICK ? 30 : 100, builds[i]!.root);
      runs[i]!.push(result);
      console.log(
        `  round ${r + 1} ${builds[i]!.label} outbox: ${result.emailsDelivered} emails, ${result.emailsPerSecond}/s, ${result.serverCpuMsPerEmail} ms CPU/email, RSS ${result.rssMB} MB (peak ${result.peakRssMB})`,
      );
    }
  }
  table.addEach(runs, [
    ['outbox: emails per second (target ≥ 100)', (x) => x.emailsPerSecond],
    ['outbox: emails delivered', (x) => x.emailsDelivered],
    ['outbox: server CPU ms per email', (x) => x.serverCpuMsPerEmail],
    ['outbox: RSS after the backlog, MB', (x) => x.rssMB],
    ['outbox: peak RSS, MB', (x) => x.peakRssMB],
  ]);
}

async function pdf(builds: Build[], table: Table): Promise<void> {
  // Each side's own compiled module, so each draws with its own code.
  const render = builds.map((b) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(path.join(b.root, 'dist', 'src', 'delivery', 'pdf.js')) as {
      renderLettersPdf: RenderLettersPdf;
    };
    return compiled.renderLettersPdf;
  });
  const rates: Samples = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r += 1)
    for (const i of order(builds.length, r))
      rates[i]!.push(await pdfsPerSecond(render[i]!, QUICK ? 1000 : 3000));
  table.add('PDFs per second, one thread in the bench process', rates);
}

async function main(): Promise<void> {
  const roots = [...args.against!.split(',').map((dir) => path.resolve(dir)), apps.ROOT];
  const loadAtStart = os.loadavg();
  console.log(`load average at start: ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}`);
  for (const root of roots) apps.buildApp(root, { typeCheck: root === apps.ROOT });
  const builds: Build[] = roots.map((root) => ({
    label: commitOf(root),
    root,
    dataDir: apps.importData(root, MIRROR),
  }));
  process.once('exit', () => {
    for (const b of builds) fs.rmSync(b.dataDir, { recursive: true, force: true });
  });
  const table = new Table(builds);
  if (wanted('capacity')) await capacity(builds, table);
  if (wanted('launch')) await launch(builds, table, Number(args.rate));
  if (wanted('outbox')) await outbox(builds, table);
  if (wanted('pdf')) await pdf(builds, table);
  const loadAtEnd = os.loadavg();
  table.print();
  console.log(
    `\nload average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${loadAtEnd.map((x) => x.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  fs.writeFileSync(
    path.join(__dirname, 'compare-results.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        sides: builds.map(({ label, root }) => ({ label, root })),
        rounds: ROUNDS,
        quick: QUICK,
        loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
        rows: table.rows,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
