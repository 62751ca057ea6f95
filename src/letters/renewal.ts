/**
 * letters/renewal: a letter keeps the meaning its writer approved. A letter waiting to be sent (held over
 * a change of Congress, or queued as its bill died) goes only if its member still represents the writer's
 * address under the data in service and it still asks what the campaign asks of that member now (the same
 * bill, and the ordinary ask or the reintroduce one as before). A House letter from a state whose new
 * districts are not published yet keeps waiting until they are. Otherwise it is never sent: the writer is
 * emailed the letter as it would now read (the new ask, the member who represents them now) with a button
 * to send that one instead (src/web/handlers/letters.ts), and without the button nothing more is sent.
 */
import type { AskResolver } from '../campaign/asks';
import { askedToReintroduce } from '../campaign/bills';
import type { Campaign } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import { representativesOf } from '../lookup/constituency';
import { ValidationError } from '../platform/errors';
import type { HandlebarsInstance } from '../platform/handlebars';
import { composeLetter, SenderInput } from './letter';
import type { LetterRow } from './letter-store';

/** The reason on a letter that was not sent because it no longer meant what its writer approved. */
export const LETTER_OUTDATED = 'letter_outdated';
/** The reason once the writer sent the letter as it now reads instead: `renewed:<new batch id>`. */
export const RENEWED_AS = 'renewed:';

/** Whether a letter was not sent because it no longer meant what its writer approved (outdated or renewed). */
export function isOutdated(row: Pick<LetterRow, 'status_reason'>): boolean {
  return row.status_reason === LETTER_OUTDATED || (row.status_reason?.startsWith(RENEWED_AS) ?? false);
}

export interface RenewalDeps {
  civic: CivicIndex;
  asks: AskResolver;
  campaigns: { get(slug: string): Campaign };
  hbs: HandlebarsInstance;
}

export type RenewableLetter = Pick<
  LetterRow,
  | 'campaign'
  | 'bioguide'
  | 'chamber'
  | 'congress'
  | 'bill'
  | 'created_at'
  | 'sender_name'
  | 'sender_email'
  | 'sender_street'
  | 'sender_city'
  | 'sender_state'
  | 'sender_zip'
  | 'sender_prefix'
  | 'sender_phone'
>;

/**
 * What stands between a waiting letter and its sending: nothing, its ask, the writer's address, or, for a
 * House letter, the writer's state's new districts, not published yet.
 */
type LetterMeaning = 'current' | 'ask_changed' | 'not_represented' | 'map_awaited';

/** The members who represent the writer's stored address under the data in service (none when unknown). */
function representativesOfWriter(civic: CivicIndex, letter: RenewableLetter, now: Date): Set<string> {
  if (!letter.sender_state || !letter.sender_zip) return new Set();
  try {
    return representativesOf(civic, { state: letter.sender_state, zip: letter.sender_zip }, now);
  } catch (error) {
    // The ZIP is no longer in the writer's state in the data in service: nobody can be named.
    if (error instanceof ValidationError) return new Set();
    throw error;
  }
}

/**
 * Whether a letter to a serving member still means what its writer approved. The ZIP-level rule of the
 * saving (lookup/constituency) decides representation, so a redrawn district moves the writer.
 */
export function letterMeaning(deps: RenewalDeps, letter: RenewableLetter, now: Date): LetterMeaning {
  const member = deps.civic.memberByBioguide(letter.bioguide);
  const awaiting = deps.civic.meta.awaitingMaps?.zips ?? [];
  const mapAwaited =
    letter.chamber === 'house' && awaiting.includes(letter.sender_state ?? member?.state ?? '');
  // Until the state's new ZIP table is published, the ZIP code names no House district there. A letter
  // written under an earlier Congress's map waits rather than being judged against nothing; one written
  // under the data in service had its district settled at saving (the geocoder's, on the new map).
  if (mapAwaited && letter.congress !== deps.civic.meta.congress) return 'map_awaited';
  if (!member || (!mapAwaited && !representativesOfWriter(deps.civic, letter, now).has(member.bioguide))) {
    return 'not_represented';
  }
  if (!letter.bill) return 'current'; // saved before letters recorded their bill: nothing to compare
  const ask = deps.asks.forMember(deps.campaigns.get(letter.campaign), member);
  const wasReintroduce = askedToReintroduce(letter.bill, new Date(letter.created_at));
  if (ask.bill.id !== letter.bill || (ask.kind === 'reintroduce') !== wasReintroduce) return 'ask_changed';
  return 'current';
}

export type Renewal = NonNullable<ReturnType<typeof renewalOf>>;

/**
 * The letter as it would now read: the campaign's current ask, in its own text, to the member of the same
 * chamber who represents the writer now (the same one, or the House member of the writer's redrawn
 * district). Undefined when no such letter can be written: the writer's details were deleted, their ZIP
 * is split between districts now, or that member's term has ended too.
 */
export function renewalOf(deps: RenewalDeps, letter: RenewableLetter, now: Date) {
  const sender = SenderInput.safeParse({
    name: letter.sender_name ?? '',
    email: letter.sender_email ?? '',
    street: letter.sender_street ?? '',
    city: letter.sender_city ?? '',
    state: letter.sender_state ?? '',
    zip: letter.sender_zip ?? '',
    ...(letter.sender_prefix ? { prefix: letter.sender_prefix } : {}),
    ...(letter.sender_phone ? { phone: letter.sender_phone } : {}),
  });
  if (!sender.success) return undefined;
  const allowed = representativesOfWriter(deps.civic, letter, now);
  const sameChamber = [...allowed]
    .map((id) => deps.civic.memberByBioguide(id))
    .filter((m) => m !== undefined && m.chamber === letter.chamber);
  const member = allowed.has(letter.bioguide)
    ? deps.civic.memberByBioguide(letter.bioguide)
    : letter.chamber === 'house' && sameChamber.length === 1
      ? sameChamber[0]
      : undefined;
  if (!member || deps.civic.termHasEnded(member, now)) return undefined;
  const campaign = deps.campaigns.get(letter.campaign);
  const ask = deps.asks.forMember(campaign, member);
  return {
    member,
    composed: composeLetter(deps.hbs, campaign, member, sender.data, ask),
    sender: sender.data,
  };
}
