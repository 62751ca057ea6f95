/**
 * bench/launch: a campaign launch, open loop. New people arrive at a fixed rate whatever the server's
 * speed (an email blast does not wait for the server), each walks the whole journey from an address of
 * their own, and the rate limits and minimum fill time are on as deployed. A closed-loop load generator
 * slows down when the server does and so hides queueing; this one does not.
 */
import { PEOPLE, personName, writeLetters, type JourneyResult, type Step } from './journey';
import { cpuMsOf, type ServerProcess } from './servers';
import { loopbackAddress, Visitor } from './visitor';

export interface LaunchOptions {
  /** New journeys per second. */
  rate: number;
  seconds: number;
  /** The pause between opening the letter page and saving it (at least the deployed minimum fill time). */
  pauseMs: number;
  /** First visitor number, so two runs against one database use different addresses. */
  firstVisitor?: number;
}

export interface LaunchResult {
  journeysPerSecond: number;
  seconds: number;
  instances: number;
  started: number;
  completed: number;
  failed: Record<string, number>;
  /** p50/p99 of every request of every journey, and of each step. */
  p50Ms: number;
  p99Ms: number;
  steps: Record<Step, { p50Ms: number; p99Ms: number }>;
  /** Server CPU (all instances) per journey, in ms. */
  serverCpuMsPerJourney: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

export async function campaignLaunch(
  servers: ServerProcess[],
  options: LaunchOptions,
): Promise<LaunchResult> {
  const cpuBefore = servers.reduce((sum, s) => sum + cpuMsOf(s.child.pid), 0);
  const total = Math.round(options.rate * options.seconds);
  const first = options.firstVisitor ?? 0;
  const started = performance.now();
  const journeys: Array<Promise<JourneyResult>> = [];
  for (let i = 0; i < total; i += 1) {
    // Arrivals on a fixed schedule: the i-th person arrives at i/rate seconds, late or not.
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = first + i;
    // A load balancer spreads people over the instances.
    const visitor = new Visitor(servers[n % servers.length]!.url, loopbackAddress(n));
    journeys.push(
      writeLetters(
        visitor,
        PEOPLE[n % PEOPLE.length]!,
        { name: personName(n), email: `visitor${n}@example.org` },
        options.pauseMs,
      )
        .catch((error: unknown): JourneyResult => ({
          ok: false,
          steps: {},
          status: -1,
          failedAt: 'lookup',
          batchPath: String(error),
        }))
        .finally(() => visitor.close()),
    );
  }
  const results = await Promise.all(journeys);
  const cpuMs = servers.reduce((sum, s) => sum + cpuMsOf(s.child.pid), 0) - cpuBefore;

  const all: number[] = [];
  const perStep: Record<Step, number[]> = {
    lookup: [],
    letterPage: [],
    review: [],
    save: [],
    lettersPage: [],
  };
  const failed: Record<string, number> = {};
  for (const r of results) {
    for (const [step, ms] of Object.entries(r.steps) as Array<[Step, number]>) {
      perStep[step].push(ms);
      all.push(ms);
    }
    if (!r.ok) {
      const key = `${r.failedAt}:${r.status}`;
      if (!(key in failed)) console.log(`  first ${key}: ${r.problem ?? ''}`);
      failed[key] = (failed[key] ?? 0) + 1;
    }
  }
  all.sort((a, b) => a - b);
  const steps = Object.fromEntries(
    (Object.entries(perStep) as Array<[Step, number[]]>).map(([step, values]) => {
      values.sort((a, b) => a - b);
      return [step, { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) }];
    }),
  ) as LaunchResult['steps'];
  return {
    journeysPerSecond: options.rate,
    seconds: options.seconds,
    instances: servers.length,
    started: total,
    completed: results.filter((r) => r.ok).length,
    failed,
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    steps,
    serverCpuMsPerJourney: Math.round((cpuMs / Math.max(1, total)) * 10) / 10,
  };
}
