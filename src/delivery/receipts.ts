/**
 * delivery/receipts: where each letter went, when, and under which id, read from the outbox rows that
 * carried it: delivered to the office's correspondence system (CWC), sent to the campaign's inbox (the
 * email relay), failed with the reason, or not yet. The letters page and the sender's emails both say
 * this, so the person holds a receipt they can quote to an office.
 */
import type { OutboxRow } from './outbox';
import { dateTimeFormat } from '../platform/i18n-format';

type ReceiptWhere = 'office' | 'campaign_inbox' | 'failed' | 'pending' | 'not_sent';

export interface LetterReceipt {
  where: ReceiptWhere;
  /** 'cwc' or 'relay' once the letter was confirmed. */
  channel: 'cwc' | 'relay' | null;
  /** When it was delivered or sent (ISO). */
  at: string | null;
  /** The CWC DeliveryId, or the relay email's Message-ID local part. */
  id: string | null;
  /** Why it failed. */
  reason: string | null;
  /**
   * CWC only: the service did not take the letter yet (down, busy or in maintenance) and it is being
   * retried: the receipt says it waits for the office's system rather than that it is on its way.
   */
  waiting?: boolean;
}

/** The receipt of one letter from its outbox rows (any order). */
export function receiptOf(letterId: string, rows: OutboxRow[]): LetterReceipt {
  const carrier =
    rows.find((r) => r.letter_id === letterId && r.kind === 'cwc') ??
    rows.find((r) => r.letter_id === letterId && r.kind === 'office');
  if (!carrier) return { where: 'not_sent', channel: null, at: null, id: null, reason: null };
  const channel = carrier.kind === 'cwc' ? 'cwc' : 'relay';
  const base = { channel, id: carrier.id } as const;
  if (carrier.status === 'sent') {
    return {
      ...base,
      where: channel === 'cwc' ? 'office' : 'campaign_inbox',
      at: carrier.sent_at,
      reason: null,
    };
  }
  if (carrier.status === 'failed') return { ...base, where: 'failed', at: null, reason: carrier.last_error };
  const waiting = channel === 'cwc' && carrier.attempts > 0 && carrier.last_error !== null;
  return { ...base, where: 'pending', at: null, reason: null, ...(waiting ? { waiting } : {}) };
}

/** "Dear Representative Budzinski:" -> "Representative Budzinski". */
export function addresseeOf(salutation: string, fallback: string): string {
  const match = /^Dear (.+?)[:,]?$/.exec(salutation.trim());
  return match?.[1] ?? fallback;
}

/** "29 November 2026, 19:30 UTC". */
function receiptTime(iso: string): string {
  const date = new Date(iso);
  const day = dateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  const time = dateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return `${day}, ${time} UTC`;
}

/** The receipt as one English sentence, for the sender's emails (letters to Congress are in English). */
export function receiptSentence(receipt: LetterReceipt, addressee: string): string {
  switch (receipt.where) {
    case 'office':
      return `Delivered to ${addressee}'s office through Communicating with Congress, delivery id ${receipt.id}, on ${receiptTime(receipt.at!)}.`;
    case 'campaign_inbox':
      return `Sent to the campaign's inbox, not to the office, on ${receiptTime(receipt.at!)} (message id ${receipt.id}).`;
    case 'failed':
      return `Not delivered: ${receipt.reason ?? 'the delivery failed'}.`;
    case 'pending':
      if (receipt.waiting) {
        return `Waiting for the office's system: Communicating with Congress has not taken this letter to ${addressee} yet (the service is busy or in maintenance); it is tried again for several hours.`;
      }
      return receipt.channel === 'cwc'
        ? `Not delivered yet: on its way to ${addressee}'s office through Communicating with Congress.`
        : "Not sent yet: on its way to the campaign's inbox.";
    default:
      return 'Not sent.';
  }
}
