/**
 * tracking/actions: implements the RecordAction contract. One row per (campaign, action, member, sender)
 * goes into `actions` (the unique dedupe_key makes a repeat a no-op), and only a newly inserted row
 * increments the running counters, in the caller's transaction: the count commits or rolls back with
 * the action itself, and reading the counts never scans the actions or letters tables.
 *
 * What is counted (see docs/tracking.md):
 *  - `total|all` counts VERIFIED LETTERS: distinct (sender, member) pairs with a `verified` action, i.e. a
 *    letter whose sender confirmed their email (whatever the channel) or whose office accepted it. A saved
 *    letter alone, a print or a "sent through the website" click never moves it (issue 18).
 *  - `reported|all` counts letters "reported by writers": printed or sent through a web form by a sender
 *    who has not confirmed their email; once per letter, and taken back when the letter is verified.
 *  - `action|<kind>` counts each action once per (sender, member) (per letter for print, web form and
 *    reports, whose sender is unconfirmed); `action|verified` equals the total.
 *  - `chamber`, `state`, `district`, `member`, `day`, `ref` count verified letters.
 *  - `action_chamber|<kind>:<chamber>`, `action_state|<kind>:<ST>`, `action_day|<kind>:<YYYY-MM-DD>` count
 *    every action kind, for the per-channel breakdowns of the admin view.
 *  - Per Congress (the Congress of the member written to): `congress|<n>` counts verified letters,
 *    `congress_chamber|<n>:<chamber>`, `congress_state|<n>:<ST>`, `congress_member|<n>:<bioguide>` and
 *    `congress_action|<n>:<kind>` the rest; `district` keys carry the Congress (`119:TX-9`), because a
 *    district number names a different place after redistricting.
 */
import { sql } from 'kysely';
import { newId } from '../platform/ids';
import type { LetterRow } from '../letters/letter-store';
import type { ActionKind, ActionsTable, CountersTable, Db } from '../storage/schema';
import type { ActionInput, RecordAction } from './record-action';
import { compareText } from './stats';

/** UTC calendar day of an instant, `YYYY-MM-DD`. Every count by day uses UTC. */
function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `119:CA-12`; `119:AK-0` for at-large seats and delegates (district 0). */
export function districtKey(congress: number, state: string, district: number): string {
  return `${congress}:${state}-${district}`;
}

/**
 * Actions a writer reports without a confirmed email: their sender key is only a typed address, so they
 * are de-duplicated per letter (fresh addresses would otherwise count again).
 */
const PER_LETTER_ACTIONS: ReadonlySet<ActionKind> = new Set(['printed', 'webform', 'reported']);

/** The same sender, member and action count once per Congress: a letter in the next one counts again. */
export function dedupeKey(
  input: Pick<ActionInput, 'campaign' | 'action' | 'bioguide' | 'senderKey' | 'congress' | 'letterId'>,
): string {
  const who =
    PER_LETTER_ACTIONS.has(input.action) && input.letterId ? `letter:${input.letterId}` : input.senderKey;
  return `${input.campaign}|${input.action}|${input.bioguide}|${who}|${input.congress}`;
}

/** What the counters read of an action: an ActionInput, or a stored action row with its time. */
export type CountedAction = Pick<
  ActionInput,
  'action' | 'bioguide' | 'chamber' | 'state' | 'district' | 'congress' | 'ref' | 'at'
>;

type CounterKey = Pick<CountersTable, 'dimension' | 'key'>;

/** The counter rows one newly recorded action increments, in lock order (see byCounterKey). */
export function counterKeysFor(input: CountedAction): CounterKey[] {
  if (input.action === 'reported') return [{ dimension: 'reported', key: 'all' }];
  const day = utcDay(input.at);
  const keys: CounterKey[] = [
    { dimension: 'action', key: input.action },
    { dimension: 'action_chamber', key: `${input.action}:${input.chamber}` },
    { dimension: 'action_state', key: `${input.action}:${input.state}` },
    { dimension: 'action_day', key: `${input.action}:${day}` },
    { dimension: 'congress_action', key: `${input.congress}:${input.action}` },
  ];
  if (input.action === 'verified') {
    keys.push(
      { dimension: 'total', key: 'all' },
      { dimension: 'chamber', key: input.chamber },
      { dimension: 'state', key: input.state },
      { dimension: 'member', key: input.bioguide },
      { dimension: 'day', key: day },
      { dimension: 'congress', key: String(input.congress) },
      { dimension: 'congress_chamber', key: `${input.congress}:${input.chamber}` },
      { dimension: 'congress_state', key: `${input.congress}:${input.state}` },
      { dimension: 'congress_member', key: `${input.congress}:${input.bioguide}` },
    );
    if (input.chamber === 'house' && input.district !== null) {
      keys.push({ dimension: 'district', key: districtKey(input.congress, input.state, input.district) });
    }
    if (input.ref) keys.push({ dimension: 'ref', key: input.ref });
  }
  return keys.sort(byCounterKey);
}

