/**
 * delivery/cwc/letter-document: one saved letter as the CWC document for its office: the constituent from
 * the letter's sender fields, the campaign's id, organisation, topics, bills and position from
 * campaign.json, and the letter itself as the person's message (or the campaign's statement when they
 * left it as written). The message is the letter's body alone: the office's system frames it with the
 * constituent's name, the Senate asks vendors not to repeat the name in the text (it defeats the offices'
 * grouping of similar letters), and the body's limit is then the schema's own (10,000 characters).
 */
import type { Campaign } from '../../campaign/campaign';
import type { Chamber, Member } from '../../civic-data/types';
import type { CwcAgentConfig } from '../../config/config';
import type { LetterRow } from '../../letters/letter-store';
import { buildCwcDocument } from './document';
import { askedToReintroduce, parseBillId } from '../../campaign/bills';
import { chamberOfOffice, memberOfficeCode, PREFIX_WHEN_NONE } from './format';

/**
 * The bills the letter was written about, as CWC names them, the letter's own chamber first: its own bill,
 * read from the letter (the campaign may have adopted other numbers since), and that bill's companion in
 * the campaign's entry for the same Congress, when that chamber's bill there is known. Never recomputed
 * from the clock at delivery: a letter written before its bill died still cites it. None for a letter
 * asking for a reintroduction (the bill has no number yet) or one saved without a bill.
 */
export function letterBills(
  campaign: Campaign,
  letter: { chamber: Chamber; bill: string | null; created_at: string },
) {
  if (!letter.bill || askedToReintroduce(letter.bill, new Date(letter.created_at))) return [];
  const own = parseBillId(letter.bill);
  if (!own) return [];
  const entry = campaign.congresses.find((e) => e.congress === own.congress);
  const other: Chamber = letter.chamber === 'house' ? 'senate' : 'house';
  const listed = entry?.[letter.chamber];
  const companion = entry?.[other];
  // No companion in the Congress (the other chamber's reintroduction is not adopted yet): the own bill alone.
  if (!entry || listed?.type !== own.type || listed.number !== own.number || !companion) return [own];
  return [own, { congress: entry.congress, type: companion.type, number: companion.number }];
}

/** "Ana María Núñez" -> first "Ana María", last "Núñez"; one word serves as both (CWC needs both). */
export function splitName(fullName: string): { firstName: string; lastName: string } {
  const words = fullName.trim().split(/\s+/);
  if (words.length === 1) return { firstName: words[0]!, lastName: words[0]! };
  return { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1)! };
}

/**
 * The Prefix sent: the one the person chose; with none, "Mx." to the House (which needs one). The Senate
 * takes none of "Mx." or an empty prefix: the builder refuses them, and the letter's route
 * (cwc-delivery) sends such a writer's Senate letters by the relay instead.
 */
function cwcPrefix(stored: string | null, chamber: Chamber): string {
  if (stored && stored !== 'none') return stored;
  return chamber === 'senate' ? '' : PREFIX_WHEN_NONE;
}

export type CwcLetter = Pick<
  LetterRow,
  | 'chamber'
  | 'bill'
  | 'created_at'
  | 'state'
  | 'district'
  | 'subject'
  | 'sender_prefix'
  | 'sender_phone'
  | 'sender_street'
  | 'sender_city'
  | 'sender_state'
  | 'sender_zip'
  | 'own_words'
> & { sender_name: string; sender_email: string; body: string };

interface LetterDocumentInput {
  letter: CwcLetter;
  member: Pick<Member, 'chamber' | 'state' | 'district' | 'senateClass'>;
  campaign: Campaign;
  agent: CwcAgentConfig;
  deliveryId: string;
  deliveredAt: Date;
  /** The campaign's public page, sent as MoreInfo. */
  moreInfo?: string;
}

/** The letter's CWC document (buildCwcDocument checks and serialises its fields). */
export function letterDocument(input: LetterDocumentInput): string {
  const { letter, campaign } = input;
  const cwc = campaign.cwc;
  if (!cwc) throw new Error(`campaign ${campaign.slug} has no cwc section`);
  const office = memberOfficeCode(input.member);
  if (!office) throw new Error('the member has no CWC office code');
  const text = letter.body.trim();
  return buildCwcDocument({
    deliveryId: input.deliveryId,
    deliveryDate: input.deliveredAt,
    agent: input.agent,
    organization: cwc.organization ? { name: cwc.organization, about: cwc.organizationAbout } : undefined,
    campaignId: cwc.campaignId,
    recipient: { memberOffice: office },
    constituent: {
      prefix: cwcPrefix(letter.sender_prefix, chamberOfOffice(office)),
      ...splitName(letter.sender_name),
      address1: letter.sender_street ?? '',
      city: letter.sender_city ?? '',
      // Checked by the builder against the schema's list.
      state: letter.sender_state ?? '',
      zip: letter.sender_zip ?? '',
      phone: letter.sender_phone || undefined,
      email: letter.sender_email.trim(),
      // Double opt-in: the letter is only delivered after the person clicked the link sent to this address.
      emailValidated: true,
    },
    message: {
      subject: letter.subject ?? campaign.title,
      topics: cwc.topics,
      bills: letterBills(campaign, letter),
      proOrCon: cwc.proOrCon,
      ...(letter.own_words ? { constituentMessage: text } : { organizationStatement: text }),
      moreInfo: input.moreInfo || undefined,
    },
  });
}
