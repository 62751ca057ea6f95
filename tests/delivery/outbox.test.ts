/**
 * The outbox and its worker against a real SMTP server: temporary failures retried with back-off,
 * permanent failures recorded on the letter, a server that is down, attempts exhausted, expired leases
 * reclaimed, a stale worker kept from overwriting, graceful shutdown; and on PostgreSQL, two workers never
 * claiming the same row.
 */
import fs from 'node:fs';
import os from 'node:os';
import { findBatch } from '../../src/letters/letter-store';
import { createMailTransport } from '../../src/delivery/mailer';
import {
  backoffDelay,
  claimDueMessages,
  DEFAULT_BACKOFF,
  enqueueMessage,
  markSent,
  requeueFailed,
} from '../../src/delivery/outbox';
import { createOutboxWorker } from '../../src/delivery/outbox-worker';
import { ManualClock } from '../helpers/clock';
import { newId } from '../../src/platform/ids';
import { inWriteTransaction, openStorage, type Storage } from '../../src/storage/database';
import type { RecordAction } from '../../src/tracking/record-action';
import { describeEachStorage, describePostgres } from '../helpers/postgres';
import {
  CAMPAIGN_INBOX,
  CANTWELL_INBOX,
  createHarness,
  drain,
  insertBatch,
  members,
  openTestStorage,
  silentLogger,
  tokenFromText,
  useSinkAndStorage,
} from './email-fixtures';

const SECOND = 1000;

async function outboxRows(storage: Storage) {
  return storage.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id').execute();
}

describe('backoffDelay', () => {
  test('when attempts fail, then the delay doubles from 30 s up to 1 h, reduced by at most the jitter', () => {
    const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => backoffDelay(n, noJitter) / SECOND)).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600,
    ]);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(30 * SECOND);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999999)).toBeGreaterThanOrEqual(24 * SECOND);
  });
});

