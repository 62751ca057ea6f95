/**
 * bench/outbox: how fast the outbox empties a backlog into a real SMTP server on this machine. People save
 * letters and ask to email them; once every confirmation email has arrived, all the links are opened at
 * once, as after a newsletter, and the bench counts the letters and copies the SMTP server receives per
 * second until the backlog is gone.
 */
import { SmtpSink } from '../tests/helpers/smtp-sink';
import { PEOPLE, personName, writeLetters } from './journey';
import { cpuMsOf, memoryOf, startApp, stopServer, type ServerProcess } from './servers';
import { fillForm, formsOf, loopbackAddress, Visitor } from './visitor';

export interface OutboxResult {
  batches: number;
  emailsDelivered: number;
  emailsPerSecond: number;
  seconds: number;
  /** Server CPU per email sent (rendering, PDF, SMTP, bookkeeping): less noisy than the rate on a shared machine. */
  serverCpuMsPerEmail: number;
  /** The server's resident memory once the backlog is gone, and its peak (PDF threads included). */
  rssMB: number;
  peakRssMB: number;
}

async function inParallel<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function outboxThroughput(
  dataDir: string,
  batches: number,
  root?: string,
): Promise<OutboxResult> {
  const sink = await SmtpSink.start();
  let server: ServerProcess | undefined;
  try {
    server = await startApp({ root, dataDir, asDeployed: false, smtpUrl: sink.url });
    const app = server;
    // 1. Letters saved and confirmation emails requested.
    await inParallel(batches, 8, async (i) => {
      const visitor = new Visitor(app.url, loopbackAddress(i));
      try {
        const email = `outbox${i}@example.org`;
        const journey = await writeLetters(
          visitor,
          PEOPLE[i % PEOPLE.length]!,
          { name: personName(i), email },
          0,
        );
        if (!journey.ok)
          throw new Error(
            `journey failed at ${journey.failedAt} (${journey.status}): ${journey.problem ?? ''}`,
          );
        const page = await visitor.request('GET', journey.batchPath!);
        const asked = await visitor.submit(fillForm(page.body, /\/email$/));
        if (asked.status !== 303)
          throw new Error(`asking for the confirmation email answered ${asked.status}`);
      } finally {
        visitor.close();
      }
    });
    const links = () =>
      sink.messages
        .map((m) => /https?:\/\/[^\s"<>]+\/letters\/confirm\/[A-Za-z0-9_-]+/.exec(m.parsed.text ?? '')?.[0])
        .filter((link): link is string => Boolean(link));
    await waitFor(() => links().length >= batches, 120_000, 'the confirmation emails');

    // 2. Every link opened at once; the backlog drains.
    const before = sink.messages.length;
    const cpuBefore = cpuMsOf(app.child.pid);
    const started = performance.now();
    let lastArrival = started;
    sink.on('message', () => (lastArrival = performance.now()));
    await inParallel(batches, 8, async (i) => {
      const visitor = new Visitor(app.url, loopbackAddress(batches + i));
      try {
        const opened = await visitor.request('GET', links()[i]!);
        // A confirmation page with a button (a person, not a link scanner, confirms): press it.
        const button = formsOf(opened.body).find((f) => /confirm/.test(f.action) && f.method === 'post');
        if (opened.status === 200 && button) await visitor.submit(button);
      } finally {
        visitor.close();
      }
    });
    let count = sink.messages.length;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      if (sink.messages.length === count) break;
      count = sink.messages.length;
    }
    const delivered = count - before;
    const cpuMs = cpuMsOf(app.child.pid) - cpuBefore;
    const seconds = (lastArrival - started) / 1000;
    const memory = memoryOf(app.child.pid);
    return {
      batches,
      emailsDelivered: delivered,
      emailsPerSecond: Math.round(delivered / Math.max(seconds, 0.001)),
      seconds: Math.round(seconds * 100) / 100,
      serverCpuMsPerEmail: Math.round((cpuMs / Math.max(1, delivered)) * 10) / 10,
      rssMB: Math.round(memory.rss / 2 ** 20),
      peakRssMB: Math.round(memory.peak / 2 ** 20),
    };
  } finally {
    await stopServer(server);
    await sink.stop();
  }
}
