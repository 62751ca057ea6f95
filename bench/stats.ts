/**
 * bench/stats: campaign statistics cost the same with 10 letters as with 1,000,000.
 *
 *   npx tsx bench/stats.ts                       # SQLite temp files (default)
 *   npx tsx bench/stats.ts --postgres URL        # a PostgreSQL database you can write to (two campaigns)
 *   npx tsx bench/stats.ts --letters 10000000    # the issue's 10 million (slow to fill, same read time)
 *
 * Fills one campaign with 10 letters through recordAction (the real path), one with 10,000 and one with N letters
 * by bulk SQL (a recursive CTE on SQLite, generate_series on PostgreSQL), with counters built from
 * the actions by GROUP BY so they are exactly consistent, then times getCampaignStats uncached
 * (median of 50 reads). For contrast it also times the naive per-state COUNT(*) over the actions.
 * Prints one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../src/storage/database';
import { recordAction } from '../src/tracking/actions';
import { createStatsService } from '../src/tracking/stats';

export interface StatsBenchResult {
  readMsWith10: number;
  /** 10,000 letters already touch every state, member, district and day: as many counter rows as 1M. */
  readMsWith10k: number;
  readMsWith1M: number;
  naiveCountMsWith1M: number;
  letters: number;
  counterRowsWith10: number;
  counterRowsWith10k: number;
  counterRowsWith1M: number;
  fillMs: number;
  database: 'sqlite' | 'postgres';
}

const STATES =
  'ALAKAZARCACOCTDEFLGAHIIDILINIAKSKYLAMEMDMAMIMNMSMOMTNENVNHNJNMNYNCNDOHOKORPARISCSDTNTXUTVTVAWAWVWIWY';
const READS = 50;
const AT = new Date('2026-11-28T12:00:00Z');

async function fillSmall(storage: Storage, campaign: string): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await storage.db.transaction().execute((trx) =>
      recordAction(trx, {
        campaign,
        letterId: null,
        action: 'created',
        bioguide: `B${String(i).padStart(6, '0')}`,
        chamber: i < 4 ? 'senate' : 'house',
        state: STATES.slice((i % 50) * 2, (i % 50) * 2 + 2),
        district: i < 4 ? null : i,
        congress: 119,
        bill: null,
        senderKey: `small-${i}`,
        ref: null,
        at: AT,
      }),
    );
  }
}

/** N created actions spread over 50 states, 535 members, 100 days; counters rebuilt from them. */
async function fillBig(storage: Storage, campaign: string, n: number): Promise<void> {
  const db = storage.db;
  const last = n - 1;
  // i -> member (535: 100 senators, 435 representatives), state, district and day.
  const cols = (i: string) => ({
    member: sql`'M' || (${sql.raw(i)} % 535)`,
    chamber: sql`case when ${sql.raw(i)} % 535 < 100 then 'senate' else 'house' end`,
    state: sql`substr(${STATES}, (${sql.raw(i)} % 50) * 2 + 1, 2)`,
    district: sql`case when ${sql.raw(i)} % 535 < 100 then null else (${sql.raw(i)} % 535) % 9 end`,
  });
  const c = cols('i');
  if (storage.kind === 'sqlite') {
    await sql`
      insert into actions (id, campaign, letter_id, action, bioguide, chamber, state, district, dedupe_key, ref, day, created_at)
      with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ${last})
      select ${campaign} || '-' || i, ${campaign}, null, 'created', ${c.member}, ${c.chamber}, ${c.state}, ${c.district},
             ${campaign} || '|created|' || (${c.member}) || '|big-' || i, null,
             date('2026-08-20', '+' || (i % 100) || ' days'), date('2026-08-20', '+' || (i % 100) || ' days') || 'T12:00:00.000Z'
      from seq`.execute(db);
  } else {
    await sql`
      insert into actions (id, campaign, letter_id, action, bioguide, chamber, state, district, dedupe_key, ref, day, created_at)
      select ${campaign} || '-' || i, ${campaign}, null, 'created', ${c.member}, ${c.chamber}, ${c.state}, ${c.district},
             ${campaign} || '|created|' || (${c.member}) || '|big-' || i, null,
             to_char(date '2026-08-20' + (i % 100), 'YYYY-MM-DD'), to_char(date '2026-08-20' + (i % 100), 'YYYY-MM-DD') || 'T12:00:00.000Z'
      from generate_series(0, ${last}) as i`.execute(db);
  }
  // The same dimensions recordAction maintains (src/tracking/actions.ts counterKeysFor).
  const groups: Array<[string, string, string?]> = [
    ['total', `'all'`],
    ['action', 'action'],
    ['chamber', 'chamber'],
    ['state', 'state'],
    ['member', 'bioguide'],
    ['day', 'day'],
    ['district', `state || '-' || district`, `chamber = 'house' and district is not null`],
    ['action_chamber', `action || ':' || chamber`],
    ['action_state', `action || ':' || state`],
    ['action_day', `action || ':' || day`],
  ];
  for (const [dimension, keyExpr, filter] of groups) {
    await sql`
      insert into counters (campaign, dimension, key, count)
      select campaign, ${dimension}, ${sql.raw(keyExpr)}, count(*) from actions
      where campaign = ${campaign} ${filter ? sql.raw(`and ${filter}`) : sql``}
      group by campaign${keyExpr.startsWith("'") ? sql`` : sql.raw(`, ${keyExpr}`)}`.execute(db);
  }
}

