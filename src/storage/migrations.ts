/**
 * storage/migrations: the one ordered migration list for both databases. Kysely's Migrator takes a lock
 * (a row lock on PostgreSQL), so several instances starting at once apply each migration exactly once.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

/**
 * `create table <name> (<column> <definition>, ...)`, each definition written as the SQL both databases take
 * ("varchar(64) not null"); the caller adds any table constraint and executes it.
 */
function createTable(db: Kysely<unknown>, name: string, columns: Record<string, string>) {
  let table: CreateTableBuilder<string, string> = db.schema.createTable(name);
  for (const [column, definition] of Object.entries(columns)) {
    table = table.addColumn(column, sql.raw(definition));
  }
  return table;
}

/** `alter table <table> add column <column> <definition>`, the definition as in `createTable`. */
const addColumn = (db: Kysely<unknown>, table: string, column: string, definition: string) =>
  db.schema.alterTable(table).addColumn(column, sql.raw(definition)).execute();

/** `create index <name> on <table> (<columns>)`. */
const createIndex = (db: Kysely<unknown>, name: string, table: string, columns: string[]) =>
  db.schema.createIndex(name).on(table).columns(columns).execute();

export const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'letters', {
        id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        batch_id: 'varchar(64) not null',
        bioguide: 'varchar(16) not null',
        chamber: 'varchar(8) not null',
        state: 'varchar(2) not null',
        district: 'integer',
        recipient_name: 'varchar(200) not null',
        sender_name: 'varchar(200)',
        sender_email: 'varchar(320)',
        sender_key: 'varchar(128) not null',
        sender_street: 'varchar(300)',
        sender_city: 'varchar(200)',
        sender_state: 'varchar(2)',
        sender_zip: 'varchar(10)',
        subject: 'varchar(300)',
        salutation: 'varchar(200) not null',
        body: 'text',
        mailing_office: 'varchar(120)',
        share_with_campaign: 'integer default 0 not null',
        ref: 'varchar(64)',
        status: 'varchar(32) not null',
        status_reason: 'varchar(500)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
        confirmed_at: 'varchar(32)',
        delivered_at: 'varchar(32)',
        purged_at: 'varchar(32)',
      }).execute();
      await createIndex(db, 'letters_batch', 'letters', ['batch_id']);
      await createIndex(db, 'letters_retention', 'letters', ['purged_at', 'created_at']);
      await createIndex(db, 'letters_campaign_created', 'letters', ['campaign', 'created_at']);

      await createTable(db, 'outbox', {
        id: 'varchar(64) primary key',
        kind: 'varchar(16) not null',
        letter_id: 'varchar(64)',
        batch_id: 'varchar(64) not null',
        status: 'varchar(16) not null',
        attempts: 'integer default 0 not null',
        next_attempt_at: 'varchar(32) not null',
        lease_owner: 'varchar(64)',
        lease_expires_at: 'varchar(32)',
        last_error: 'varchar(500)',
        created_at: 'varchar(32) not null',
        sent_at: 'varchar(32)',
      }).execute();
      await createIndex(db, 'outbox_due', 'outbox', ['status', 'next_attempt_at']);
      await createIndex(db, 'outbox_batch', 'outbox', ['batch_id']);

      await createTable(db, 'confirmations', {
        token_hash: 'varchar(128) primary key',
        batch_id: 'varchar(64) not null',
        expires_at: 'varchar(32) not null',
        used_at: 'varchar(32)',
        created_at: 'varchar(32) not null',
      }).execute();
      await createIndex(db, 'confirmations_batch', 'confirmations', ['batch_id']);

      await createTable(db, 'actions', {
        id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        letter_id: 'varchar(64)',
        action: 'varchar(16) not null',
        bioguide: 'varchar(16) not null',
        chamber: 'varchar(8) not null',
        state: 'varchar(2) not null',
        district: 'integer',
        dedupe_key: 'varchar(200) not null unique',
        ref: 'varchar(64)',
        day: 'varchar(10) not null',
        created_at: 'varchar(32) not null',
      }).execute();
      await createIndex(db, 'actions_campaign_created', 'actions', ['campaign', 'created_at']);

      await createTable(db, 'counters', {
        campaign: 'varchar(64) not null',
        dimension: 'varchar(32) not null',
        key: 'varchar(128) not null',
        count: 'integer default 0 not null',
      })
        .addPrimaryKeyConstraint('counters_pk', ['campaign', 'dimension', 'key'])
        .execute();

      await createTable(db, 'rate_limits', {
        key: 'varchar(200) primary key',
        hits: 'integer not null',
        reset_at: 'varchar(32) not null',
      }).execute();
    },
  },
  /**
   * Issue 15: letters and actions record the Congress and the bill; counts are kept per Congress as well
   * as in all. Every row before this migration was written in the 119th Congress, the only one the app
   * had served, so that is the one number this migration knows; the bill stays unknown (NULL) for them.
   */
  '0150-i15-congress-on-letters-and-counts': {
    async up(db: Kysely<unknown>) {
      for (const table of ['letters', 'actions']) {
        await addColumn(db, table, 'congress', 'integer');
        await addColumn(db, table, 'bill', 'varchar(40)');
        await sql`UPDATE ${sql.table(table)} SET congress = 119 WHERE congress IS NULL`.execute(db);
      }
      await sql`UPDATE actions SET dedupe_key = dedupe_key || '|119'`.execute(db);
      await sql`UPDATE counters SET key = '119:' || key WHERE dimension = 'district'`.execute(db);
      await sql`INSERT INTO counters (campaign, dimension, key, count)
        SELECT campaign, 'congress', '119', count FROM counters WHERE dimension = 'total'`.execute(db);
      for (const dimension of ['chamber', 'state', 'member', 'action']) {
        await sql`INSERT INTO counters (campaign, dimension, key, count)
          SELECT campaign, ${`congress_${dimension}`}, '119:' || key, count FROM counters
          WHERE dimension = ${dimension}`.execute(db);
      }
      await createIndex(db, 'letters_congress', 'letters', ['campaign', 'congress']);
    },
  },
  '0170-i17-cwc-constituent': {
    // What Communicating with Congress needs beyond the email relay: how the person is addressed, an
    // optional phone (both personal: the purge nulls them), and whether the letter holds their own words.
    async up(db: Kysely<unknown>) {
      await addColumn(db, 'letters', 'sender_prefix', 'varchar(8)');
      await addColumn(db, 'letters', 'sender_phone', 'varchar(20)');
      await addColumn(db, 'letters', 'own_words', 'integer default 0 not null');
    },
  },
  /**
   * Issue 18: the public counts are verified letters. `letters.verified_at` marks a letter whose sender
   * confirmed their email (or whose office accepted it); `confirmations.purpose` tells a link that sends
   * the letters from one that only verifies the sender ('send' | 'verify'). Letters confirmed before this
   * migration are verified, and the letter counters (all-time and per Congress) are rebuilt from them: a
   * saved letter alone no longer counts.
   */
  '0180-i18-verified-counts': {
    async up(db: Kysely<unknown>) {
      await addColumn(db, 'letters', 'verified_at', 'varchar(32)');
      await addColumn(db, 'confirmations', 'purpose', "varchar(8) default 'send' not null");
      await sql`update letters set verified_at = confirmed_at where confirmed_at is not null`.execute(db);
      // One 'verified' action per (campaign, member, sender, Congress), from the earliest confirmed letter.
      await sql`
        insert into actions (id, campaign, letter_id, action, bioguide, chamber, state, district, congress, bill, dedupe_key, ref, day, created_at)
        select 'v-' || l.id, l.campaign, l.id, 'verified', l.bioguide, l.chamber, l.state, l.district,
               l.congress, l.bill,
               l.campaign || '|verified|' || l.bioguide || '|' || l.sender_key || '|' || cast(l.congress as varchar(8)),
               l.ref, substr(l.confirmed_at, 1, 10), l.confirmed_at
        from letters l
        where l.confirmed_at is not null
          and l.id = (select l2.id from letters l2
                      where l2.campaign = l.campaign and l2.bioguide = l.bioguide and l2.congress = l.congress
                        and l2.sender_key = l.sender_key and l2.confirmed_at is not null
                      order by l2.confirmed_at, l2.id limit 1)
        on conflict (dedupe_key) do nothing`.execute(db);
      // The letter dimensions counted saved letters: rebuild them from the verified actions.
      await sql`delete from counters where dimension in ('total', 'chamber', 'state', 'district', 'member',
        'day', 'ref', 'congress', 'congress_chamber', 'congress_state', 'congress_member')`.execute(db);
      const rebuilds: Array<[string, string]> = [
        ['chamber', 'chamber'],
        ['state', 'state'],
        ['member', 'bioguide'],
        ['day', 'day'],
      ];
      for (const [dimension, column] of rebuilds) {
        await sql`insert into counters (campaign, dimension, key, count)
          select campaign, ${sql.lit(dimension)}, ${sql.ref(column)}, count(*) from actions
          where action = 'verified' group by campaign, ${sql.ref(column)}`.execute(db);
      }
      await sql`insert into counters (campaign, dimension, key, count)
        select campaign, 'total', 'all', count(*) from actions where action = 'verified'
        group by campaign`.execute(db);
      const congress = sql`cast(congress as varchar(8))`;
      const perCongress: Array<[string, ReturnType<typeof sql>]> = [
        ['congress', congress],
        ['congress_chamber', sql`${congress} || ':' || chamber`],
        ['congress_state', sql`${congress} || ':' || state`],
        ['congress_member', sql`${congress} || ':' || bioguide`],
        ['congress_action', sql`${congress} || ':verified'`],
      ];
      for (const [dimension, key] of perCongress) {
        await sql`insert into counters (campaign, dimension, key, count)
          select campaign, ${sql.lit(dimension)}, ${key}, count(*) from actions
          where action = 'verified' group by campaign, ${key}`.execute(db);
      }
      const district = sql`${congress} || ':' || state || '-' || cast(district as varchar(8))`;
      await sql`insert into counters (campaign, dimension, key, count)
        select campaign, 'district', ${district}, count(*) from actions
        where action = 'verified' and chamber = 'house' and district is not null
        group by campaign, ${district}`.execute(db);
      await sql`insert into counters (campaign, dimension, key, count)
        select campaign, 'ref', ref, count(*) from actions where action = 'verified' and ref is not null
        group by campaign, ref`.execute(db);
      await sql`insert into counters (campaign, dimension, key, count)
        select campaign, 'action', 'verified', count(*) from actions where action = 'verified'
        group by campaign`.execute(db);
      // Letters printed or sent through a web form by senders who never confirmed: "reported by writers",
      // one 'reported' action per letter.
      await sql`
        insert into actions (id, campaign, letter_id, action, bioguide, chamber, state, district, congress, bill, dedupe_key, ref, day, created_at)
        select 'r-' || l.id, l.campaign, l.id, 'reported', l.bioguide, l.chamber, l.state, l.district,
               l.congress, l.bill,
               l.campaign || '|reported|' || l.bioguide || '|letter:' || l.id || '|' || cast(l.congress as varchar(8)),
               l.ref, substr(l.created_at, 1, 10), l.created_at
        from letters l
        where l.verified_at is null
          and exists (select 1 from actions a where a.letter_id = l.id and a.action in ('printed', 'webform'))
        on conflict (dedupe_key) do nothing`.execute(db);
      await sql`insert into counters (campaign, dimension, key, count)
        select campaign, 'reported', 'all', count(*) from actions where action = 'reported'
        group by campaign`.execute(db);
    },
  },
  '0190-outbox-due-by-kind': {
    // The outbox claims confirmation emails before letters (src/delivery/outbox.ts): this index hands
    // them over in order without reading the rest of the backlog.
    async up(db: Kysely<unknown>) {
      await createIndex(db, 'outbox_due_by_kind', 'outbox', ['status', 'kind', 'next_attempt_at']);
    },
  },
  /**
   * Issue 27: did the members answer? `reply_questions` is one writer's opt-in per batch (the question's
   * state and its signed token, hash only); `reply_emails` makes each email of the question (round 1, the
   * reminder round 2) unique per batch, whichever instance schedules it; `reply_letters` is one asked
   * letter and its answer, without personal data (its links to the letter, the batch and the sender's
   * keyed hash are nulled when the writer deletes their data, and the anonymous answer stays).
   */
  '0240-i27-reply-tracking': {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'reply_questions', {
        batch_id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        token_hash: 'varchar(128) not null unique',
        lang: 'varchar(8) not null',
        state: 'varchar(16) not null',
        created_at: 'varchar(32) not null',
        use_until: 'varchar(32) not null',
        asked_at: 'varchar(32)',
        reminded_at: 'varchar(32)',
        closed_at: 'varchar(32)',
      }).execute();
      await createIndex(db, 'reply_questions_state', 'reply_questions', ['state', 'created_at']);
      await createTable(db, 'reply_emails', {
        batch_id: 'varchar(64) not null',
        round: 'integer not null',
        outbox_id: 'varchar(64) not null unique',
        created_at: 'varchar(32) not null',
      })
        .addPrimaryKeyConstraint('reply_emails_pk', ['batch_id', 'round'])
        .execute();
      await createTable(db, 'reply_letters', {
        id: 'varchar(64) primary key',
        letter_id: 'varchar(64) unique',
        batch_id: 'varchar(64)',
        dedupe_key: 'varchar(200) unique',
        campaign: 'varchar(64) not null',
        bioguide: 'varchar(16) not null',
        chamber: 'varchar(8) not null',
        state: 'varchar(2) not null',
        congress: 'integer not null',
        bill: 'varchar(40)',
        delivered_on: 'varchar(10) not null',
        asked_on: 'varchar(10) not null',
        answer: 'varchar(16)',
        answered_at: 'varchar(32)',
        replied_on: 'varchar(10)',
        about_bill: 'varchar(8)',
        stance: 'varchar(16)',
        form_letter: 'varchar(8)',
        note: 'varchar(1000)',
      }).execute();
      await createIndex(db, 'reply_letters_batch', 'reply_letters', ['batch_id']);
      await createIndex(db, 'reply_letters_campaign', 'reply_letters', ['campaign', 'congress', 'bioguide']);
    },
  },
  '0220-i24-cwc-route-note': {
    // Why a letter of a CWC campaign went by the relay (the office not live, the Senate's titles), so
    // its receipt can say so.
    async up(db: Kysely<unknown>) {
      await addColumn(db, 'letters', 'cwc_route_note', 'varchar(16)');
    },
  },
  '0260-i28-admin-session-revocations': {
    // Signing out ends the session on the server too (issue 28): the signed cookie's MAC is listed until
    // the session would have expired anyway, and a listed cookie is refused by every instance.
    async up(db: Kysely<unknown>) {
      await createTable(db, 'admin_session_revocations', {
        mac: 'varchar(128) primary key',
        expires_at: 'varchar(32) not null',
      }).execute();
    },
  },
  '0261-i28-count-review': {
    // Issue 28: letters verified above a mailbox's or a district's cap wait here for the organiser
    // (`count_holds`); a set-aside takes a window's counted actions out of the counts into
    // `count_set_aside_actions`, whence restoring puts them back (src/tracking/count-review.ts).
    async up(db: Kysely<unknown>) {
      await createTable(db, 'count_holds', {
        letter_id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        reason: 'varchar(16) not null',
        district: 'varchar(8)',
        held_at: 'varchar(32) not null',
      }).execute();
      await createIndex(db, 'count_holds_campaign', 'count_holds', ['campaign', 'held_at']);
      await createTable(db, 'count_set_asides', {
        id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        from_at: 'varchar(32) not null',
        to_at: 'varchar(32) not null',
        district: 'varchar(8)',
        reason: 'varchar(500) not null',
        letters: 'integer not null',
        created_at: 'varchar(32) not null',
        restored_at: 'varchar(32)',
      }).execute();
      await createTable(db, 'count_set_aside_actions', {
        id: 'varchar(64) primary key',
        set_aside_id: 'varchar(64) not null',
        campaign: 'varchar(64) not null',
        letter_id: 'varchar(64)',
        action: 'varchar(16) not null',
        bioguide: 'varchar(16) not null',
        chamber: 'varchar(8) not null',
        state: 'varchar(2) not null',
        district: 'integer',
        congress: 'integer not null',
        bill: 'varchar(40)',
        dedupe_key: 'varchar(400) not null',
        ref: 'varchar(64)',
        day: 'varchar(10) not null',
        created_at: 'varchar(32) not null',
      }).execute();
      await createIndex(db, 'count_set_aside_actions_set', 'count_set_aside_actions', ['set_aside_id']);
    },
  },
  '0270-i23-adopted-bills': {
    // Issue 23: the reintroduced bills the organiser adopted on the admin page, one row per chamber.
    // In the database, not a file, so every instance switches without a redeploy; undoing keeps the row
    // (`undone_at`) as the record of what was asked for while it stood.
    async up(db: Kysely<unknown>) {
      await createTable(db, 'adopted_bills', {
        id: 'varchar(64) primary key',
        campaign: 'varchar(64) not null',
        chamber: 'varchar(8) not null',
        replaces: 'varchar(40) not null',
        congress: 'integer not null',
        bill_type: 'varchar(8) not null',
        bill_number: 'integer not null',
        title: 'varchar(1000) not null',
        url: 'varchar(500) not null',
        sponsor_bioguide: 'varchar(16)',
        sponsor_name: 'varchar(200)',
        introduced_on: 'varchar(10) not null',
        latest_action_on: 'varchar(10)',
        latest_action_text: 'varchar(1000)',
        found_at: 'varchar(32) not null',
        adopted_at: 'varchar(32) not null',
        undone_at: 'varchar(32)',
      }).execute();
      await createIndex(db, 'adopted_bills_campaign', 'adopted_bills', ['campaign']);
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