describe('outbox worker on sqlite', () => {
  const suite = useSinkAndStorage('sqlite');
  beforeEach(async () => {
    suite.sink.delayData(0);
    await suite.sink.restart();
  });

  /** A confirmed one-letter batch (to Cantwell), with the confirmation email already delivered. */
  async function confirmedLetter(h: Awaited<ReturnType<typeof createHarness>>) {
    const { batchId, letterIds } = await insertBatch(h.storage, h.clock, {}, [members.cantwell]);
    await h.service.requestEmailConfirmation({ batchId });
    await drain(h.worker);
    await h.service.confirmBatch(tokenFromText(suite.sink.messages.at(-1)!.parsed.text));
    suite.sink.messages.length = 0;
    return { batchId, letterId: letterIds[0]! };
  }

  test('when the server answers 4xx once, then the message is retried after 30 s and delivered once', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const { letterId } = await confirmedLetter(h);
    suite.sink.failNext(1, 451, { to: CANTWELL_INBOX });
    expect(await drain(h.worker)).toBe(2);
    let [office] = await outboxRows(h.storage).then((rows) => rows.filter((r) => r.kind === 'office'));
    expect(office).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'smtp_451',
      lease_owner: null,
    });
    expect(office!.next_attempt_at).toBe(new Date(h.clock.now().getTime() + 30 * SECOND).toISOString());
    expect((await findBatch(h.storage.db, office!.batch_id))[0]).toMatchObject({
      status: 'queued',
      status_reason: 'retrying: smtp_451',
    });

    // The sender copy is independent and went out; the office copy waits for its back-off.
    expect(suite.sink.messages.map((m) => m.envelopeTo[0])).toEqual(['zoe@example.net']);
    h.clock.advance(30 * SECOND - 1);
    expect(await h.worker.runOnce()).toBe(0);
    h.clock.advance(1);
    h.clock.advance(30 * SECOND);
    await drain(h.worker);
    [office] = await outboxRows(h.storage).then((rows) => rows.filter((r) => r.kind === 'office'));
    expect(office).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    const delivered = suite.sink.messages.filter((m) => m.envelopeTo[0] === CANTWELL_INBOX);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.messageId).toBe(`<${office!.id}@letters.example.org>`);
    const letter = (await findBatch(h.storage.db, office!.batch_id))[0]!;
    expect(letter).toMatchObject({ id: letterId, status: 'sent' });
  });

  test('when the server answers 5xx, then the message and the letter fail with the reason', async () => {
    const h = await createHarness(suite.db.storage, suite.sink, { batchSize: 1 });
    const { batchId } = await confirmedLetter(h);
    suite.sink.failNext(1, 550, { to: CANTWELL_INBOX });
    await drain(h.worker);
    const office = (await outboxRows(h.storage)).find((r) => r.kind === 'office')!;
    expect(office).toMatchObject({ status: 'failed', attempts: 1, last_error: 'smtp_550' });
    const [letter] = await findBatch(h.storage.db, batchId);
    expect(letter).toMatchObject({ status: 'failed', status_reason: 'smtp_550', delivered_at: null });
    const status = await h.service.getBatchStatus(batchId);
    expect(status.letters[0]).toMatchObject({
      status: 'failed',
      statusReason: 'smtp_550',
      channels: { emailed: false },
    });

    // An operator can queue it again once the cause is fixed.
    expect(await requeueFailed(h.storage, h.clock.now(), { batchId })).toBe(1);
    await drain(h.worker);
    expect((await findBatch(h.storage.db, batchId))[0]!.status).toBe('sent');
  });

  test('when the server is down, then messages stay queued with back-off and go out once it is back', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await confirmedLetter(h);
    await suite.sink.stop();
    expect(await drain(h.worker)).toBe(2);
    let rows = await outboxRows(h.storage);
    const pending = rows.filter((r) => r.kind !== 'confirmation');
    expect(pending.every((r) => r.status === 'queued' && r.attempts === 1)).toBe(true);
    expect(pending.every((r) => r.last_error === 'connection_refused')).toBe(true);

    h.clock.advance(30 * SECOND);
    expect(await drain(h.worker)).toBe(2);
    rows = await outboxRows(h.storage);
    expect(rows.filter((r) => r.kind !== 'confirmation').every((r) => r.attempts === 2)).toBe(true);
    h.clock.advance(30 * SECOND);
    expect(await h.worker.runOnce()).toBe(0); // second back-off is 60 s

    await suite.sink.restart();
    h.clock.advance(30 * SECOND);
    expect(await drain(h.worker)).toBe(2);
    rows = await outboxRows(h.storage);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(suite.sink.messages).toHaveLength(2);
    expect((await findBatch(h.storage.db, batchId))[0]).toMatchObject({
      status: 'sent',
      status_reason: null,
    });
  });

  test('when every attempt fails temporarily, then the message fails after maxAttempts', async () => {
    const h = await createHarness(suite.db.storage, suite.sink, { maxAttempts: 2, batchSize: 1 });
    const { batchId } = await confirmedLetter(h);
    suite.sink.failNext(2, 421, { to: CANTWELL_INBOX });
    await drain(h.worker); // office attempt 1 fails; the sender copy goes out
    h.clock.advance(30 * SECOND);
    await drain(h.worker); // office attempt 2 fails for good
    const office = (await outboxRows(h.storage)).find((r) => r.kind === 'office')!;
    expect(office).toMatchObject({ status: 'failed', attempts: 2 });
    expect(office.last_error).toBe('gave_up_after_2_attempts: smtp_421');
    expect((await findBatch(h.storage.db, batchId))[0]!.status).toBe('failed');
  });

  test('when a worker dies holding a lease, then another reclaims the row after it expires; the stale one cannot record', async () => {
    const h = await createHarness(suite.db.storage, suite.sink, { leaseMs: 10 * SECOND });
    await confirmedLetter(h);
    // "Worker A" claims both rows and dies.
    const claimed = await claimDueMessages(h.storage, 'worker-a', 10, h.clock.now(), 5 * SECOND);
    expect(claimed).toHaveLength(2);
    expect(await h.worker.runOnce()).toBe(0);
    h.clock.advance(5 * SECOND + 1);
    expect(await drain(h.worker)).toBe(2);
    const rows = (await outboxRows(h.storage)).filter((r) => r.kind !== 'confirmation');
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 2 && r.lease_owner === null)).toBe(true);
    // Worker A wakes up: its late "sent" must not touch the rows now owned or finished by another.
    const stale = await inWriteTransaction(h.storage, (trx) =>
      markSent(trx, rows[0]!.id, 'worker-a', h.clock.now()),
    );
    expect(stale).toBe(false);
    expect(suite.sink.messages).toHaveLength(2);
  });

  test('when the worker is stopped mid-send, then it finishes that message and hands the rest back', async () => {
    const h = await createHarness(suite.db.storage, suite.sink, { batchSize: 10, pollMs: 10_000 });
    await confirmedLetter(h);
    suite.sink.delayData(400);
    const received = new Promise<void>((resolve) => suite.sink.once('data-received', () => resolve()));
    h.worker.start();
    await received;
    await h.worker.stop();
    const rows = (await outboxRows(h.storage)).filter((r) => r.kind !== 'confirmation');
    const sent = rows.filter((r) => r.status === 'sent');
    const queued = rows.filter((r) => r.status === 'queued');
    expect(sent).toHaveLength(1);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ attempts: 0, lease_owner: null });
    expect(suite.sink.messages).toHaveLength(1);

    // A restart resumes the queue.
    suite.sink.delayData(0);
    const again = await createHarness(h.storage, suite.sink, { clock: h.clock });
    expect(await drain(again.worker)).toBe(1);
    expect(suite.sink.messages).toHaveLength(2);
  });

  test('when the worker sends three at a time over pooled connections, then three messages are in the server at once and each arrives once', async () => {
    const pooled = createMailTransport({
      smtpUrl: suite.sink.url,
      outboxDir: fs.mkdtempSync(`${os.tmpdir()}/dc-eml-`),
      timeoutMs: 5000,
      maxConnections: 3,
    });
    const h = await createHarness(suite.db.storage, suite.sink, { transport: pooled, concurrency: 3 });
    for (let i = 0; i < 3; i++) {
      const { batchId } = await insertBatch(h.storage, h.clock, {}, [members.cantwell]);
      await h.service.requestEmailConfirmation({ batchId });
    }
    await drain(h.worker);
    for (const mail of suite.sink.messages.splice(0))
      await h.service.confirmBatch(tokenFromText(mail.parsed.text));
    suite.sink.delayData(300);
    let mostAtOnce = 0;
    const before = suite.sink.dataReceived - suite.sink.messages.length;
    const watch = () =>
      (mostAtOnce = Math.max(mostAtOnce, suite.sink.dataReceived - before - suite.sink.messages.length));
    suite.sink.on('data-received', watch);
    try {
      expect(await drain(h.worker)).toBe(6);
    } finally {
      suite.sink.off('data-received', watch);
      pooled.close();
    }
    expect(mostAtOnce).toBe(3);
    expect(new Set(suite.sink.messages.map((m) => m.messageId)).size).toBe(6);
    expect((await outboxRows(h.storage)).every((r) => r.status === 'sent')).toBe(true);
  });

  test('when the injected recordAction is a fake, then it is called once per office copy inside the sending transaction', async () => {
    const calls: Array<{ action: string; letterId: string | null; inTransaction: boolean }> = [];
    const fake: RecordAction = async (trx, input) => {
      calls.push({ action: input.action, letterId: input.letterId, inTransaction: trx.isTransaction });
      const row = await trx
        .selectFrom('outbox')
        .select('status')
        .where('kind', '=', 'office')
        .executeTakeFirst();
      expect(row?.status).toBe('sent'); // same transaction: sees the uncommitted 'sent'
      return true;
    };
    const h = await createHarness(suite.db.storage, suite.sink, { recordAction: fake });
    const { letterId } = await confirmedLetter(h);
    await drain(h.worker);
    expect(calls).toEqual([{ action: 'emailed', letterId, inTransaction: true }]);
  });

  test('when recordAction throws, then the row is not marked sent (rolled back) and is retried', async () => {
    let fail = true;
    const flaky: RecordAction = async () => {
      if (fail) throw new Error('counter table locked');
      return true;
    };
    const h = await createHarness(suite.db.storage, suite.sink, { recordAction: flaky });
    await confirmedLetter(h);
    await expect(h.worker.runOnce()).rejects.toThrow('counter table locked');
    let office = (await outboxRows(h.storage)).find((r) => r.kind === 'office')!;
    expect(office.status).toBe('sending'); // lease will expire; the message may go out again, same Message-ID
    fail = false;
    h.clock.advance(5 * 60 * SECOND + 1);
    await drain(h.worker);
    office = (await outboxRows(h.storage)).find((r) => r.kind === 'office')!;
    expect(office.status).toBe('sent');
    const copies = suite.sink.messages.filter((m) => m.envelopeTo[0] === CANTWELL_INBOX);
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
  });

  test('when a message was rendered for a deleted letter, then it fails permanently without sending', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await confirmedLetter(h);
    await h.storage.db
      .updateTable('letters')
      .set({ body: null, sender_email: null, sender_name: null, purged_at: h.clock.now().toISOString() })
      .execute();
    await drain(h.worker);
    const rows = (await outboxRows(h.storage)).filter((r) => r.kind !== 'confirmation');
    expect(rows.every((r) => r.status === 'failed' && r.last_error === 'personal_data_deleted')).toBe(true);
    expect(suite.sink.messages).toHaveLength(0);
    expect((await findBatch(h.storage.db, batchId))[0]!.status).toBe('failed');
  });

  test('when the file transport is used (no SMTP_URL), then .eml files appear named by Message-ID', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const fileWorker = createOutboxWorker({
      storage: h.storage,
      transport: createMailTransport({ outboxDir: h.outboxDir }),
      clock: h.clock,
      logger: silentLogger,
      renderMessage: async (row) => ({
        messageId: `<${row.id}@letters.example.org>`,
        from: 'letters@campaign.example.org',
        to: [CAMPAIGN_INBOX],
        subject: 'x',
        text: 'x',
        html: '<p>x</p>',
      }),
      recordAction: async () => true,
    });
    const id = newId();
    await enqueueMessage(h.storage.db, {
      id,
      kind: 'confirmation',
      batchId: 'b',
      letterId: null,
      at: h.clock.now(),
    });
    expect(await fileWorker.runOnce()).toBe(1);
    expect(fs.readdirSync(h.outboxDir)).toEqual([`${id}@letters.example.org.eml`]);
  });
});

