/**
 * tracking/retention: personal data is kept only as long as needed. After `retentionDays`, letters in a
 * final state (sent, failed, or never confirmed) lose the sender's name, email, street, city, ZIP, title,
 * phone and the letter text; `purged_at` records when. Actions and counters never hold personal data, so
 * every count stays exactly as it was. The same purge serves the sender's "delete my data" link.
 * The purge is one idempotent UPDATE: several instances may run it at the same time. The "did they reply?"
 * question (src/replies) reads the email only until it closes, at the latest at this same retention date.
 */
import { purgePersonalData } from '../letters/letter-store';
import { forgetBatch } from '../replies/reply-store';
import { DAY_MS, type Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { Storage } from '../storage/database';

interface RetentionOptions {
  storage: Pick<Storage, 'db'>;
  clock: Clock;
  retentionDays: number;
}

/** Purges letters created more than retentionDays ago whose status is final; returns how many. */
export async function purgeExpiredPersonalData(options: RetentionOptions): Promise<number> {
  const now = options.clock.now();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS).toISOString();
  return purgePersonalData(options.storage.db, { deliveredBefore: cutoff }, now.toISOString());
}

/** The sender's "delete my data" link: the batch's personal fields and texts go now, counts stay. */
export async function deleteBatchPersonalData(
  storage: Pick<Storage, 'db'>,
  batchId: string,
  clock: Clock,
): Promise<number> {
  if (batchId.length === 0 || batchId.length > 64) return 0;
  // Their answers to "did they reply?" lose every link to them; the anonymous answers stay counted.
  await forgetBatch(storage.db, batchId);
  return purgePersonalData(storage.db, { batchId }, clock.now().toISOString());
}

/**
 * Runs the purge now and then hourly until stop(); a failed run is logged and retried at the next tick.
 * The timer does not keep the process alive.
 */
export function startRetentionSchedule(options: RetentionOptions & { logger: Logger }): { stop(): void } {
  const run = async () => {
    try {
      const purged = await purgeExpiredPersonalData(options);
      if (purged > 0) options.logger.info({ purged }, 'retention: personal data purged');
    } catch (error) {
      options.logger.error({ err: error }, 'retention: purge failed');
    }
  };
  const timer = setInterval(() => void run(), 60 * 60 * 1000);
  timer.unref();
  void run();
  return { stop: () => clearInterval(timer) };
}
