/**
 * letters: what a person types (parsed by Zod) and the letter composed from it and the campaign's
 * template. Letter text is plain text; a person's edits are data and are never compiled as a template.
 */
import { z } from 'zod';
import type { LetterAsk } from '../campaign/asks';
import type { CampaignBill } from '../campaign/bills';
import type { Campaign } from '../campaign/campaign';
import { STATE_CODES } from '../civic-data/states';
import type { Member } from '../civic-data/types';
import type { HandlebarsInstance } from '../platform/handlebars';
import type { LetterRow } from './letter-store';
import { isolateStrings } from '../platform/i18n-format';
import { oneLine, replaceControlCharacters } from '../platform/text';

/** Every letter's closing, on the page, in the email, the PDF and the print view. */
export const LETTER_CLOSING = 'Sincerely,';

/**
 * The longest letter (body and personal note together): Communicating with Congress takes a message of
 * at most 10,000 characters, and the letter's body is that message (greeting, closing and name travel
 * in their own fields: src/delivery/cwc/letter-document.ts). Offices read short letters anyway.
 */
const MAX_LETTER_LENGTH = 10_000;
export const MAX_NOTE_LENGTH = 1_000;
/** The body leaves room for the longest personal note and the blank line before it. */
export const MAX_BODY_LENGTH = MAX_LETTER_LENGTH - MAX_NOTE_LENGTH - 2;

// Control characters never belong in a letter: they break email and PDF output. Line breaks of any
// spelling are one newline (in a one-line field, a space).
function cleanLine(value: string): string {
  return oneLine(replaceControlCharacters(value.replace(/[\r\n\u2028\u2029]+/g, ' '), ''));
}

function cleanText(value: string): string {
  return replaceControlCharacters(value.replace(/\r\n?|[\u2028\u2029]/g, '\n'), '').trim();
}

/** A one-line field; its messages are `messages.enter<Field>` and `messages.<field>TooLong`. */
const line = (max: number, field: 'name' | 'street' | 'city') => {
  const enter = `messages.enter${field[0]!.toUpperCase()}${field.slice(1)}`;
  return z
    .string({ error: enter })
    .transform(cleanLine)
    .pipe(z.string().min(1, enter).max(max, `messages.${field}TooLong`));
};

/**
 * A name is letters (any script), combining marks, spaces, hyphens, apostrophes and periods: it greets the
 * recipient of a confirmation email, so it must never carry a link or a domain ("visit evil.example").
 */
const NAME_CHARACTERS = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
// Two letters, a dot, two letters: any longer run holds such a window, and a fixed width scans in linear time.
const LOOKS_LIKE_DOMAIN = /[\p{L}\p{M}-]{2}\.[\p{L}\p{M}]{2}/u;

// The messages are catalogue keys (src/platform/errors.ts fieldErrorsFromZod).

/** How the person wants to be addressed; "none" is sent to CWC as the format allows (src/delivery/cwc). */
export const SENDER_PREFIXES = ['Mr.', 'Ms.', 'Mrs.', 'Miss', 'Mx.', 'Dr.', 'none'] as const;
export type SenderPrefix = (typeof SENDER_PREFIXES)[number];

export const SenderInput = z.object({
  name: line(100, 'name').pipe(
    z
      .string()
      .regex(NAME_CHARACTERS, 'messages.nameCharacters')
      .refine((name) => !LOOKS_LIKE_DOMAIN.test(name), 'messages.nameCharacters'),
  ),
  email: z
    .string({ error: 'messages.enterEmail' })
    .transform(cleanLine)
    .pipe(z.email('messages.emailFormat').max(254, 'messages.emailTooLong')),
  street: line(200, 'street'),
  city: line(100, 'city'),
  state: z
    .string({ error: 'messages.chooseState' })
    .transform((s) => cleanLine(s).toUpperCase())
    .pipe(z.enum(STATE_CODES, { error: 'messages.chooseStateOrTerritory' })),
  zip: z
    .string({ error: 'messages.enterZip' })
    .transform(cleanLine)
    .pipe(z.string().regex(/^\d{5}(-\d{4})?$/, 'messages.zipFormat')),
  // The form always posts the choice (empty until made); callers without the field (the JSON preview)
  // leave it out.
  prefix: z.enum(SENDER_PREFIXES, { error: 'messages.choosePrefix' }).optional(),
  phone: z
    .string()
    .transform(cleanLine)
    .transform((raw) => raw.replace(/[\s().+-]/g, '').replace(/^1(?=\d{10}$)/, ''))
    .pipe(z.string().regex(/^(\d{10})?$/, 'messages.phoneFormat'))
    .transform((d) => (d === '' ? undefined : `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`))
    .optional(),
});
export type SenderInput = z.infer<typeof SenderInput>;

