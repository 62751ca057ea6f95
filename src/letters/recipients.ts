/**
 * letters/recipients: whether a letter may still go to its recipient. At the end of a Congress the members
 * whose term ended stay in the index until the next Congress's data is loaded (lookups keep answering), but
 * no letter is saved for them or sent to them: saving is refused, and queued letters are held.
 */
import type { CivicIndex } from '../civic-data/load';
import { ConflictError } from '../platform/errors';

/** The reason stored on a held letter and its outbox row (a code, no personal data). */
export const HELD_TERM_ENDED = 'held: term_ended';

export type RecipientIndex = Pick<CivicIndex, 'memberByBioguide' | 'termHasEnded'>;

/** True when the letter must not go out now: its recipient's term has ended, or they are no longer a member. */
export function recipientTermEnded(civic: RecipientIndex, bioguide: string, now: Date): boolean {
  const member = civic.memberByBioguide(bioguide);
  return !member || civic.termHasEnded(member, now);
}

/** Refusal of a letter to a member whose term ended: the page says the new member list is being updated. */
export function termEndedError(): ConflictError {
  return new ConflictError('messages.termEnded');
}
