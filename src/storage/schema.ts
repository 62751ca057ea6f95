/**
 * storage/schema: the tables shared by SQLite and PostgreSQL, as Kysely types. Only SQL both databases
 * share is used: app-generated text ids, ISO-8601 UTC timestamps as text, text enums, integer flags.
 */
import type { Kysely, Transaction } from 'kysely';

/** Delivery status of a letter (CWC or the email relay); it can also be printed or sent through a web form (see `actions`). */
export type LetterStatus = 'draft' | 'awaiting_confirmation' | 'queued' | 'sent' | 'failed';

/** The office is not on its service's list today; the Senate does not take the writer's title; the
 * letter cannot be carried as the schema demands. */
export type CwcRouteNote = 'office_not_live' | 'senate_title' | 'not_cwc_ready';

/** Whom a letter (or an action on it) is to: the member, their seat, their Congress, and the bill. */
export interface RecipientColumns {
  bioguide: string;
  chamber: 'senate' | 'house';
  state: string;
  district: number | null;
  /** The Congress of the member written to (the civic data's), and the bill the letter is about ("119-s-1829"). */
  congress: number;
  bill: string | null;
}

export interface LettersTable extends RecipientColumns {
  id: string;
  campaign: string;
  /** All letters one person wrote in one sitting share a batch; the batch id is a secret capability. */
  batch_id: string;
  recipient_name: string;
  /** Personal fields are nulled by the retention purge or a deletion request; counts stay. */
  sender_name: string | null;
  sender_email: string | null;
  /** Salted hash of the normalised email: de-duplicates counts without keeping the address. */
  sender_key: string;
  sender_street: string | null;
  sender_city: string | null;
  sender_state: string | null;
  sender_zip: string | null;
  /** "Mr.", "Ms.", "Mrs.", "Mx.", "Dr." or "none"; null for letters saved without the question. */
  sender_prefix: string | null;
  /** xxx-xxx-xxxx, optional. */
  sender_phone: string | null;
  subject: string | null;
  salutation: string;
  body: string | null;
  mailing_office: string | null;
  share_with_campaign: number;
  /** 1 when the person edited the campaign's text or added a note: CWC sends it as their own message. */
  own_words: number;
  ref: string | null;
  status: LetterStatus;
  status_reason: string | null;
  /**
   * Why a confirmed letter went by the email relay although its campaign delivers through CWC (null when
   * CWC was not in play for it): src/delivery/cwc/cwc-delivery.ts.
   */
  cwc_route_note: CwcRouteNote | null;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  /** When the sender confirmed their email (any channel) or the office accepted the letter: it counts. */
  verified_at: string | null;
  delivered_at: string | null;
  purged_at: string | null;
}

/**
 * 'office' is the email relay to the campaign's inbox; 'cwc' delivers to the office through Communicating
 * with Congress (its id is the DeliveryId); 'delivery_failed' tells the person a letter could not be
 * delivered, with the PDF and the member's web form.
 */
