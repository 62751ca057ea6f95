/**
 * The CWC 2.0 document and its vocabulary: every document the builder makes passes the stand-in's check of
 * the format (element order, required fields, office codes, topics, bills), and the stand-in refuses
 * documents that break it.
 */
import path from 'node:path';
import { loadCampaigns } from '../../../src/campaign/campaign';
import { createCwcClient, reasonFromBody } from '../../../src/delivery/cwc/client';
import { buildCwcDocument, type CwcDocumentInput } from '../../../src/delivery/cwc/document';
import { memberOfficeCode } from '../../../src/delivery/cwc/format';
import { letterBills, letterDocument, splitName } from '../../../src/delivery/cwc/letter-document';
import { PermanentDeliveryError, TemporaryDeliveryError } from '../../../src/delivery/mailer';
import { startCwcStandIn, validateCwcDocument, type CwcStandIn } from '../../helpers/cwc-stand-in';

const campaign = loadCampaigns(path.resolve('campaigns'), 'stop-csam').get('stop-csam');
const AGENT = {
  name: 'Dear Congress Test Vendor',
  ackEmail: 'ack@vendor.test',
  contactName: 'Pat Vendor',
  contactEmail: 'pat@vendor.test',
  contactPhone: '202-555-0100',
};

function sample(overrides: Partial<CwcDocumentInput> = {}): CwcDocumentInput {
  return {
    deliveryId: 'a'.repeat(32),
    deliveryDate: new Date('2026-11-29T18:00:00Z'),
    agent: AGENT,
    organization: { name: 'Stop CSAM Coalition & Friends', about: 'Volunteers <writing> to Congress' },
    campaignId: 'StopCsamAct2025DearCongressLetters',
    recipient: { memberOffice: 'HIL13' },
    constituent: {
      prefix: 'Dr.',
      firstName: 'Ana',
      lastName: 'Núñez',
      address1: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      phone: '217-555-0100',
      email: 'ana@example.org',
      emailValidated: true,
    },
    message: {
      subject: 'Please support H.R. 3921',
      topics: ['Crime and Law Enforcement', 'Science, Technology, Communications'],
      bills: [{ congress: 119, type: 'hr', number: 3921 }],
      proOrCon: 'Pro',
      constituentMessage: 'Dear Representative Budzinski:\n\nPlease support it & vote "yes" <now>.',
    },
    ...overrides,
  };
}

describe('CWC office codes and bills', () => {
  test('when a seat is named, then its office follows the format: H + state + two digits, S + state + class - 1', () => {
    expect(memberOfficeCode({ chamber: 'house', state: 'IL', district: 13 })).toBe('HIL13');
    expect(memberOfficeCode({ chamber: 'house', state: 'VA', district: 4 })).toBe('HVA04');
    expect(memberOfficeCode({ chamber: 'house', state: 'AK', district: 0 })).toBe('HAK00');
    expect(memberOfficeCode({ chamber: 'house', state: 'DC', district: 0 })).toBe('HDC00');
    expect(memberOfficeCode({ chamber: 'senate', state: 'CA', district: null, senateClass: 1 })).toBe('SCA0');
    expect(memberOfficeCode({ chamber: 'senate', state: 'IL', district: null, senateClass: 3 })).toBe('SIL2');
    expect(memberOfficeCode({ chamber: 'senate', state: 'IL', district: null })).toBeUndefined();
  });

  test('when a letter names its bill, then CWC gets Congress, type and number of it and its companion, the letter’s chamber first', () => {
    const written = '2026-11-29T12:00:00.000Z';
    expect(letterBills(campaign, { chamber: 'house', bill: '119-hr-3921', created_at: written })).toEqual([
      { congress: 119, type: 'hr', number: 3921 },
      { congress: 119, type: 's', number: 1829 },
    ]);
    expect(letterBills(campaign, { chamber: 'senate', bill: '119-s-1829', created_at: written })[0]).toEqual({
      congress: 119,
      type: 's',
      number: 1829,
    });
    // Written after the 119th Congress ended, the letter asked for a reintroduction: no number to cite.
    const afterEnd = '2027-01-04T12:00:00.000Z';
    expect(letterBills(campaign, { chamber: 'house', bill: '119-hr-3921', created_at: afterEnd })).toEqual(
      [],
    );
    expect(letterBills(campaign, { chamber: 'house', bill: null, created_at: written })).toEqual([]);
  });

  test('when a letter written before its bill died is delivered after, then the document cites the letter’s own bill, not one recomputed from the clock', () => {
    const letter = {
      chamber: 'house' as const,
      bill: '119-hr-3921',
      created_at: '2027-01-02T15:00:00.000Z',
      state: 'IL',
      district: 13,
      salutation: 'Dear Representative Budzinski:',
      subject: null,
      sender_prefix: 'Mx.',
      sender_phone: null,
      sender_name: 'Ana Núñez',
      sender_email: 'ana@example.org',
      sender_street: '100 Main St',
      sender_city: 'Springfield',
      sender_state: 'IL',
      sender_zip: '62704',
      body: 'Please support H.R. 3921.',
      own_words: 0,
    };
    const document = validateCwcDocument(
      letterDocument({
        letter,
        member: { chamber: 'house', state: 'IL', district: 13 },
        campaign,
        agent: AGENT,
        deliveryId: 'c'.repeat(32),
        deliveredAt: new Date('2027-01-05T18:00:00Z'),
      }),
      'house',
    );
    if ('problem' in document) throw new Error(document.problem);
    expect(document.document.all('Message.Bills.Bill.BillNumber')).toEqual(['3921', '1829']);
  });

  test('when a name has one word, then it serves as first and last name; else the last word is the last name', () => {
    expect(splitName('Ana María Núñez')).toEqual({ firstName: 'Ana María', lastName: 'Núñez' });
    expect(splitName('Cher')).toEqual({ firstName: 'Cher', lastName: 'Cher' });
  });
});

