/**
 * bench/capacity: closed-loop runs (one machine, each request from a client address of its own, so the rate
 * limits as deployed are never reached) and what they need: the server's CPU per request from /proc, and
 * a letter submission a person made, replayed as is.
 */
import autocannon from 'autocannon';
import { CAMPAIGN, PEOPLE } from './journey';
import { cpuMsOf, type ServerProcess } from './servers';
import { fillForm, Visitor } from './visitor';

export const CONNECTIONS = 20;

/**
 * The client addresses the requests take in turn (10.0.0.0/18): enough that at 20,000 lookups a second
 * none of them reaches the lookup limit of 60 a minute, few enough to keep the limiters' memory small.
 */
const CLIENTS = 16_384;
let client = 0;
const nextClient = () => {
  client = (client + 1) % CLIENTS;
  return `10.0.${client >> 8}.${client & 255}`;
};
/**
 * Each request with the next client address in X-Forwarded-For (the server trusts the loopback proxy).
 * A new object per run: autocannon keeps the run's headers on it.
 */
const fromManyClients = (): autocannon.Request => ({
  setupRequest: (request) => ({
    ...request,
    headers: { ...request.headers, 'x-forwarded-for': nextClient() },
  }),
});

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
  const run = (duration: number) =>
    autocannon({
      connections: CONNECTIONS,
      timeout: 10,
      requests: [fromManyClients()],
      ...options,
      duration,
    });
  await run(timing.warmupS);
  const cpuBefore = cpuMsOf(server.child.pid);
  const result = await run(timing.durationS);
  const cpuMs = cpuMsOf(server.child.pid) - cpuBefore;
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    // autocannon counts the submission's 303 as non-2xx: a POST fails with a 4xx or 5xx (429 included).
    errors:
      result.errors +
      result.timeouts +
      (options.method === 'POST' ? result['4xx'] + result['5xx'] : result.non2xx),
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