describePostgres('outbox claims on postgres', () => {
  test('when two workers claim concurrently, then no row is claimed by both', async () => {
    const first = await openTestStorage('postgres');
    // A second, independent connection pool to the same database.
    const pgUrl = await first.storage.db
      .selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name'))
      .executeTakeFirstOrThrow();
    const second = await openStorage({
      kind: 'postgres',
      url: `postgres://postgres@127.0.0.1:5432/${pgUrl.name}`,
    });
    try {
      const clock = new ManualClock();
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        ids.push(
          await enqueueMessage(first.storage.db, {
            kind: 'office',
            batchId: 'b',
            letterId: null,
            at: clock.now(),
          }),
        );
      }
      const claimedBy = new Map<string, string[]>();
      async function loop(storage: Storage, worker: string) {
        for (;;) {
          const rows = await claimDueMessages(storage, worker, 3, clock.now(), 60_000);
          if (rows.length === 0) return;
          for (const r of rows) claimedBy.set(r.id, [...(claimedBy.get(r.id) ?? []), worker]);
        }
      }
      await Promise.all([
        loop(first.storage, 'a'),
        loop(second, 'b'),
        loop(first.storage, 'c'),
        loop(second, 'd'),
      ]);
      expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());
      expect([...claimedBy.values()].every((owners) => owners.length === 1)).toBe(true);
      const owners = new Set([...claimedBy.values()].map((o) => o[0]));
      expect(owners.size).toBeGreaterThan(1);
      const rows = await first.storage.db.selectFrom('outbox').select(['attempts', 'status']).execute();
      expect(rows.every((r) => r.attempts === 1 && r.status === 'sending')).toBe(true);
    } finally {
      await second.close();
      await first.drop();
    }
  });
});

