/**
 * tracking/count-review: what keeps cheap padding out of the public numbers (issue 28), and the
 * organiser's say over it.
 *
 *  - Caps: a mailbox (the sender key: the address folded as its provider delivers it) has at most
 *    `mailboxPerDay` letters counted a day, and a House district (the writer's) at most
 *    `districtPerHour` an hour. A verified letter above a cap is held: verified, delivered as the writer
 *    asked, but not counted until the organiser releases it (`count_holds`). Nothing is lost.
 *  - Bursts: the organiser's page lists the hours in which a district's counted letters reached half its
 *    hourly cap, and every held letter.
 *  - Set aside: the organiser takes the letters counted in a time window (optionally one district's
 *    writers) out of every count, with a reason; it can be undone. The letters stay verified and sent;
 *    only their `verified` actions and the counters built on them go (and come back on restore).
 *
 * Everything runs in the caller's transaction where one is given, so a count and its hold or set-aside
 * commit together.
 */
import { DAY_MS } from '../platform/clock';
import { sql } from 'kysely';
import type { LetterRow } from '../letters/letter-store';
import { houseDistrictOf } from '../letters/recipients';
import { newId } from '../platform/ids';
import type { ActionsTable, CountSetAsidesTable, Db } from '../storage/schema';
import { countHit } from '../storage/window-counter';
import {
  actionFor,
  addToCounters,
  dedupeKey,
  insertActions,
  recordActions,
  type CountedAction,
} from './actions';
import type { ActionInput } from './record-action';
import { withTransaction } from '../storage/database';

export interface CountCaps {
  /** Letters counted per mailbox per day. */
  mailboxPerDay: number;
  /** Letters counted per House district (the writer's) per hour. */
  districtPerHour: number;
}

type HoldReason = 'mailbox' | 'district';

const HOUR_MS = 60 * 60 * 1000;

/** The writer's district of each letter: its own for a House letter, its batch's House letter's otherwise. */
function writerDistricts(letters: readonly LetterRow[]): Map<string, string> {
  const byBatch = new Map<string, string>();
  for (const l of letters) {
    const district = houseDistrictOf(l);
    if (district) byBatch.set(l.batch_id, district);
  }
  return new Map(letters.map((l) => [l.id, byBatch.get(l.batch_id) ?? l.state]));
}

/**
 * Splits letters about to be counted into those that count now and those held above a cap, counting each
 * new letter against its mailbox's day and its district's hour (`rate_limits`, shared by instances).
 * A letter whose sender already counted for that member is not new: it counts nothing either way.
 */
export async function applyCountCaps(
  db: Db,
  inputs: ReadonlyArray<{ letter: LetterRow; action: ActionInput }>,
  at: Date,
  caps: CountCaps,
): Promise<{ count: ActionInput[]; hold: Array<{ letter: LetterRow; reason: HoldReason }> }> {
  if (inputs.length === 0) return { count: [], hold: [] };
  const keys = inputs.map((i) => dedupeKey(i.action));
  const stored = await db
    .selectFrom('actions')
    .select('dedupe_key')
    .where('dedupe_key', 'in', keys)
    .execute();
  const existing = new Set(stored.map((r) => r.dedupe_key));
  const districts = writerDistricts(inputs.map((i) => i.letter));
  const count: ActionInput[] = [];
  const hold: Array<{ letter: LetterRow; reason: HoldReason }> = [];
  for (const [index, { letter, action }] of inputs.entries()) {
    if (existing.has(keys[index]!)) {
      count.push(action);
      continue;
    }
    const mailbox = `count-cap-mailbox:${letter.campaign}:${letter.sender_key}`;
    if ((await countHit(db, mailbox, DAY_MS, at.getTime())).hits > caps.mailboxPerDay) {
      hold.push({ letter, reason: 'mailbox' });
      continue;
    }
    const district = `count-cap-district:${letter.campaign}:${letter.congress}:${districts.get(letter.id)}`;
    const districtHits = (await countHit(db, district, HOUR_MS, at.getTime())).hits;
    if (districtHits > caps.districtPerHour) hold.push({ letter, reason: 'district' });
    else count.push(action);
  }
  return { count, hold };
}