describe('CWC document', () => {
  test('when a document is built, then the stand-in accepts it and reads every field back, escaped text intact', () => {
    const result = validateCwcDocument(buildCwcDocument(sample()), 'house');
    if ('problem' in result) throw new Error(result.problem);
    const { fields, all } = result.document;
    expect(fields['CWCVersion']).toBe('2.0');
    expect(fields['Delivery.DeliveryDate']).toBe('20261129');
    expect(fields['Delivery.Organization']).toBe('Stop CSAM Coalition & Friends');
    expect(fields['Recipient.MemberOffice']).toBe('HIL13');
    expect(fields['Constituent.Prefix']).toBe('Dr.');
    expect(fields['Constituent.EmailValidation']).toBe('Y');
    expect(fields['Constituent.AddressValidation']).toBeUndefined();
    expect(all('Message.LibraryOfCongressTopics.LibraryOfCongressTopic')).toEqual([
      'Crime and Law Enforcement',
      'Science, Technology, Communications',
    ]);
    expect(fields['Message.Bills.Bill.BillTypeAbbreviation']).toBe('hr');
    expect(fields['Message.ConstituentMessage']).toContain('Please support it & vote "yes" <now>.');
    expect(fields['Message.OrganizationStatement']).toBeUndefined();
  });

  test('when a required field is missing or a value is outside the format, then the builder refuses it', () => {
    expect(() => buildCwcDocument(sample({ recipient: { memberOffice: 'HIL1' } }))).toThrow();
    expect(() => buildCwcDocument(sample({ deliveryId: 'has-dashes' }))).toThrow();
    const noMessage = sample();
    noMessage.message = { ...noMessage.message, constituentMessage: undefined };
    expect(() => buildCwcDocument(noMessage)).toThrow(/OrganizationStatement or a ConstituentMessage/);
    const badTopic = sample();
    badTopic.message = { ...badTopic.message, topics: ['Child Safety' as never] };
    expect(() => buildCwcDocument(badTopic)).toThrow();
  });

  test('when a document breaks the order, misses a required element or names an unknown topic, then the stand-in refuses it', () => {
    const xml = buildCwcDocument(sample());
    const swapped = xml.replace(
      /(<FirstName>.*<\/FirstName>)(\s*)(<LastName>.*<\/LastName>)/,
      (_m, first: string, gap: string, last: string) => `${last}${gap}${first}`,
    );
    expect(validateCwcDocument(swapped, 'house')).toEqual({
      problem: 'Constituent.FirstName: out of order',
    });
    expect(validateCwcDocument(xml.replace(/<CampaignId>.*<\/CampaignId>/, ''), 'house')).toEqual({
      problem: 'Delivery.CampaignId: required element missing',
    });
    expect(
      validateCwcDocument(xml.replace('Crime and Law Enforcement', 'Child Safety'), 'house'),
    ).toMatchObject({ problem: expect.stringContaining('LibraryOfCongressTopic') });
    expect(validateCwcDocument(xml, 'senate')).toMatchObject({
      problem: expect.stringContaining('Senate office'),
    });
  });

  test('when a saved letter is unedited, then it goes as the organisation’s statement; with the person’s words, as theirs', () => {
    const letter = {
      chamber: 'house' as const,
      state: 'IL',
      district: 13,
      salutation: 'Dear Representative Budzinski:',
      subject: null,
      sender_prefix: 'none',
      sender_phone: null,
      sender_name: 'Ana Núñez',
      sender_email: 'ana@example.org',
      sender_street: '100 Main St',
      sender_city: 'Springfield',
      sender_state: 'IL',
      sender_zip: '62704',
      body: 'Please support H.R. 3921.',
      own_words: 0,
      bill: '119-hr-3921',
      created_at: '2026-11-29T12:00:00.000Z',
    };
    const input = {
      member: { chamber: 'house' as const, state: 'IL', district: 13 },
      campaign,
      agent: AGENT,
      deliveryId: 'b'.repeat(32),
      deliveredAt: new Date('2026-11-29T18:00:00Z'),
    };
    const unedited = validateCwcDocument(letterDocument({ ...input, letter }), 'house');
    if ('problem' in unedited) throw new Error(unedited.problem);
    expect(unedited.document.fields['Message.OrganizationStatement']).toContain('Please support H.R. 3921.');
    expect(unedited.document.fields['Message.ConstituentMessage']).toBeUndefined();
    expect(unedited.document.fields['Constituent.Prefix']).toBe('Mx.');
    expect(unedited.document.fields['Delivery.CampaignId']).toBe(campaign.cwc!.campaignId);
    expect(unedited.document.fields['Message.ProOrCon']).toBe('Pro');
    const own = validateCwcDocument(
      letterDocument({ ...input, letter: { ...letter, own_words: 1 } }),
      'house',
    );
    if ('problem' in own) throw new Error(own.problem);
    expect(own.document.fields['Message.ConstituentMessage']).toContain('Please support H.R. 3921.');
    expect(own.document.fields['Message.OrganizationStatement']).toBeUndefined();
  });
});