async function timeReads(storage: Storage, campaign: string): Promise<number> {
  const stats = createStatsService({ storage, clock: { now: () => AT }, cacheMs: 0 });
  for (let i = 0; i < 5; i += 1) await stats.getCampaignStats(campaign);
  const times: number[] = [];
  for (let i = 0; i < READS; i += 1) {
    const t = performance.now();
    await stats.getCampaignStats(campaign);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 1000) / 1000;
}

async function counterRows(storage: Storage, campaign: string): Promise<number> {
  const r = await sql<{
    n: number | string;
  }>`select count(*) as n from counters where campaign = ${campaign}`.execute(storage.db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function benchStats(
  options: { letters?: number; postgresUrl?: string } = {},
): Promise<StatsBenchResult> {
  const letters = options.letters ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bench-stats-'));
  const small = options.postgresUrl
    ? await openStorage({ kind: 'postgres', url: options.postgresUrl })
    : await openStorage({ kind: 'sqlite', path: path.join(dir, 'small.sqlite') });
  const big = options.postgresUrl
    ? small
    : await openStorage({ kind: 'sqlite', path: path.join(dir, 'big.sqlite') });
  const suffix = Date.now().toString(36);
  const smallCampaign = `bench-small-${suffix}`;
  const midCampaign = `bench-mid-${suffix}`;
  const bigCampaign = `bench-big-${suffix}`;
  try {
    await fillSmall(small, smallCampaign);
    await fillBig(small, midCampaign, 10_000);
    const fillStart = performance.now();
    await fillBig(big, bigCampaign, letters);
    const fillMs = Math.round(performance.now() - fillStart);
    if (big.kind === 'postgres') await sql`analyze actions`.execute(big.db);
    const readMsWith10 = await timeReads(small, smallCampaign);
    const readMsWith10k = await timeReads(small, midCampaign);
    const readMsWith1M = await timeReads(big, bigCampaign);
    const naiveStart = performance.now();
    await sql`select state, count(*) from actions where campaign = ${bigCampaign} group by state`.execute(
      big.db,
    );
    const naiveCountMsWith1M = Math.round((performance.now() - naiveStart) * 1000) / 1000;
    return {
      readMsWith10,
      readMsWith10k,
      readMsWith1M,
      naiveCountMsWith1M,
      letters,
      counterRowsWith10: await counterRows(small, smallCampaign),
      counterRowsWith10k: await counterRows(small, midCampaign),
      counterRowsWith1M: await counterRows(big, bigCampaign),
      fillMs,
      database: big.kind,
    };
  } finally {
    if (big.kind === 'postgres') {
      for (const campaign of [smallCampaign, midCampaign, bigCampaign]) {
        await big.db.deleteFrom('counters').where('campaign', '=', campaign).execute();
        await big.db.deleteFrom('actions').where('campaign', '=', campaign).execute();
      }
    }
    await small.close();
    if (big !== small) await big.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const letters = arg('--letters');
  benchStats({ letters: letters ? Number(letters) : undefined, postgresUrl: arg('--postgres') })
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
