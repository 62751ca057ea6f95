/**
 * A letter row as the letters table holds it: a draft to Senator Cantwell from a Seattle writer, saved at
 * 2026-11-28 12:00 UTC, with `overrides` for what a test is about.
 */
import type { LetterRow } from '../../src/letters/letter-store';
import { newId } from '../../src/platform/ids';

const AT = '2026-11-28T12:00:00.000Z';

export function letterRow(overrides: Partial<LetterRow> = {}): LetterRow {
  return {
    id: newId(),
    campaign: 'stop-csam',
    batch_id: newId(),
    bioguide: 'C000127',
    chamber: 'senate',
    state: 'WA',
    district: null,
    congress: 119,
    bill: '119-s-1829',
    recipient_name: 'Senator Maria Cantwell',
    sender_name: 'Pat Example',
    sender_email: 'pat@example.org',
    sender_key: 'sender-1',
    sender_street: '1 Main St',
    sender_city: 'Seattle',
    sender_state: 'WA',
    sender_zip: '98101',
    sender_prefix: null,
    sender_phone: null,
    subject: 'Please support S. 1829',
    salutation: 'Dear Senator Cantwell,',
    body: 'Letter text',
    mailing_office: null,
    share_with_campaign: 0,
    own_words: 0,
    ref: null,
    status: 'draft',
    status_reason: null,
    cwc_route_note: null,
    created_at: AT,
    updated_at: AT,
    confirmed_at: null,
    verified_at: null,
    delivered_at: null,
    purged_at: null,
    ...overrides,
  };
}
