/**
 * letters/letter-service: the use cases around a person's letters: preview, save a batch (one letter per
 * chosen member), and record the print and web-form channels (reported by writers until verified). Email
 * delivery lives in src/delivery.
 */
import { z } from 'zod';
import { BioguideId } from '../civic-data/members-import';
import type { AskResolver } from '../campaign/asks';
import type { CampaignCatalog } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import { assertRepresents, geocodedDistrict, type Geocode } from '../lookup/constituency';
import {
  ConflictError,
  fieldErrorsFromZod,
  NotFoundError,
  NotYourMemberError,
  ValidationError,
  type FieldErrors,
} from '../platform/errors';
import type { HandlebarsInstance } from '../platform/handlebars';
import { keyedHash, newId } from '../platform/ids';
import type { Storage } from '../storage/database';
import type { Db } from '../storage/schema';
import { composeLetter, LetterBody, PersonalNote, SenderInput, type ComposedLetter } from './letter';
import { deleteBatchPersonalData as purgeBatch } from '../tracking/retention';
import { chooseMailingOffices } from '../delivery/mailing-office';
import { actionFor, recordActions } from '../tracking/actions';
import { reportSend } from '../tracking/verification';
import { isKnownReferralCode } from '../campaign/share';
import { normaliseEmail, type MailDomainCheck } from './mail-domain';
import {
  findBatchOrNotFound,
  findLetter,
  insertLetters,
  renewOutdatedLetter,
  setMailingOffice,
  type LetterRow,
} from './letter-store';
import { isOutdated, RENEWED_AS, renewalOf } from './renewal';
import { isAwaitingMap, recipientStanding, termEndedError } from './recipients';

/** What the preview sends: the fields as typed, checked by `previewLetter`. */
interface PreviewInput {
  campaign: string;
  bioguide: string;
  /** The House district the person chose when the ZIP is split ("IL-13"). */
  district?: string | undefined;
  sender: unknown;
  personalNote?: unknown;
  body?: unknown;
}

export interface DraftInput {
  campaign: string;
  sender: unknown;
  personalNote?: unknown;
  /** The House district the person chose or the lookup settled ("IL-13"), when the ZIP left a choice. */
  district?: string;
  /**
   * The address the person looked up (the first page's field, carried by the form): the letters are
   * signed with its state and ZIP code and go to its members. Without it, the sender's state and ZIP are
   * the lookup.
   */
  address?: string;
  /** One entry per chosen member; `body` is the person's edited text (empty = campaign text). */
  letters: Array<{ bioguide: string; body?: unknown }>;
  shareWithCampaign?: boolean;
  ref?: string | null;
}

/** `value` parsed by `schema`, or undefined with its problems added to `errors` (a field's first stands). */
function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string, errors: FieldErrors) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = fieldErrorsFromZod(parsed.error, field);
  for (const [key, message] of Object.entries(problems)) errors[key] ??= message;
  return undefined;
}

/** The sender and the personal note, as the preview and the save both check them (`parseField`). */
function parseWriter(input: { sender: unknown; personalNote?: unknown }, errors: FieldErrors) {
  return {
    sender: parseField(SenderInput, input.sender ?? {}, 'sender', errors),
    personalNote: parseField(PersonalNote, input.personalNote ?? '', 'personalNote', errors),
  };
}

/** A letter's own text when one was typed (blank: the campaign's text), as `parseField` reads it. */
function parseBody(body: unknown, field: string, errors: FieldErrors): string | undefined {
  if (typeof body !== 'string' || body.trim() === '') return undefined;
  return parseField(LetterBody, body, field, errors);
}

/** Saves new letters and counts them as created, in the caller's transaction. */
async function insertCreatedLetters(trx: Db, rows: LetterRow[], now: Date): Promise<void> {
  await insertLetters(trx, rows);
  const actions = rows.map((row) => actionFor(row, 'created', now));
  await recordActions(trx, actions);
}

export interface LetterServiceDeps {
  storage: Storage;
  hbs: HandlebarsInstance;
  campaigns: CampaignCatalog;
  asks: AskResolver;
  civic: CivicIndex;
  clock: Clock;
  appSecret: string;
  /** Refuses disposable and mail-less email domains (src/letters/mail-domain.ts). */
  mailDomains: MailDomainCheck;
  /**
   * The geocoder's lookup (src/lookup/locate.ts findForAddress): settles a district a form names for a
   * PO-box ZIP code from the street address.
   */
  geocode: Geocode;
}