describe('CWC client', () => {
  let standIn: CwcStandIn;
  beforeAll(async () => {
    standIn = await startCwcStandIn({ apiKey: 'right-key' });
  });
  afterAll(async () => {
    await standIn.close();
  });

  test('when the service accepts, refuses, fails or hangs, then the client says delivered, permanent or temporary', async () => {
    const client = createCwcClient({ url: standIn.url, apiKey: 'right-key', timeoutMs: 20_000 });
    // Only the hanging request waits for a timeout; a busy machine must not turn the others into one.
    const impatient = createCwcClient({ url: standIn.url, apiKey: 'right-key', timeoutMs: 300 });
    const xml = buildCwcDocument(sample());
    await expect(client.deliver(xml)).resolves.toBeUndefined();
    expect(standIn.received.map((d) => d.deliveryId)).toEqual(['a'.repeat(32)]);

    standIn.rejectNext('Constituent.Zip: not in the district');
    const rejected = await client.deliver(xml).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(PermanentDeliveryError);
    expect((rejected as PermanentDeliveryError).reason).toBe('cwc_400: Constituent.Zip: not in the district');

    standIn.failNext(503);
    await expect(client.deliver(xml)).rejects.toThrow(TemporaryDeliveryError);
    standIn.hangNext();
    await expect(impatient.deliver(xml)).rejects.toMatchObject({ reason: 'cwc_timeout' });
    standIn.setDown(true);
    await expect(client.deliver(xml)).rejects.toMatchObject({ reason: 'cwc_unreachable' });
    standIn.setDown(false);

    const wrongKey = createCwcClient({ url: standIn.url, apiKey: 'wrong-key', timeoutMs: 20_000 });
    await expect(wrongKey.deliver(xml)).rejects.toMatchObject({ reason: 'cwc_401', retryable: true });
    const checked = await client.validate(xml);
    expect(checked).toMatchObject({ ok: true, status: 200 });
    expect(standIn.validated).toHaveLength(1);
    expect(standIn.received).toHaveLength(1);
  });

  test('when the service explains a refusal in XML, then the reason is its text on one line', () => {
    expect(reasonFromBody('<?xml version="1.0"?>\n<Errors><Error>Bad &amp; wrong</Error>\n</Errors>')).toBe(
      'Bad & wrong',
    );
    expect(reasonFromBody('')).toBe('no reason given');
  });
});
