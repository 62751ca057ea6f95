/**
 * Crash safety: a worker process is killed with SIGKILL while the SMTP server holds its reply to DATA.
 * Another worker process takes over once the lease expires. Every message must arrive; the only possible
 * duplicate is the one in flight at the kill, and all its copies carry the same Message-ID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { sql } from 'kysely';
import { confirmationToken } from '../../src/delivery/confirmations';
import { findBatch } from '../../src/letters/letter-store';
import { systemClock } from '../../src/platform/clock';
import { ManualClock } from '../helpers/clock';
import { importedDataDir } from '../helpers/civic-data';
import { createEmailService } from '../../src/delivery/email-service';
import type { Storage } from '../../src/storage/database';
import { describeEachStorage } from '../helpers/postgres';
import { SmtpSink } from '../helpers/smtp-sink';
import { APP_SECRET, COUNT_CAPS, insertBatch, openTestStorage } from './email-fixtures';

jest.setTimeout(90_000);

interface Child {
  process: ChildProcess;
  events: Array<{ event: string; [key: string]: unknown }>;
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string | undefined>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/outbox-worker-process.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Child['events'] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Child['events'][number]);
    } catch {
      events.push({ event: 'text', line });
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null && stderr) console.error(stderr);
      resolve(code);
    }),
  );
  return { process: child, events, exited };
}

async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeEachStorage('crash safety on %s', (kind) => {
  let sink: SmtpSink;
  let db: { storage: Storage; drop(): Promise<void> } | null;
  const children: Child[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    await sink.stop();
  });
  beforeEach(async () => {
    db = await openTestStorage(kind);
  });
  afterEach(async () => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    children.length = 0;
    await db?.drop();
  });

  test('when a worker is killed mid-delivery, then every letter arrives, a possible duplicate carrying the same Message-ID', async () => {
    if (!db) return;
    const { storage } = db;
    // The service runs on the real clock, like the worker processes.
    const service = createEmailService({
      storage,
      clock: systemClock,
      appSecret: APP_SECRET,
      countCaps: COUNT_CAPS,
    });
    const batches = [];
    for (let i = 0; i < 2; i++) batches.push(await insertBatch(storage, new ManualClock(new Date())));
    for (const { batchId } of batches) {
      await service.requestEmailConfirmation({ batchId });
      const row = await storage.db
        .selectFrom('outbox')
        .select('id')
        .where('batch_id', '=', batchId)
        .where('kind', '=', 'confirmation')
        .executeTakeFirstOrThrow();
      await service.confirmBatch(confirmationToken(APP_SECRET, row.id));
    }
    const all = await storage.db.selectFrom('outbox').select(['id', 'kind']).execute();
    expect(all).toHaveLength(10); // 2 confirmation emails + 2 x 2 letters x (office + sender copy)

    const connection =
      kind === 'sqlite'
        ? { SQLITE_PATH: await sqlitePath(storage) }
        : { DATABASE_URL: await postgresUrl(storage) };
    const common = {
      ...connection,
      SMTP_URL: sink.url,
      DATA_DIR: await importedDataDir(),
      LEASE_MS: '1500',
      POLL_MS: '50',
    };

    // Worker A: the server holds each DATA reply for 400 ms; kill -9 while the 4th message waits for it.
    sink.delayData(400);
    const a = startWorker({ ...common, WORKER_ID: 'worker-a' });
    children.push(a);
    await waitFor(() => a.events.some((e) => e.event === 'ready'), 30_000, 'worker A to start');
    await waitFor(() => sink.dataReceived >= 4, 30_000, 'the 4th message to reach the server');
    a.process.kill('SIGKILL');
    await a.exited;
    const afterKill = await storage.db.selectFrom('outbox').selectAll().execute();
    const inFlight = afterKill.filter((r) => r.status === 'sending');
    expect(inFlight.length).toBeGreaterThanOrEqual(1);
    expect(inFlight.every((r) => r.lease_owner === 'worker-a')).toBe(true);
    expect(afterKill.filter((r) => r.status === 'sent')).toHaveLength(3);

    // Worker B starts later and reclaims the expired leases.
    sink.delayData(0);
    const b = startWorker({ ...common, WORKER_ID: 'worker-b' });
    children.push(b);
    await waitFor(
      async () => {
        const rows = await storage.db.selectFrom('outbox').select('status').execute();
        return rows.every((r) => r.status === 'sent');
      },
      45_000,
      'every message to be sent',
    ).catch((error: unknown) => {
      console.error(JSON.stringify(b.events.slice(0, 30), null, 1));
      throw error;
    });
    b.process.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.events.some((e) => e.event === 'stopped')).toBe(true);

    // Every outbox row arrived; the only Message-ID seen twice is the one in flight at the kill.
    const rows = await storage.db.selectFrom('outbox').selectAll().execute();
    const host = 'letters.example.org';
    const received = sink.byMessageId();
    expect([...received.keys()].sort()).toEqual(rows.map((r) => `<${r.id}@${host}>`).sort());
    const duplicated = [...received.entries()].filter(([, copies]) => copies.length > 1);
    expect(duplicated.length).toBeLessThanOrEqual(1);
    for (const [messageId, copies] of duplicated) {
      expect(inFlight.map((r) => `<${r.id}@${host}>`)).toContain(messageId);
      expect(new Set(copies.map((c) => c.parsed.subject)).size).toBe(1);
      expect(new Set(copies.map((c) => c.envelopeTo.join(','))).size).toBe(1);
    }
    // The exact-once part: one Message-ID per letter and kind, one 'emailed' count per letter.
    const letters = (await Promise.all(batches.map((b) => findBatch(storage.db, b.batchId)))).flat();
    expect(letters.every((l) => l.status === 'sent')).toBe(true);
    const emailed = await storage.db
      .selectFrom('actions')
      .select('letter_id')
      .where('action', '=', 'emailed')
      .execute();
    expect(emailed.map((e) => e.letter_id).sort()).toEqual(letters.map((l) => l.id).sort());
    const reclaimed = rows.filter((r) => inFlight.some((f) => f.id === r.id));
    expect(reclaimed.every((r) => r.attempts === 2)).toBe(true);
    console.info(
      `crash test (${kind}): ${sink.messages.length} deliveries for ${rows.length} messages, ${duplicated.length} duplicate(s) with the same Message-ID`,
    );
  });
});

/** The SQLite file behind a Storage. */
async function sqlitePath(storage: Storage): Promise<string> {
  const result = await sql<{ name: string; file: string }>`pragma database_list`.execute(storage.db);
  const main = result.rows.find((r) => r.name === 'main');
  if (!main?.file) throw new Error('no SQLite file');
  return main.file;
}

async function postgresUrl(storage: Storage): Promise<string> {
  const { name } = await storage.db
    .selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name'))
    .executeTakeFirstOrThrow();
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}