export type OutboxKind =
  | 'confirmation'
  | 'office'
  | 'cwc'
  | 'sender_copy'
  | 'delivery_failed'
  /** Issue 27: "did your members reply?", round 1 or the reminder (src/replies). */
  | 'reply_question';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxTable {
  /** Also the Message-ID's local part, so a resend after a crash is recognisable downstream. */
  id: string;
  kind: OutboxKind;
  letter_id: string | null;
  batch_id: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ConfirmationsTable {
  token_hash: string;
  batch_id: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
  /** 'send': confirming queues the letters by email; 'verify': it only confirms the sender's address. */
  purpose: ConfirmationPurpose;
}

export type ConfirmationPurpose = 'send' | 'verify';

/**
 * What happened to a letter, named for what the app can vouch for: 'created' is saved; 'verified' means
 * the sender confirmed their email or the office accepted the letter (the public count); 'delivered' is
 * accepted by the office's correspondence system through Communicating with Congress; 'emailed' is sent
 * to the campaign's own inbox (an email relay, not the office); 'printed' is a print view or PDF;
 * 'webform' is the writer's own report; 'reported' is a printed or web-form send the writer reported
 * without a confirmed email (shown apart as "reported by writers").
 */
export type ActionKind =
  'created' | 'verified' | 'delivered' | 'emailed' | 'printed' | 'webform' | 'reported';

export interface ActionsTable extends RecipientColumns {
  id: string;
  campaign: string;
  letter_id: string | null;
  action: ActionKind;
  /** Unique: the same sender, member and action counts once per Congress. */
  dedupe_key: string;
  ref: string | null;
  day: string;
  created_at: string;
}

export interface CountersTable {
  campaign: string;
  /** e.g. 'total', 'action', 'chamber', 'state', 'district', 'member', 'day', 'ref'. */
  dimension: string;
  key: string;
  count: number;
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: string;
}

/**
 * A writer's "ask me whether my members replied" (src/replies): 'waiting' for delivery plus the delay,
 * 'asked', 'reminded' (a "no reply yet" got its one reminder), 'closed' (answers are final, the email is
 * no longer used).
 */
export type ReplyQuestionState = 'waiting' | 'asked' | 'reminded' | 'closed';

export interface ReplyQuestionsTable {
  batch_id: string;
  campaign: string;
  /** Keyed hash of the batch's signed answer token (src/replies/reply-token.ts); never the token. */
  token_hash: string;
  /** The writer's page language when they ticked the box: the emails and pages use it. */
  lang: string;
  state: ReplyQuestionState;
  created_at: string;
  /** RETENTION_DAYS after the batch's first letter was written: the question closes then at the latest. */
  use_until: string;
  asked_at: string | null;
  reminded_at: string | null;
  closed_at: string | null;
}

/** One email of a question: the (batch, round) primary key lets only one instance queue it. */
export interface ReplyEmailsTable {
  batch_id: string;
  /** 1: the question; 2: the reminder. */
  round: number;
  outbox_id: string;
  created_at: string;
}

export type ReplyAnswer = 'replied' | 'no_reply';
export type ReplyStance = 'support' | 'oppose' | 'undecided' | 'unstated';
export type YesNoUnsure = 'yes' | 'no' | 'unsure';

/** One asked letter and its answer. No personal data; the links are nulled when the writer deletes theirs. */
export interface ReplyLettersTable {
  id: string;
  letter_id: string | null;
  batch_id: string | null;
  /** campaign|bioguide|senderKey|congress: one writer is asked once per member and Congress. */
  dedupe_key: string | null;
  campaign: string;
  bioguide: string;
  chamber: 'senate' | 'house';
  state: string;
  congress: number;
  bill: string | null;
  /** UTC days only: enough for "days to a reply", too coarse to find a letter by. */
  delivered_on: string;
  asked_on: string;
  answer: ReplyAnswer | null;
  answered_at: string | null;
  replied_on: string | null;
  about_bill: YesNoUnsure | null;
  stance: ReplyStance | null;
  form_letter: YesNoUnsure | null;
  /** For the organisers only, never published; removed at retention and on deletion. */
  note: string | null;
}

/** Admin sessions ended by signing out, until they would have expired (src/tracking/admin-sessions.ts). */
export interface AdminSessionRevocationsTable {
  mac: string;
  expires_at: string;
}

/** A verified letter above a count cap, waiting for the organiser (src/tracking/count-review.ts). */
export interface CountHoldsTable {
  letter_id: string;
  campaign: string;
  /** Which cap: the mailbox's day or the district's hour. */
  reason: string;
  /** The House district (`IL-13`) of a House letter, for the organiser's bursts. */
  district: string | null;
  held_at: string;
}

/** A time window's letters the organiser took out of the counts, and why. */
export interface CountSetAsidesTable {
  id: string;
  campaign: string;
  from_at: string;
  to_at: string;
  district: string | null;
  reason: string;
  letters: number;
  created_at: string;
  restored_at: string | null;
}

/** The actions a set-aside took out of `actions`, kept to be put back. */
export interface CountSetAsideActionsTable extends ActionsTable {
  set_aside_id: string;
}

/** A reintroduced bill the organiser adopted for a campaign, one row per chamber (campaign/adopted-bills). */
export interface AdoptedBillsTable {
  id: string;
  campaign: string;
  chamber: 'senate' | 'house';
  /** The campaign bill it replaces: "119-s-1829". */
  replaces: string;
  congress: number;
  bill_type: string;
  bill_number: number;
  title: string;
  url: string;
  sponsor_bioguide: string | null;
  sponsor_name: string | null;
  introduced_on: string;
  latest_action_on: string | null;
  latest_action_text: string | null;
  found_at: string;
  adopted_at: string;
  /** Set by "undo": the row no longer counts. */
  undone_at: string | null;
}

export interface Database {
  letters: LettersTable;
  outbox: OutboxTable;
  confirmations: ConfirmationsTable;
  actions: ActionsTable;
  counters: CountersTable;
  rate_limits: RateLimitsTable;
  reply_questions: ReplyQuestionsTable;
  reply_emails: ReplyEmailsTable;
  reply_letters: ReplyLettersTable;
  admin_session_revocations: AdminSessionRevocationsTable;
  count_holds: CountHoldsTable;
  count_set_asides: CountSetAsidesTable;
  count_set_aside_actions: CountSetAsideActionsTable;
  adopted_bills: AdoptedBillsTable;
}

/** A connection or an open transaction: what a repository function writes through. */
export type Db = Kysely<Database> | Transaction<Database>;
