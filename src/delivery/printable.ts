/**
 * delivery/printable: turns a saved letter into what the print view and the PDF draw, with the mailing
 * office the person chose (default: the district office nearest them).
 */
import type { Member } from '../civic-data/types';
import { washingtonAddressBlock } from '../letters/letter';
import type { LetterRow } from '../letters/letter-store';
import { ValidationError } from '../platform/errors';
import { chooseMailingOffices, type MailingOffice } from './mailing-office';
import type { PrintableLetter } from './pdf';
import { dateTimeFormat } from '../platform/i18n-format';

export interface PrintChoice {
  letter: PrintableLetter;
  office: MailingOffice | undefined;
  options: MailingOffice[];
}

/** "November 28, 2026" in US English: letters to Congress are written in English. */
export function formatLetterDate(date: Date): string {
  return dateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
    date,
  );
}

/** Builds the printable letter, addressed to the office the person chose, else the one nearest them. */
export function printableLetter(row: LetterRow, member: Member | undefined, date: Date): PrintChoice {
  if (row.body === null || row.sender_name === null) {
    throw new ValidationError('messages.letterTextDeleted');
  }
  let office: MailingOffice | undefined;
  let options: MailingOffice[] = [];
  if (member) {
    const choice = chooseMailingOffices(member, row.sender_zip ?? '');
    options = choice.options;
    office = options.find((o) => o.id === row.mailing_office) ?? choice.recommended;
  }
  const recipientAddress =
    office?.addressLines ?? (member ? washingtonAddressBlock(member) : [row.recipient_name]);
  return {
    office,
    options,
    letter: {
      sender: {
        name: row.sender_name,
        street: row.sender_street ?? '',
        city: row.sender_city ?? '',
        state: row.sender_state ?? '',
        zip: row.sender_zip ?? '',
      },
      date: formatLetterDate(date),
      recipientAddress,
      salutation: row.salutation,
      body: row.body,
      closing: 'Sincerely,',
      subject: row.subject ?? undefined,
    },
  };
}