/** Notes letters held above a cap (verified, not counted) for the organiser. */
export async function holdCounts(
  db: Db,
  held: ReadonlyArray<{ letter: LetterRow; reason: HoldReason }>,
  at: Date,
): Promise<void> {
  if (held.length === 0) return;
  await db
    .insertInto('count_holds')
    .values(
      held.map(({ letter, reason }) => ({
        letter_id: letter.id,
        campaign: letter.campaign,
        reason,
        district: houseDistrictOf(letter) ?? null,
        held_at: at.toISOString(),
      })),
    )
    .onConflict((oc) => oc.column('letter_id').doNothing())
    .execute();
}

/** Counts every held letter of a campaign (the organiser's decision); returns how many were released. */
export async function releaseHeldCounts(db: Db, campaign: string): Promise<number> {
  return withTransaction(db, async (trx) => {
    const held = await trx
      .selectFrom('count_holds')
      .innerJoin('letters', 'letters.id', 'count_holds.letter_id')
      .selectAll('letters')
      .where('count_holds.campaign', '=', campaign)
      .execute();
    if (held.length === 0) return 0;
    // Counted as of the time each letter was verified.
    await recordActions(
      trx,
      held.map((letter) => actionFor(letter, 'verified', new Date(letter.verified_at ?? letter.created_at))),
    );
    const ids = held.map((l) => l.id);
    await trx.deleteFrom('count_holds').where('letter_id', 'in', ids).execute();
    return held.length;
  });
}

/** Letters waiting for the organiser, per reason. */
export async function heldSummary(db: Db, campaign: string): Promise<Record<HoldReason, number>> {
  const rows = await db
    .selectFrom('count_holds')
    .select(['reason', sql<number>`count(*)`.as('letters')])
    .where('campaign', '=', campaign)
    .groupBy('reason')
    .execute();
  const letters = (reason: HoldReason) => Number(rows.find((r) => r.reason === reason)?.letters ?? 0);
  return { mailbox: letters('mailbox'), district: letters('district') };
}

interface Burst {
  /** The hour, `YYYY-MM-DDTHH` (UTC). */
  hour: string;
  /** `IL-13`. */
  district: string;
  /** Letters counted in that hour from writers of that district (House letters). */
  counted: number;
  /** Letters held in that hour from that district. */
  held: number;
}

/**
 * Hours since `since` in which a district's counted House letters reached `threshold`, or any of its
 * letters were held: the windows an organiser may want to look at, most letters first.
 */
export async function findBursts(db: Db, campaign: string, since: Date, threshold: number): Promise<Burst[]> {
  const hourOf = sql<string>`substr(created_at, 1, 13)`;
  const counted = await db
    .selectFrom('actions')
    .select([hourOf.as('hour'), 'state', 'district', sql<number>`count(*)`.as('letters')])
    .where('campaign', '=', campaign)
    .where('action', '=', 'verified')
    .where('chamber', '=', 'house')
    .where('created_at', '>=', since.toISOString())
    .groupBy([hourOf, 'state', 'district'])
    .execute();
  const heldHour = sql<string>`substr(held_at, 1, 13)`;
  const held = await db
    .selectFrom('count_holds')
    .select([heldHour.as('hour'), 'district', sql<number>`count(*)`.as('letters')])
    .where('campaign', '=', campaign)
    .where('district', 'is not', null)
    .where('held_at', '>=', since.toISOString())
    .groupBy([heldHour, 'district'])
    .execute();
  const bursts = new Map<string, Burst>();
  const entry = (hour: string, district: string): Burst => {
    const key = `${hour}|${district}`;
    let burst = bursts.get(key);
    if (!burst) bursts.set(key, (burst = { hour, district, counted: 0, held: 0 }));
    return burst;
  };
  for (const row of counted) entry(row.hour, `${row.state}-${row.district}`).counted = Number(row.letters);
  for (const row of held) entry(row.hour, row.district!).held = Number(row.letters);
  return [...bursts.values()]
    .filter((b) => b.counted >= threshold || b.held > 0)
    .sort((a, b) => b.counted + b.held - (a.counted + a.held) || (a.hour < b.hour ? 1 : -1))
    .slice(0, 50);
}