export const PersonalNote = z
  .string()
  .transform(cleanText)
  .pipe(z.string().max(MAX_NOTE_LENGTH, 'messages.noteTooLong'));

export const LetterBody = z
  .string()
  .transform(cleanText)
  .pipe(z.string().min(20, 'messages.bodyEmpty').max(MAX_BODY_LENGTH, 'messages.bodyTooLong'));

export type ComposedLetter = ReturnType<typeof composeLetter>;

/** "Dear Senator Cantwell:" / "Dear Representative Norton:" (delegates are addressed as Representative). */
function salutationFor(member: Member): string {
  const title = member.chamber === 'senate' ? 'Senator' : 'Representative';
  return `Dear ${title} ${member.lastName}:`;
}

/** The DC office address block for a member: the letter's heading and the printed envelope's default. */
export function washingtonAddressBlock(member: Member): string[] {
  const senate = member.chamber === 'senate';
  const room = oneLine(member.dcOffice);
  return [
    `The Honorable ${oneLine(member.name)}`,
    ...(room ? [room] : []),
    senate ? 'United States Senate' : 'United States House of Representatives',
    senate ? 'Washington, DC 20510' : 'Washington, DC 20515',
  ];
}

/**
 * The campaigns' letter texts compiled, per Handlebars environment and source: compiling one costs about a
 * millisecond and filling it in microseconds, and a save or a letter page fills up to nine (measured: a save
 * took 2.7 times its CPU compiling them each time). Campaigns change only on restart, so the sources are
 * the campaign files' own.
 */
const compiledLetterTexts = new WeakMap<HandlebarsInstance, Map<string, HandlebarsTemplateDelegate>>();

/** A campaign's letter text as a template. noEscape: the output is plain text; pages escape it when shown. */
function compileLetterText(hbs: HandlebarsInstance, source: string): HandlebarsTemplateDelegate {
  let bySource = compiledLetterTexts.get(hbs);
  if (!bySource) compiledLetterTexts.set(hbs, (bySource = new Map()));
  let template = bySource.get(source);
  if (!template) bySource.set(source, (template = hbs.compile(source, { noEscape: true })));
  return template;
}

/** A letter text filled in, as plain text with at most one blank line between paragraphs. */
function fillLetterText(hbs: HandlebarsInstance, source: string, context: object): string {
  return cleanText(compileLetterText(hbs, source)(context)).replace(/\n{3,}/g, '\n\n');
}

/** What a letter's templates may use: the member, the sender's town, the bill and the campaign. */
function templateContext(
  campaign: Campaign,
  member: Member,
  ask: LetterAsk,
  sender: { name?: string | undefined; city?: string | undefined; state?: string | undefined },
  cityFallback = 'your state',
) {
  return {
    member: { name: member.name, lastName: member.lastName, title: member.title, state: member.state },
    sender: {
      name: sender.name ?? '',
      city: sender.city || cityFallback,
      state: sender.state ?? member.state,
    },
    bill: billContext(ask.bill),
    companion: billContext(ask.companion),
    sponsorship: ask.sponsorship
      ? { role: ask.sponsorship.role, introduced: ask.sponsorship.introduced, since: ask.sponsorship.since }
      : null,
    nextCongress: ask.chamber.nextCongressOrdinal,
    campaign: { title: campaign.title, shortTitle: campaign.shortTitle },
  };
}

function billContext(bill: CampaignBill) {
  return {
    label: bill.label,
    title: bill.title,
    url: bill.url,
    type: bill.type,
    number: bill.number,
    congress: bill.congress,
    congressOrdinal: bill.congressOrdinal,
  };
}

/** Renders the campaign's template for the member's ask and chamber: the default body a person starts from. */
export function renderDefaultBody(
  hbs: HandlebarsInstance,
  campaign: Campaign,
  member: Member,
  ask: LetterAsk,
  sender: { name?: string; city?: string; state?: string },
): string {
  return fillLetterText(hbs, ask.template, templateContext(campaign, member, ask, sender));
}

/**
 * The campaign's own translation of its letter text (content/<lng>.json), filled in like the default
 * body, for the person to read beside the English letter. Never sent. Without a known town the template
 * sees an empty `sender.city` (it words the sentence itself rather than getting English filler).
 */
