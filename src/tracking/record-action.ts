/**
 * tracking/record-action: the contract every channel uses to count a completed action. The tracking
 * component implements it; callers pass their open transaction so the count commits with the action.
 */
import type { ActionKind, Db, RecipientColumns } from '../storage/schema';

export interface ActionInput extends RecipientColumns {
  campaign: string;
  letterId: string | null;
  action: ActionKind;
  /** Salted hash of the sender's normalised email (letters.sender_key): de-duplicates counts. */
  senderKey: string;
  ref: string | null;
  at: Date;
}

/** Returns true when the action was counted, false when the same sender already did it for this member. */
export type RecordAction = (db: Db, input: ActionInput) => Promise<boolean>;
