/**
 * delivery/printable: turns a saved letter into what the print view and the PDF draw, with the mailing
 * office the person chose (default: the district office nearest them).
 */
import type { Member } from '../civic-data/types';
import type { LetterRow } from '../letters/letter-store';
import { ValidationError } from '../platform/errors';
import { chooseMailingOffices, type MailingOffice } from './mailing-office';
import type { PrintableLetter } from './pdf';
import { dateTimeFormat } from '../platform/i18n-format';
import { LETTER_CLOSING } from '../letters/letter';

interface PrintChoice {
  letter: PrintableLetter;
  office: MailingOffice | undefined;
  options: MailingOffice[];
}

/** Builds the printable letter, addressed to the office the person chose, else the one nearest them. */
export function printableLetter(row: LetterRow, member: Member | undefined, date: Date): PrintChoice {
  if (row.body === null || row.sender_name === null) throw new ValidationError('messages.letterTextDeleted');
  const choice = member && chooseMailingOffices(member, row.sender_zip ?? '');
  // With the member known there is always an office: the nearest district office, else the DC office.
  const office = choice && (choice.options.find((o) => o.id === row.mailing_office) ?? choice.recommended);
  return {
    office,
    options: choice?.options ?? [],
    letter: {
      sender: {
        name: row.sender_name,
        street: row.sender_street ?? '',
        city: row.sender_city ?? '',
        state: row.sender_state ?? '',
        zip: row.sender_zip ?? '',
      },
      // "November 28, 2026": letters to Congress are written in US English.
      date: dateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(date),
      recipientAddress: office?.addressLines ?? [row.recipient_name],
      salutation: row.salutation,
      body: row.body,
      closing: LETTER_CLOSING,
      subject: row.subject ?? undefined,
    },
  };
}
