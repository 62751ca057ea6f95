/**
 * letters/recipients: a letter's House district, and whether the letter may still go to its recipient. At
 * the end of a Congress the members whose term ended stay in the index until the next Congress's data is
 * loaded (lookups keep answering), but no letter is saved for them or sent to them: saving is refused, and
 * queued letters are held.
 */
import type { CivicIndex } from '../civic-data/load';
import { ConflictError } from '../platform/errors';
import type { LetterRow } from './letter-store';

/** `IL-13` for a letter to a House member (`AK-0` at large), undefined for a letter to a senator. */
export function houseDistrictOf(
  letter: Pick<LetterRow, 'chamber' | 'state' | 'district'>,
): string | undefined {
  return letter.chamber === 'house' && letter.district !== null
    ? `${letter.state}-${letter.district}`
    : undefined;
}

/** The reason stored on a held letter and its outbox row (a code, no personal data). */
export const HELD_TERM_ENDED = 'held: term_ended';
/**
 * The reason stored on a House letter held because the writer's state's new districts are not published
 * yet (letters/renewal): it goes, or is offered as it would now read, once they are.
 */
export const HELD_MAP_AWAITED = 'held: map_awaited';

/** Whether a letter is held waiting for its state's new map (HELD_MAP_AWAITED). */
export function isAwaitingMap(row: { status: string; status_reason: string | null }): boolean {
  return row.status === 'queued' && row.status_reason === HELD_MAP_AWAITED;
}

/**
 * Why a letter failed when the loaded member list no longer has its recipient (they left Congress: not
 * re-elected, resigned, died). Such a letter is never sent; its writer is told and pointed to the members
 * who represent them now.
 */
export const RECIPIENT_LEFT_CONGRESS = 'recipient_left_congress';

type RecipientIndex = Pick<CivicIndex, 'memberByBioguide' | 'termHasEnded'>;

/**
 * 'left_congress' when the member list in service no longer has the recipient; 'term_ended' while their
 * term has ended but the next Congress's list is not loaded yet (they may be back); else 'serving'.
 */
export function recipientStanding(
  civic: RecipientIndex,
  bioguide: string,
  now: Date,
): 'serving' | 'term_ended' | 'left_congress' {
  const member = civic.memberByBioguide(bioguide);
  if (!member) return 'left_congress';
  return civic.termHasEnded(member, now) ? 'term_ended' : 'serving';
}

/** Refusal of a letter to a member whose term ended: the page says the new member list is being updated. */
export function termEndedError(): ConflictError {
  return new ConflictError('messages.termEnded');
}