export type LetterService = ReturnType<typeof createLetterService>;

export function createLetterService(deps: LetterServiceDeps) {
  const { storage, hbs, campaigns, civic, clock } = deps;

  /** A new letter's row, a draft of its batch: the letter's member, Congress and bill, and its writer. */
  function letterRowFor(input: {
    campaign: string;
    batchId: string;
    member: Member;
    composed: ComposedLetter;
    sender: SenderInput;
    senderKey: string;
    at: string;
    shareWithCampaign: boolean;
    ref: string | null;
  }): LetterRow {
    const { member, composed, sender, at } = input;
    return {
      id: newId(),
      campaign: input.campaign,
      batch_id: input.batchId,
      bioguide: member.bioguide,
      chamber: member.chamber,
      state: member.state,
      district: member.district,
      congress: civic.meta.congress,
      bill: composed.ask.billId,
      recipient_name: member.formalName,
      sender_name: sender.name,
      sender_email: sender.email,
      sender_key: input.senderKey,
      sender_street: sender.street,
      sender_city: sender.city,
      sender_state: sender.state,
      sender_zip: sender.zip,
      sender_prefix: sender.prefix ?? null,
      sender_phone: sender.phone ?? null,
      subject: composed.subject,
      salutation: composed.salutation,
      body: composed.body,
      mailing_office: null,
      share_with_campaign: input.shareWithCampaign ? 1 : 0,
      own_words: composed.ownWords ? 1 : 0,
      ref: input.ref,
      status: 'draft',
      status_reason: null,
      created_at: at,
      updated_at: at,
      confirmed_at: null,
      verified_at: null,
      delivered_at: null,
      cwc_route_note: null,
      purged_at: null,
    };
  }

  function memberOrThrow(bioguide: string): Member {
    const member = BioguideId.safeParse(bioguide).success ? civic.memberByBioguide(bioguide) : undefined;
    if (!member) throw ValidationError.forField('bioguide', 'messages.unknownMember');
    return member;
  }

  /**
   * One member's letter as it would read (the write page's live preview), checked as saving checks it
   * without the geocoder: a member whose term has ended is refused as saving leaves them out, and so is one
   * who does not represent the sender's address (NotYourMemberError); bad fields come back together.
   */
  function previewLetter(input: PreviewInput) {
    const campaign = campaigns.get(input.campaign);
    const member = memberOrThrow(input.bioguide);
    if (civic.termHasEnded(member, clock.now())) throw termEndedError();
    const errors: FieldErrors = {};
    const { sender, personalNote } = parseWriter(input, errors);
    const body = parseBody(input.body, 'body', errors);
    if (Object.keys(errors).length > 0 || !sender || personalNote === undefined) {
      throw new ValidationError('messages.needsFixing', { fields: errors });
    }
    const { state, zip } = sender;
    assertRepresents(civic, { state, zip, district: input.district }, [member], clock.now());
    const ask = deps.asks.forMember(campaign, member);
    const letter = composeLetter(hbs, campaign, member, sender, ask, { personalNote, body });
    return { ask, letter };
  }

  /**
   * Whether a saved letter may not be printed or sent now: its recipient's term has ended or they left
   * Congress, it waits for its state's new map (a House letter), or it no longer means what its writer
   * approved (letters/renewal). Another letter that failed stays printable (the person mails it
   * themselves) unless its recipient left Congress; a sent one is history.
   */
  function isHeld(row: Pick<LetterRow, 'bioguide' | 'status' | 'status_reason'>): boolean {
    if (row.status === 'sent') return false;
    if (isAwaitingMap(row) || isOutdated(row)) return true;
    const standing = recipientStanding(civic, row.bioguide, clock.now());
    return row.status === 'failed' ? standing === 'left_congress' : standing !== 'serving';
  }

  /**
   * Refuses letters whose recipients' terms have ended, who left Congress, that wait for their state's new
   * map, or that are outdated; returns the ones that may be printed or sent.
   */
  function sendable<T extends Pick<LetterRow, 'bioguide' | 'status' | 'status_reason'>>(rows: T[]): T[] {
    const open = rows.filter((row) => !isHeld(row));
    if (open.length === 0) {
      const standings = rows.map((row) => recipientStanding(civic, row.bioguide, clock.now()));
      if (standings.every((standing) => standing === 'left_congress')) {
        throw new ConflictError('messages.recipientLeftCongress');
      }
      // Neither printed nor sent until it is known whether the member still represents the writer.
      if (rows.some(isAwaitingMap)) throw new ConflictError('letters.batch.heldForMapExplanation');
      if (rows.some(isOutdated)) throw new ConflictError('letters.renewal.outdated');
      throw termEndedError();
    }
    return open;
  }

  /** Validates everything a person typed; throws one ValidationError listing every field at fault. */
  async function validateDraft(input: DraftInput) {
    const campaign = campaigns.get(input.campaign);
    const errors: FieldErrors = {};
    const { sender, personalNote } = parseWriter(input, errors);
    if (input.letters.length === 0) errors.members = { key: 'messages.chooseMember' };
    if (input.letters.length > 5) errors.members = { key: 'messages.tooManyMembers', values: { max: 5 } };
    const letters: Array<{ member: Member; body: string | undefined; composed: ComposedLetter }> = [];
    const termEnded: Member[] = [];
    const now = clock.now();
    const chosen = input.letters
      .slice(0, 5)
      .map((entry) => ({ entry, member: memberOrThrow(entry.bioguide) }));
    for (const { entry, member } of chosen) {
      // Between Congresses a letter to a member whose term ended is left out; the others in the batch
      // go as usual. Only a batch with nobody else is refused: the page says why and what happens next.
      if (civic.termHasEnded(member, now)) {
        termEnded.push(member);
        if (termEnded.length === chosen.length) throw termEndedError();
        continue;
      }
      const body = parseBody(entry.body, `body.${member.bioguide}`, errors);
      if (sender && personalNote !== undefined) {
        const ask = deps.asks.forMember(campaign, member);
        const composed = composeLetter(hbs, campaign, member, sender, ask, { personalNote, body });
        letters.push({ member, body, composed });
      }
    }
    if (sender) {
      // The lookup, done again: the form's state, ZIP and district are checked against it.
      const { state, zip } = sender;
      const address = { state, zip, district: input.district, lookedUp: input.address };
      try {
        const geocoded = await geocodedDistrict(civic, address, now, deps.geocode);
        const members = letters.map((l) => l.member);
        assertRepresents(civic, address, members, now, geocoded);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        if (error instanceof NotYourMemberError && Object.keys(errors).length === 0) throw error;
        for (const [field, message] of Object.entries(error.fields)) errors[field] ??= message;
      }
    }
    if (Object.keys(errors).length > 0 || !sender || personalNote === undefined) {
      throw new ValidationError('messages.needsFixing', { fields: errors });
    }
    return { sender, personalNote, letters, termEnded };
  }

  /** Refuses an address whose domain is disposable or takes no mail, at the email field (issue 28). */
  async function assertMailDomain(email: string): Promise<void> {
    const verdict = await deps.mailDomains.check(email);
    if (verdict === 'disposable') throw ValidationError.forField('sender.email', 'abuse.disposableEmail');
    if (verdict === 'no_mail_exchanger')
      throw ValidationError.forField('sender.email', 'abuse.noMailExchanger');
  }

  /** Saves one letter per member as drafts in a new batch, counts them as created, returns the batch id. */
  async function saveDraftLetters(input: DraftInput): Promise<{ batchId: string; letterIds: string[] }> {
    const draft = await validateDraft(input);
    await assertMailDomain(draft.sender.email);
    const campaign = campaigns.get(input.campaign);
    const now = clock.now();
    const at = now.toISOString();
    const batchId = newId();
    const senderKey = keyedHash(deps.appSecret, normaliseEmail(draft.sender.email));
    const rows = draft.letters.map(({ member, composed }) =>
      letterRowFor({
        campaign: input.campaign,
        batchId,
        member,
        composed,
        sender: draft.sender,
        senderKey,
        at,
        shareWithCampaign: input.shareWithCampaign === true,
        ref: input.ref && isKnownReferralCode(campaign, deps.appSecret, input.ref) ? input.ref : null,
      }),
    );
    await storage.db.transaction().execute((trx) => insertCreatedLetters(trx, rows, now));
    return { batchId, letterIds: rows.map((r) => r.id) };
  }

  async function getLetter(id: string): Promise<LetterRow> {
    const row = id.length <= 64 ? await findLetter(storage.db, id) : undefined;
    if (!row) throw new NotFoundError('messages.letterNotFound');
    return row;
  }

  const getBatch = (batchId: string): Promise<LetterRow[]> => findBatchOrNotFound(storage.db, batchId);

  /**
   * The writer printed a letter or sent it through a web form: the channel counts once per letter, and an
   * unverified letter is "reported by writers" (src/tracking/verification.ts), not in the public total.
   */
  async function recordChannel(letterId: string, action: 'printed' | 'webform'): Promise<boolean> {
    const row = await getLetter(letterId);
    return reportSend(storage.db, row, action, clock.now());
  }

  /** Stores the office a printed letter goes to: one of those offered for the member and the sender. */
  async function chooseMailingOffice(letterId: string, officeId: string): Promise<void> {
    const row = await getLetter(letterId);
    const member = civic.memberByBioguide(row.bioguide);
    const offered =
      member && row.purged_at === null
        ? chooseMailingOffices(member, row.sender_zip ?? '').options.some((o) => o.id === officeId)
        : false;
    if (!offered) throw ValidationError.forField('office', 'messages.unknownMailingOffice');
    await setMailingOffice(storage.db, row.id, officeId, clock.now().toISOString());
  }

  const renewalDeps = { civic, asks: deps.asks, campaigns, hbs };

  /**
   * The page behind the "send this one instead" link of a letter that no longer meant what its writer
   * approved (letters/renewal): the letter as it would now read, or the batch it was already sent in.
   * Read only, so a link scanner that opens it changes nothing.
   */
  async function previewRenewal(letterId: string) {
    const letter = await getLetter(letterId);
    const renewedBatchId = letter.status_reason?.startsWith(RENEWED_AS)
      ? letter.status_reason.slice(RENEWED_AS.length)
      : undefined;
    if (!isOutdated(letter)) throw new NotFoundError('messages.letterNotFound');
    const renewal = renewedBatchId ? undefined : renewalOf(renewalDeps, letter, clock.now());
    return { letter, renewal, renewedBatchId };
  }

  /**
   * The writer pressed "Send this letter instead": the letter as it reads now is saved in a new batch
   * (awaiting the queueing the caller asks of the email channel) and the old one points to it, once: a
   * second press returns the same batch. The writer's address was confirmed by the link in their inbox.
   */
  async function renewLetter(letterId: string): Promise<{ batchId: string; created: boolean }> {
    const preview = await previewRenewal(letterId);
    if (preview.renewedBatchId) return { batchId: preview.renewedBatchId, created: false };
    if (!preview.renewal) throw new ConflictError('letters.renewal.unavailable');
    const { letter, renewal } = preview;
    const now = clock.now();
    const at = now.toISOString();
    const batchId = newId();
    const row: LetterRow = {
      ...letterRowFor({
        campaign: letter.campaign,
        batchId,
        member: renewal.member,
        composed: renewal.composed,
        sender: renewal.sender,
        senderKey: letter.sender_key,
        at,
        shareWithCampaign: letter.share_with_campaign === 1,
        ref: letter.ref,
      }),
      status: 'awaiting_confirmation',
    };
    const existing = await storage.db.transaction().execute(async (trx) => {
      const claimed = await renewOutdatedLetter(trx, letter.id, `${RENEWED_AS}${batchId}`, at);
      if (!claimed) return (await findLetter(trx, letter.id))?.status_reason?.slice(RENEWED_AS.length);
      await insertCreatedLetters(trx, [row], now);
      return undefined;
    });
    return existing ? { batchId: existing, created: false } : { batchId, created: true };
  }

  /** The sender's "delete my data" link: personal fields and letter text go, the counts stay. */
  const deleteBatchPersonalData = (batchId: string) => purgeBatch(storage, batchId, clock);

  return {
    validateDraft,
    saveDraftLetters,
    getLetter,
    getBatch,
    recordChannel,
    chooseMailingOffice,
    previewLetter,
    isHeld,
    sendable,
    deleteBatchPersonalData,
    previewRenewal,
    renewLetter,
  };
}