export function renderLetterTranslation(
  hbs: HandlebarsInstance,
  source: string,
  campaign: Campaign,
  member: Member,
  ask: LetterAsk,
  sender: { city?: string; state?: string },
  options: { rightToLeft?: boolean } = {},
): string {
  const context = templateContext(
    campaign,
    member,
    ask,
    { city: sender.city ?? '', state: sender.state || member.state },
    '',
  );
  // In a right-to-left translation each value (a Latin name, a town, a bill number) is an isolate, so it
  // keeps its order inside the Arabic sentence; an empty value stays empty for `{{#if}}`.
  const values = options.rightToLeft ? isolateStrings(context) : context;
  return fillLetterText(hbs, source, values);
}

/** Puts the personal sentence before the final paragraph (the ask), where offices read it. */
export function insertPersonalNote(body: string, note: string | undefined): string {
  const trimmed = (note ?? '').trim();
  if (!trimmed) return body;
  const paragraphs = body.split(/\n{2,}/);
  if (paragraphs.length < 2) return `${body}\n\n${trimmed}`;
  paragraphs.splice(paragraphs.length - 1, 0, trimmed);
  return paragraphs.join('\n\n');
}

/** Composes the complete letter for one member: the person's body (or the default) plus the frame. */
export function composeLetter(
  hbs: HandlebarsInstance,
  campaign: Campaign,
  member: Member,
  sender: SenderInput,
  ask: LetterAsk,
  options: { personalNote?: string; body?: string } = {},
) {
  const campaignText = renderDefaultBody(hbs, campaign, member, ask, sender);
  const typed = options.body?.trim() ? cleanText(options.body) : undefined;
  // The form shows the campaign text rendered for the town only; either rendering unchanged is not an edit.
  const edited =
    typed !== undefined &&
    typed !== campaignText &&
    typed !== renderDefaultBody(hbs, campaign, member, ask, { city: sender.city, state: sender.state });
  const base = typed ?? campaignText;
  const personalNote = (options.personalNote ?? '').trim();
  return {
    // Whether the letter holds the person's own words (an edited text or a personal note) rather than the
    // campaign's text as it stands: CWC sends the first as the constituent's message, the second as the
    // organisation's statement.
    ownWords: edited || personalNote !== '',
    // Which of the campaign's letters this is, and the bill it is about ("119-s-1829").
    ask: { kind: ask.kind, billId: ask.bill.id, congress: ask.bill.congress },
    recipient: {
      bioguide: member.bioguide,
      name: member.name,
      formalName: member.formalName,
      chamber: member.chamber,
      state: member.state,
      district: member.district,
    },
    // The campaign's subject template for the ask, on one line.
    subject: cleanLine(compileLetterText(hbs, ask.subject)(templateContext(campaign, member, ask, {}))),
    salutation: salutationFor(member),
    // The paragraphs between salutation and closing, blank-line separated.
    body: insertPersonalNote(base, options.personalNote),
    closing: LETTER_CLOSING,
    // Printed under the closing: name, street, city/state/ZIP.
    signature: [sender.name, sender.street, `${sender.city}, ${sender.state} ${sender.zip}`],
    addressBlock: washingtonAddressBlock(member),
  };
}

type SavedSender = Pick<
  LetterRow,
  'sender_name' | 'sender_street' | 'sender_city' | 'sender_state' | 'sender_zip'
>;

/** A saved letter's signature: the sender's name, street and town as saved, empty lines left out. */
export function senderSignature(row: SavedSender): string[] {
  return [row.sender_name ?? '', row.sender_street ?? '', senderPlace(row)].filter(
    (l) => l.replace(/[\s,]/g, '') !== '',
  );
}

/** A saved letter's parts as sent: its salutation and body, the closing and the sender's signature. */
export function savedLetter(row: SavedSender & Pick<LetterRow, 'salutation' | 'body'>) {
  const body = row.body ?? '';
  return { salutation: row.salutation, body, closing: LETTER_CLOSING, signature: senderSignature(row) };
}

/** The sender's "City, ST 12345" line. */
export function senderPlace(row: SavedSender): string {
  return `${row.sender_city ?? ''}, ${row.sender_state ?? ''} ${row.sender_zip ?? ''}`.trim();
}

/** The whole letter as plain text, exactly as emailed. */
export function letterAsText(
  letter: Pick<ComposedLetter, 'salutation' | 'body' | 'closing' | 'signature'>,
): string {
  return [letter.salutation, '', letter.body, '', letter.closing, '', ...letter.signature].join('\n');
}
