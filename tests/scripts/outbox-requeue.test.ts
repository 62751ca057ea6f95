import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { enqueueMessage } from '../../src/delivery/outbox';
import { findBatch, setLetterStatus } from '../../src/letters/letter-store';
import { ManualClock } from '../helpers/clock';
import { openStorage, type Storage } from '../../src/storage/database';
import { main } from '../../scripts/outbox-requeue';
import { insertBatch } from '../delivery/email-fixtures';

const ROOT = path.join(__dirname, '../..');

describe('npm run outbox:requeue', () => {
  let dir: string;
  let env: Record<string, string>;
  let storage: Storage;
  const clock = new ManualClock();

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-requeue-'));
    env = { NODE_ENV: 'test', DATA_DIR: dir };
    storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'dear-congress.sqlite') });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A confirmed batch whose office emails failed for good, as the outbox worker leaves them. */
  async function failedBatch(): Promise<string> {
    const { batchId, letterIds } = await insertBatch(storage, clock);
    const at = clock.now();
    for (const letterId of letterIds) {
      await enqueueMessage(storage.db, { kind: 'office', batchId, letterId, at });
      await setLetterStatus(storage.db, letterId, 'failed', at.toISOString(), 'smtp_550');
    }
    await storage.db
      .updateTable('outbox')
      .set({ status: 'failed', attempts: 8, last_error: 'smtp_550' })
      .where('batch_id', '=', batchId)
      .execute();
    return batchId;
  }

  async function outboxOf(batchId: string) {
    return storage.db.selectFrom('outbox').selectAll().where('batch_id', '=', batchId).execute();
  }

  function quietIo() {
    const lines: string[] = [];
    return { lines, io: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
  }

  test('when given --batch, then only that batch is queued again, attempts reset, letters queued', async () => {
    const chosen = await failedBatch();
    const other = await failedBatch();
    const { lines, io } = quietIo();
    expect(await main([`--batch=${chosen}`], env, io)).toBe(0);
    expect(lines.join('\n')).toContain(`Re-queued 2 failed emails of batch ${chosen}`);

    expect(await outboxOf(chosen)).toEqual([
      expect.objectContaining({ status: 'queued', attempts: 0, last_error: null }),
      expect.objectContaining({ status: 'queued', attempts: 0, last_error: null }),
    ]);
    expect((await findBatch(storage.db, chosen)).map((l) => [l.status, l.status_reason])).toEqual([
      ['queued', null],
      ['queued', null],
    ]);
    expect((await outboxOf(other)).map((r) => r.status)).toEqual(['failed', 'failed']);
    expect((await findBatch(storage.db, other)).map((l) => l.status)).toEqual(['failed', 'failed']);
  });

  test('when given --all-failed, then every failed email is queued again', async () => {
    const first = await failedBatch();
    const second = await failedBatch();
    const { lines, io } = quietIo();
    expect(await main(['--all-failed'], env, io)).toBe(0);
    expect(lines.join('\n')).toContain('Re-queued 4 failed emails;');
    for (const batchId of [first, second]) {
      expect((await outboxOf(batchId)).map((r) => r.status)).toEqual(['queued', 'queued']);
    }
  });

  test('when given neither, both, or an unknown option, then it prints the usage and exits 2', async () => {
    const batchId = await failedBatch();
    for (const argv of [[], [`--batch=${batchId}`, '--all-failed'], ['--all'], ['--batch']]) {
      const { lines, io } = quietIo();
      expect(await main(argv, env, io)).toBe(2);
      expect(lines.join('\n')).toContain('Usage: npm run outbox:requeue -- --batch=BATCH_ID | --all-failed');
    }
    expect((await outboxOf(batchId)).map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  test('when a batch id begins with a dash (base64url, 1 in 64), then --batch=ID still takes it', async () => {
    const { lines, io } = quietIo();
    expect(await main(['--batch=-Xq3'], env, io)).toBe(0);
    expect(lines.join('\n')).toContain('Re-queued 0 failed emails of batch -Xq3');
  });

  test('when run through npm, then it re-queues and says how many', async () => {
    const batchId = await failedBatch();
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'outbox:requeue', '--', '--all-failed'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    expect(stdout).toContain('Re-queued 2 failed emails;');
    expect((await outboxOf(batchId)).map((r) => r.status)).toEqual(['queued', 'queued']);
  });
});