describeEachStorage('the order of claims on %s', (kind) => {
  test('when letters are backed up, then an expired lease comes first, then confirmations, then the rest oldest first', async () => {
    const opened = await openTestStorage(kind);
    const { storage } = opened;
    try {
      const clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
      const at = (seconds: number) => new Date(clock.now().getTime() + seconds * SECOND);
      const enqueue = (kindOf: 'office' | 'confirmation' | 'sender_copy', seconds: number) =>
        enqueueMessage(storage.db, { kind: kindOf, batchId: 'b', letterId: null, at: at(seconds) });
      const offices: string[] = [];
      for (let i = 0; i < 20; i++) offices.push(await enqueue('office', i));
      const copy = await enqueue('sender_copy', 20);
      const confirmations = [await enqueue('confirmation', 30), await enqueue('confirmation', 31)];
      const notYetDue = await enqueue('confirmation', 10_000);
      // Before the confirmations were due, a worker claimed the oldest office copy and died: its lease ran
      // out at +45 s.
      const [crashed] = await claimDueMessages(storage, 'dead-worker', 1, at(25), 20 * SECOND);
      expect(crashed!.id).toBe(offices[0]);

      const first = await claimDueMessages(storage, 'w', 5, at(61), 60 * SECOND);
      expect(first.map((r) => r.id)).toEqual([offices[0], ...confirmations, offices[1], offices[2]]);
      expect(first[0]).toMatchObject({ attempts: 2, lease_owner: 'w', status: 'sending' });
      const rest = await claimDueMessages(storage, 'w', 100, at(61), 60 * SECOND);
      expect(rest.map((r) => r.id)).toEqual([...offices.slice(3), copy]);
      expect(rest.map((r) => r.id)).not.toContain(notYetDue);
      expect(await claimDueMessages(storage, 'w', 5, at(61), 60 * SECOND)).toEqual([]);
    } finally {
      await opened.drop();
    }
  });
});
