/**
 * Several instances on PostgreSQL, for real: two server processes share one database and one SMTP server.
 * 500 letters are submitted across both, each confirmed through its one-time link on either instance, and
 * each is delivered exactly once and counted once. Skipped with a visible message where no PostgreSQL
 * server answers (never in CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { clientAddress } from './helpers/app';
import { importedDataDir } from './helpers/civic-data';
import {
  askForConfirmation,
  confirmationPath,
  openWritePage,
  pressConfirm,
  saveLetters,
} from './helpers/letter-forms';
import { createTestPostgres, describePostgres, type TestPostgres } from './helpers/postgres';
import { SmtpSink } from './helpers/smtp-sink';
import { csrfTokenFrom } from './web/security-helpers';

const LETTERS = Number(process.env.MULTI_LETTERS ?? 500);
const ROOT = path.resolve(__dirname, '..');
// 500 letters through two servers compiled by tsx, about 2,500 requests and 1,000 emails, take more than
// four minutes on a busy two-core machine (npm run test:stress); the deadlines below only bound a failure.
jest.setTimeout(600_000);
const READY_WITHIN_MS = 180_000;
const DELIVERED_WITHIN_MS = 300_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function startInstance(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
    stdio: ['ignore', process.env.MULTI_DEBUG ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Started through tsx, an instance compiles src/ first: on a busy two-core machine that alone can take
  // longer than 20 s (npm run test:stress), so it gets most of the hook's time, and is stopped if it fails.
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`instance exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopInstance(child);
  throw new Error(`instance did not become ready within ${READY_WITHIN_MS} ms: ${stderr}`);
}

function stopInstance(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describePostgres('two instances on one PostgreSQL', () => {
  let pg: TestPostgres;
  let sink: SmtpSink;
  const instances: Array<{ url: string; child: ChildProcess }> = [];

  beforeAll(async () => {
    pg = await createTestPostgres();
    sink = await SmtpSink.start();
    const env = {
      NODE_ENV: 'test',
      MIN_FORM_FILL_MS: '0',
      DATA_DIR: await importedDataDir(),
      DATABASE_URL: pg.url,
      SMTP_URL: sink.url,
      APP_SECRET: 'multi-instance-test-secret-0123456789abcdef',
      OUTBOX_POLL_MS: '50',
      LOG_LEVEL: process.env.MULTI_DEBUG ? 'info' : 'silent',
      // Each writer from an address of their own (X-Forwarded-For), as the per-client limits expect.
      TRUST_PROXY: 'loopback',
      // 500 letters from one district in a minute: above the hourly cap they would wait for the organiser.
      COUNT_CAP_DISTRICT_PER_HOUR: '1000000',
      STATS_CACHE_MS: '0',
    };
    // Start one at a time, then together: both run migrations against the same fresh database.
    instances.push(...(await Promise.all([startInstance(env), startInstance(env)])));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => stopInstance(i.child)));
    await sink?.stop();
    await pg?.drop();
  });

  async function submitLetter(base: string, n: number): Promise<string> {
    const agent = request.agent(base).set('X-Forwarded-For', clientAddress(n));
    const { members, token } = await openWritePage(agent);
    const batchUrl = await saveLetters(
      agent,
      { token },
      {
        // Names are letters only (src/letters/letter.ts): the number spelled in letters a-j.
        name: `Writer ${[...String(n)].map((d) => String.fromCharCode(97 + Number(d))).join('')}`,
        email: `writer${n}@example.org`,
        member: members[0],
      },
    );
    await askForConfirmation(agent, { token }, batchUrl);
    return batchUrl;
  }

  async function inBatches<T>(
    items: T[],
    size: number,
    fn: (item: T, index: number) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < items.length; i += size) {
      await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)));
    }
  }

  test('when 500 letters are sent through two instances, then each is delivered exactly once and counted once', async () => {
    const numbers = Array.from({ length: LETTERS }, (_, i) => i);
    await inBatches(numbers, 25, async (n) => {
      await submitLetter(instances[n % 2]!.url, n);
    });

    const confirmations = await sink.waitForMessages(LETTERS, DELIVERED_WITHIN_MS);
    const links = confirmations.map((m) => confirmationPath(m.parsed.text));
    expect(new Set(links).size).toBe(LETTERS);
    // Each link is opened (and its button pressed) on the other instance than the one that sent it, half
    // the time.
    await inBatches(links, 25, async (link, i) => {
      const agent = request.agent(instances[(i + 1) % 2]!.url);
      const page = await agent.get(link).expect(200);
      await pressConfirm(agent, { token: csrfTokenFrom(page.text) }, link);
    });

    await sink.waitUntil(
      () =>
        sink.messages.filter((m) => m.envelopeTo.includes('letters@stop-csam.example.org')).length >= LETTERS,
      DELIVERED_WITHIN_MS,
      'office letters',
    );
    // Give a double delivery, if any were possible, time to show up.
    await new Promise((r) => setTimeout(r, 500));
    const office = sink.messages.filter((m) => m.envelopeTo.includes('letters@stop-csam.example.org'));
    expect(office).toHaveLength(LETTERS);
    expect(new Set(office.map((m) => m.messageId)).size).toBe(LETTERS);
    const writers = new Set(office.map((m) => m.parsed.replyTo?.value[0]?.address));
    expect(writers.size).toBe(LETTERS);

    for (const instance of instances) {
      const stats = (await request(instance.url).get('/api/campaigns/stop-csam/stats').expect(200)).body;
      expect(stats.total).toBe(LETTERS);
      expect(stats.byChannel.emailed).toBe(LETTERS);
    }
  });
});