interface SetAsideInput {
  campaign: string;
  from: Date;
  to: Date;
  /** Only the writers of this House district (`IL-13`); all writers when undefined. */
  district?: string;
  reason: string;
  at: Date;
}

/** A set-aside as stored: the row is the record the admin page shows. */
type SetAside = CountSetAsidesTable;

/** A stored action as the counters read it. */
const countedAction = (row: ActionsTable): CountedAction => ({ ...row, at: new Date(row.created_at) });

/** The actions a set-aside moves: what the public numbers are built from. */
const SET_ASIDE_ACTIONS = ['verified', 'delivered', 'emailed'] as const;

/**
 * Takes the letters counted in [from, to) out of every count: their verified, delivered and emailed
 * actions move to `count_set_aside_actions` and the counters built on them go down. Records why.
 */
export async function setAsideWindow(db: Db, input: SetAsideInput): Promise<SetAside> {
  return withTransaction(db, async (trx) => {
    let counted = trx
      .selectFrom('actions')
      .select('letter_id')
      .where('campaign', '=', input.campaign)
      .where('action', '=', 'verified')
      .where('created_at', '>=', input.from.toISOString())
      .where('created_at', '<', input.to.toISOString());
    if (input.district) {
      const [state = '', number = ''] = input.district.split('-');
      // The district's writers: the batches of its House letters, senators' letters included.
      const batches = trx
        .selectFrom('letters')
        .select('batch_id')
        .where('campaign', '=', input.campaign)
        .where('chamber', '=', 'house')
        .where('state', '=', state)
        .where('district', '=', Number(number));
      counted = counted.where(
        'letter_id',
        'in',
        trx.selectFrom('letters').select('id').where('batch_id', 'in', batches),
      );
    }
    const letterIds = (await counted.execute())
      .map((r) => r.letter_id)
      .filter((id): id is string => id !== null);
    const setAside: SetAside = {
      id: newId(),
      campaign: input.campaign,
      from_at: input.from.toISOString(),
      to_at: input.to.toISOString(),
      district: input.district ?? null,
      reason: input.reason,
      letters: letterIds.length,
      created_at: input.at.toISOString(),
      restored_at: null,
    };
    await trx.insertInto('count_set_asides').values(setAside).execute();
    if (letterIds.length === 0) return setAside;
    const actions = await trx
      .selectFrom('actions')
      .selectAll()
      .where('letter_id', 'in', letterIds)
      .where('action', 'in', SET_ASIDE_ACTIONS)
      .execute();
    await trx
      .insertInto('count_set_aside_actions')
      .values(actions.map((a) => ({ ...a, set_aside_id: setAside.id })))
      .execute();
    const ids = actions.map((a) => a.id);
    await trx.deleteFrom('actions').where('id', 'in', ids).execute();
    await addToCounters(trx, input.campaign, actions.map(countedAction), -1);
    return setAside;
  });
}

/** Counts a set-aside's letters again; returns how many came back (0 when it was restored already). */
export async function restoreSetAside(db: Db, id: string, at: Date): Promise<number> {
  return withTransaction(db, async (trx) => {
    const restored = await trx
      .updateTable('count_set_asides')
      .set({ restored_at: at.toISOString() })
      .where('id', '=', id)
      .where('restored_at', 'is', null)
      .returning('campaign')
      .executeTakeFirst();
    if (!restored) return 0;
    const moved = await trx
      .selectFrom('count_set_aside_actions')
      .selectAll()
      .where('set_aside_id', '=', id)
      .execute();
    if (moved.length === 0) return 0;
    const actions: ActionsTable[] = moved.map(({ set_aside_id: _setAside, ...action }) => action);
    // A repeat counted in the meantime (the same writer and member again) keeps its own row.
    const inserted = await insertActions(trx, actions);
    const back = actions.filter((a) => inserted.has(a.id));
    await addToCounters(trx, restored.campaign, back.map(countedAction));
    await trx.deleteFrom('count_set_aside_actions').where('set_aside_id', '=', id).execute();
    return back.filter((a) => a.action === 'verified').length;
  });
}

/** A campaign's set-asides, newest first. */
export async function listSetAsides(db: Db, campaign: string): Promise<SetAside[]> {
  return db
    .selectFrom('count_set_asides')
    .selectAll()
    .where('campaign', '=', campaign)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
}