/** One global lock order for counter rows: concurrent PostgreSQL transactions cannot deadlock on them. */
const byCounterKey = (a: CounterKey, b: CounterKey): number =>
  compareText(a.dimension, b.dimension) || compareText(a.key, b.key);

/**
 * Increments the given counters (by `by`, default one; creating them), in one multi-row
 * `INSERT ... ON CONFLICT DO UPDATE SET count = counters.count + excluded.count` statement. A key may
 * appear only once (PostgreSQL refuses to update one row twice in a statement): add up first.
 */
export async function incrementCounters(
  db: Db,
  campaign: string,
  keys: Array<CounterKey & { by?: number }>,
): Promise<void> {
  if (keys.length === 0) return;
  const rows = keys.map((k) => ({ campaign, dimension: k.dimension, key: k.key, count: k.by ?? 1 }));
  await db
    .insertInto('counters')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['campaign', 'dimension', 'key'])
        .doUpdateSet((eb) => ({ count: sql<number>`counters.count + ${eb.ref('excluded.count')}` })),
    )
    .execute();
}

/** Adds `by` to every counter of the given actions (of one campaign), summed per key, in lock order. */
export async function addToCounters(
  db: Db,
  campaign: string,
  actions: readonly CountedAction[],
  by: 1 | -1 = 1,
): Promise<void> {
  const sums = new Map<string, CounterKey & { by: number }>();
  for (const action of actions) {
    for (const k of counterKeysFor(action)) {
      const id = `${k.dimension}\u0000${k.key}`;
      const sum = sums.get(id);
      if (sum) sum.by += by;
      else sums.set(id, { dimension: k.dimension, key: k.key, by });
    }
  }
  await incrementCounters(db, campaign, [...sums.values()].sort(byCounterKey));
}

/** The action input of one letter. */
export function actionFor(row: LetterRow, action: ActionKind, at: Date): ActionInput {
  return {
    campaign: row.campaign,
    letterId: row.id,
    action,
    bioguide: row.bioguide,
    chamber: row.chamber,
    state: row.state,
    district: row.district,
    congress: row.congress,
    bill: row.bill,
    senderKey: row.sender_key,
    ref: row.ref,
    at,
  };
}

function actionRow(input: ActionInput): ActionsTable {
  return {
    id: newId(),
    campaign: input.campaign,
    letter_id: input.letterId,
    action: input.action,
    bioguide: input.bioguide,
    chamber: input.chamber,
    state: input.state,
    district: input.district,
    congress: input.congress,
    bill: input.bill,
    dedupe_key: dedupeKey(input),
    ref: input.ref,
    day: utcDay(input.at),
    created_at: input.at.toISOString(),
  };
}

/**
 * Records one action in the caller's transaction; returns false (and counts nothing) when the same
 * sender already did this action for this member in this campaign.
 */
export const recordAction: RecordAction = async (db, input) => (await recordActions(db, [input]))[0]!;

/**
 * Records actions (a saved batch of letters) in the caller's transaction: one INSERT for the actions and
 * one upsert per campaign for all their counters. Returns, per input, whether it was counted (a repeat,
 * also within the batch, is not): the same as recording each input in order.
 */
export async function recordActions(db: Db, inputs: readonly ActionInput[]): Promise<boolean[]> {
  if (inputs.length === 0) return [];
  // The first of each dedupe key only: a repeat within the batch is not counted either.
  const rows = inputs.map(actionRow);
  const firsts = new Map<string, ActionsTable>();
  for (const row of rows) if (!firsts.has(row.dedupe_key)) firsts.set(row.dedupe_key, row);
  const inserted = await insertActions(db, [...firsts.values()]);
  const counted = rows.map((row) => inserted.has(row.id));
  // One upsert per campaign, campaigns in order, each campaign's counters in lock order.
  const countedInputs = inputs.filter((_, i) => counted[i]);
  for (const campaign of [...new Set(countedInputs.map((input) => input.campaign))].sort()) {
    await addToCounters(
      db,
      campaign,
      countedInputs.filter((input) => input.campaign === campaign),
    );
  }
  return counted;
}

/** Inserts action rows but those whose dedupe key is stored already; returns the ids inserted. */
export async function insertActions(db: Db, rows: readonly ActionsTable[]): Promise<Set<string>> {
  const inserted = await db
    .insertInto('actions')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    // RETURNING (PostgreSQL, SQLite >= 3.35) yields a row only when one was inserted.
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

/** The actions recorded for the given letters, of the given kinds (else of every kind). */
export async function actionsOfLetters(db: Db, letterIds: readonly string[], kinds?: readonly ActionKind[]) {
  if (letterIds.length === 0) return [];
  let query = db
    .selectFrom('actions')
    .select(['letter_id', 'action', 'created_at'])
    .where('letter_id', 'in', letterIds);
  if (kinds) query = query.where('action', 'in', kinds);
  return query.execute();
}
