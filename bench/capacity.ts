/**
 * bench/capacity: closed-loop runs (one client, rate limits off) and what they need: the server's CPU per
 * request from /proc, and a letter submission a person made, replayed as is.
 */
import autocannon from 'autocannon';
import { CAMPAIGN, PEOPLE } from './journey';
import { cpuMsOf, type ServerProcess } from './servers';
import { fillForm, Visitor } from './visitor';

export const CONNECTIONS = 20;

export interface ClosedLoopResult {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  serverCpuUsPerRequest: number;
  /** Server CPU per request divided by the plain Express route's. */
  cpuTimesBaseline?: number;
}

export async function closedLoop(
  name: string,
  server: ServerProcess,
  options: autocannon.Options,
  timing: { durationS: number; warmupS: number },
): Promise<ClosedLoopResult> {
  await autocannon({ connections: CONNECTIONS, duration: timing.warmupS, timeout: 10, ...options });
  const cpuBefore = cpuMsOf(server.child.pid);
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: timing.durationS,
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

export interface Submission {
  /** The letter page's query (the looked-up address). */
  query: string;
  /** The save form's body and headers (the CSRF cookie with it), replayable. */
  body: string;
  headers: Record<string, string>;
  lettersPerBatch: number;
}

/** One person's walk to the save form; its submission is checked once (303), then replayed by the load. */
export async function recordedSubmission(server: ServerProcess): Promise<Submission> {
  const person = PEOPLE[0]!;
  const query = `address=${encodeURIComponent(person.address)}`;
  const visitor = new Visitor(server.url, '127.0.0.1');
  try {
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
    const check = await visitor.submit(form);
    if (check.status !== 303) throw new Error(`a submission answered ${check.status}, not 303`);
    return {
      query,
      body: new URLSearchParams(form.fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: visitor.cookieHeader() },
      lettersPerBatch: form.fields.filter(([name]) => name === 'member').length,
    };
  } finally {
    visitor.close();
  }
}

/** The app's closed-loop scenarios, in the order they run, for a server and its recorded submission. */
export function appScenarios(
  server: ServerProcess,
  submission: Submission,
): Array<{ name: string; options: autocannon.Options }> {
  return [
    {
      name: 'GET /api/representatives?zip=62704',
      options: { url: `${server.url}/api/representatives?zip=62704` },
    },
    {
      name: 'GET letter page',
      options: { url: `${server.url}/campaigns/${CAMPAIGN}/write?${submission.query}` },
    },
    {
      name: 'POST save letters',
      options: {
        url: `${server.url}/campaigns/${CAMPAIGN}/letters`,
        method: 'POST',
        headers: submission.headers,
        body: submission.body,
      },
    },
    {
      name: 'GET /api/campaigns/:slug/stats',
      options: { url: `${server.url}/api/campaigns/${CAMPAIGN}/stats` },
    },
  ];
}
