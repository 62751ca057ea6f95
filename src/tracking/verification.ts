/**
 * tracking/verification: which letters the public counts include (issue 18). A letter counts once it is
 * verified: its sender confirmed their email (on any channel), or its office accepted it (a delivery
 * channel that gets an acceptance calls verifyLetters with the accepted letter). A print or "I sent it
 * through the website" click from a sender who has not confirmed is counted apart, once per letter, as
 * "reported by writers", and moves into the verified count when the sender confirms.
 */
import { sql } from 'kysely';
import { markLettersVerified, type LetterRow } from '../letters/letter-store';
import type { Db } from '../storage/schema';
import { actionFor, incrementCounters, recordAction, recordActions } from './actions';
import { withTransaction } from '../storage/database';
import { applyCountCaps, holdCounts, type CountCaps } from './count-review';

/**
 * Marks letters verified and counts them (once per sender and member), in the caller's transaction when
 * `db` is one. With `caps`, a letter above its mailbox's day or its district's hour is held for the
 * organiser instead (src/tracking/count-review.ts). Letters already verified are skipped; a letter that
 * had been "reported by writers" leaves that count. Returns how many letters became verified.
 */
export async function verifyLetters(
  db: Db,
  letters: readonly LetterRow[],
  at: Date,
  caps?: CountCaps,
): Promise<number> {
  if (letters.length === 0) return 0;
  return withTransaction(db, async (trx) => {
    const letterIds = letters.map((l) => l.id);
    const ids = new Set(await markLettersVerified(trx, letterIds, at.toISOString()));
    const verified = letters.filter((l) => ids.has(l.id));
    if (verified.length === 0) return 0;
    const actions = verified.map((letter) => ({ letter, action: actionFor(letter, 'verified', at) }));
    // Above a mailbox's or a district's cap a letter is held for the organiser instead of counted.
    const { count, hold } = caps
      ? await applyCountCaps(trx, actions, at, caps)
      : { count: actions.map((a) => a.action), hold: [] };
    await recordActions(trx, count);
    await holdCounts(trx, hold, at);
    const reported = await trx
      .selectFrom('actions')
      .select(['campaign', sql<number>`count(*)`.as('letters')])
      .where('action', '=', 'reported')
      .where('letter_id', 'in', [...ids])
      .groupBy('campaign')
      .execute();
    for (const row of reported) {
      await incrementCounters(trx, row.campaign, [
        { dimension: 'reported', key: 'all', by: -Number(row.letters) },
      ]);
    }
    return verified.length;
  });
}

/**
 * A writer says they printed the letter or sent it through the member's web form: counts the channel
 * once per letter and, unless the letter is verified, adds it to "reported by writers" once.
 */
export async function reportSend(
  db: Db,
  letter: LetterRow,
  channel: 'printed' | 'webform',
  at: Date,
): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    const counted = await recordAction(trx, actionFor(letter, channel, at));
    if (letter.verified_at === null) await recordAction(trx, actionFor(letter, 'reported', at));
    return counted;
  });
}
