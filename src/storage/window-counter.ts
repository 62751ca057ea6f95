/**
 * storage/window-counter: a hit counter per key over a fixed time window, in the `rate_limits` table that
 * every instance shares (SQLite or PostgreSQL). One atomic upsert per hit, so concurrent instances never
 * lose a hit; inside a transaction, the hit rolls back with it.
 */
import { sql } from 'kysely';
import type { Db } from './schema';

/**
 * Counts one hit for `key` (at most 200 characters) and returns the hits in its window, this one included,
 * and when the window ends.
 */
export async function countHit(db: Db, key: string, windowMs: number, now: number) {
  const nowIso = new Date(now).toISOString();
  const resetIso = new Date(now + windowMs).toISOString();
  // One statement: insert the first hit, or count this one (restarting an expired window).
  const result = await sql<{ hits: number | string; reset_at: string }>`
    insert into rate_limits (key, hits, reset_at) values (${key.slice(0, 200)}, 1, ${resetIso})
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= ${nowIso} then 1 else rate_limits.hits + 1 end,
      reset_at = case when rate_limits.reset_at <= ${nowIso} then ${resetIso} else rate_limits.reset_at end
    returning hits, reset_at`.execute(db);
  const row = result.rows[0]!;
  return { hits: Number(row.hits), resetAt: new Date(row.reset_at) };
}
