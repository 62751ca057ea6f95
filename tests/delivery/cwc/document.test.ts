/**
 * The CWC 2.0 document and its vocabulary: every document the builder makes is valid against the CWC 2.0
 * schema (../shared/cwc/cwc-2.0-house.rng, with the Senate's rules for Senate offices) and the stand-in's
 * check; the builder refuses what the schema refuses, and a letter written up to every limit of the form
 * (accents, Arabic) is a document the schema accepts.
 */
import path from 'node:path';
import { loadCampaigns } from '../../../src/campaign/campaign';
import { createCwcClient, reasonFromBody } from '../../../src/delivery/cwc/client';
import { buildCwcDocument, type CwcDocumentInput } from '../../../src/delivery/cwc/document';
import { memberOfficeCode } from '../../../src/delivery/cwc/format';
import { letterBills, letterDocument, splitName } from '../../../src/delivery/cwc/letter-document';
import { PermanentDeliveryError, TemporaryDeliveryError } from '../../../src/delivery/mailer';
import { startCwcStandIn, validateCwcDocument, type CwcStandIn } from '../../helpers/cwc-stand-in';
import { expectSchemaValid, schemaResults, testWithCwcSchema } from '../../helpers/cwc-schema';
import { MAX_BODY_LENGTH, MAX_NOTE_LENGTH, insertPersonalNote } from '../../../src/letters/letter';

/** Every document this file builds, checked against the schema at the end. */
const built: Array<{ name: string; xml: string }> = [];
function keep(name: string, xml: string): string {
  built.push({ name, xml });
  return xml;
}
afterAll(async () => {
  await expectSchemaValid(built);
});

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
  test('when a seat is named, then its office follows the format: H + state + two digits, S + state + two-digit class', () => {
    expect(memberOfficeCode({ chamber: 'house', state: 'IL', district: 13 })).toBe('HIL13');
    expect(memberOfficeCode({ chamber: 'house', state: 'VA', district: 4 })).toBe('HVA04');
    expect(memberOfficeCode({ chamber: 'house', state: 'AK', district: 0 })).toBe('HAK00');
    expect(memberOfficeCode({ chamber: 'house', state: 'DC', district: 0 })).toBe('HDC00');
    expect(memberOfficeCode({ chamber: 'senate', state: 'CA', district: null, senateClass: 1 })).toBe(
      'SCA01',
    );
    expect(memberOfficeCode({ chamber: 'senate', state: 'IL', district: null, senateClass: 2 })).toBe(
      'SIL02',
    );
    expect(memberOfficeCode({ chamber: 'senate', state: 'IL', district: null, senateClass: 3 })).toBe(
      'SIL03',
    );
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
      keep(
        'delivered after its bill died',
        letterDocument({
          letter,
          member: { chamber: 'house', state: 'IL', district: 13 },
          campaign,
          agent: AGENT,
          deliveryId: 'c'.repeat(32),
          deliveredAt: new Date('2027-01-05T18:00:00Z'),
        }),
      ),
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
    const result = validateCwcDocument(keep('sample', buildCwcDocument(sample())), 'house');
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

  // The delivery agent's settings are checked by the config at start-up (tests/config/config.test.ts).
  test('when a value is shorter or longer than the schema allows, then the builder refuses it, naming the field', () => {
    const base = sample();
    const refusals: Array<[string, CwcDocumentInput]> = [
      ['campaignId', { ...base, campaignId: 'S' }],
      ['organization.name', { ...base, organization: { name: 'Stop' } }],
      ['organization.about', { ...base, organization: { name: 'Stop CSAM', about: 'a'.repeat(501) } }],
      ['constituent.city', { ...base, constituent: { ...base.constituent, city: 'Ai' } }],
      ['constituent.address1', { ...base, constituent: { ...base.constituent, address1: '1A' } }],
      ['message.subject', { ...base, message: { ...base.message, subject: 'Hi!' } }],
      [
        'message.constituentMessage',
        { ...base, message: { ...base.message, constituentMessage: 'x'.repeat(10_001) } },
      ],
      ['deliveryId', { ...base, deliveryId: 'a'.repeat(31) }],
    ];
    for (const [field, input] of refusals) {
      const error = (() => {
        try {
          buildCwcDocument(input);
          return undefined;
        } catch (e) {
          return e as { issues?: Array<{ path: PropertyKey[] }> };
        }
      })();
      expect([field, error?.issues?.[0]?.path.join('.')]).toEqual([field, field]);
    }
    // Counted as XML counts: five emoji are five characters (ten UTF-16 units), under Subject's six.
    expect(() =>
      buildCwcDocument({ ...base, message: { ...base.message, subject: '😀😀😀😀😀' } }),
    ).toThrow();
    expect(() =>
      buildCwcDocument({ ...base, message: { ...base.message, constituentMessage: 'Hello \uFFFF there' } }),
    ).toThrow();
  });

  testWithCwcSchema(
    'when the schema itself checks what the builder refuses, then it refuses it too (the limits are the schema’s)',
    async () => {
      const xml = buildCwcDocument(sample());
      const results = await schemaResults([
        { name: 'valid', xml },
        { name: 'short agent', xml: xml.replace('Dear Congress Test Vendor', 'DCV') },
        { name: 'short city', xml: xml.replace('<City>Springfield</City>', '<City>Ai</City>') },
        {
          name: 'long message',
          xml: xml.replace(
            /<ConstituentMessage>[\s\S]*<\/ConstituentMessage>/,
            `<ConstituentMessage>${'x'.repeat(10_001)}</ConstituentMessage>`,
          ),
        },
        { name: 'old senate code', xml: xml.replace('HIL13', 'SIL1') },
      ]);
      if (!results) throw new Error('the schema check did not run');
      expect(results.map((r) => [r.name, r.ok])).toEqual([
        ['valid', true],
        ['short agent', false],
        ['short city', false],
        ['long message', false],
        ['old senate code', false],
      ]);
    },
  );

  test('when a letter goes to a senator, then it carries the Senate’s office code, prefixes and printed bill types, and no other prefix', async () => {
    const senate = sample({
      recipient: { memberOffice: 'SIL02' },
      message: {
        ...sample().message,
        bills: [
          { congress: 119, type: 's', number: 1829 },
          { congress: 119, type: 'hr', number: 3921 },
        ],
      },
    });
    const xml = keep('senate', buildCwcDocument(senate));
    const result = validateCwcDocument(xml, 'senate');
    if ('problem' in result) throw new Error(result.problem);
    expect(result.document.all('Message.Bills.Bill.BillTypeAbbreviation')).toEqual(['S.', 'H.R.']);
    expect(result.document.memberOffice).toBe('SIL02');
    for (const prefix of ['Mx.', '', 'Rev.']) {
      expect(() => buildCwcDocument({ ...senate, constituent: { ...senate.constituent, prefix } })).toThrow();
    }
    for (const prefix of ['Mr.', 'Mrs.', 'Miss', 'Ms.', 'Dr.']) {
      keep(
        `senate ${prefix}`,
        buildCwcDocument({ ...senate, constituent: { ...senate.constituent, prefix } }),
      );
    }
    // The House takes Mx.
    keep(
      'house Mx.',
      buildCwcDocument({ ...sample(), constituent: { ...sample().constituent, prefix: 'Mx.' } }),
    );
    const schema = await schemaResults([
      { name: 'senate Mx.', xml: xml.replace('<Prefix>Dr.</Prefix>', '<Prefix>Mx.</Prefix>') },
    ]);
    if (schema) expect(schema[0]!.ok).toBe(false);
  });

  test('when a letter is written up to every limit of the form, with accents and Arabic, then the document is one the schema accepts, to the House and the Senate', () => {
    const arabic = 'أطلب منكم دعم هذا القانون لحماية الأطفال على الإنترنت. ';
    const accents = 'Niños y familias de Peñíscola, São Tomé, Zürich — «protección». ';
    const fill = (unit: string, length: number) =>
      unit
        .repeat(Math.ceil(length / unit.length))
        .slice(0, length)
        .trim()
        .padEnd(length, 'é');
    const body = fill(`${accents}${arabic}\n\n`, MAX_BODY_LENGTH);
    const note = fill(`${arabic}${accents}`, MAX_NOTE_LENGTH);
    const letterBody = insertPersonalNote(body, note);
    expect(letterBody.length).toBeGreaterThanOrEqual(10_000 - 2);
    const longest = {
      chamber: 'house' as const,
      bill: '119-hr-3921',
      created_at: '2026-11-29T12:00:00.000Z',
      state: 'IL',
      district: 13,
      subject: null,
      sender_prefix: 'Dr.',
      sender_phone: '217-555-0100',
      sender_name: 'محمد عبد الرحمن Núñez '.repeat(6).slice(0, 100),
      sender_email: `${'a'.repeat(64)}@${'b'.repeat(63)}.example.org`,
      sender_street: `${'1234 Avenida de los Niños Héroes, '.repeat(6)}`.slice(0, 200).trim(),
      sender_city: `${'São José de los Ángeles '.repeat(5)}`.slice(0, 100).trim(),
      sender_state: 'IL',
      sender_zip: '62704-1234',
      body: letterBody,
      own_words: 1,
    };
    const common = { campaign, agent: AGENT, deliveredAt: new Date('2026-11-29T18:00:00Z') };
    const house = keep(
      'longest house letter',
      letterDocument({
        ...common,
        letter: longest,
        member: { chamber: 'house', state: 'IL', district: 13 },
        deliveryId: 'c'.repeat(32),
      }),
    );
    const senate = keep(
      'longest senate letter',
      letterDocument({
        ...common,
        letter: { ...longest, chamber: 'senate', bill: '119-s-1829' },
        member: { chamber: 'senate', state: 'IL', district: null, senateClass: 2 },
        deliveryId: 'd'.repeat(32),
      }),
    );
    for (const [xml, chamber] of [
      [house, 'house'],
      [senate, 'senate'],
    ] as const) {
      const result = validateCwcDocument(xml, chamber);
      if ('problem' in result) throw new Error(result.problem);
      expect(result.document.fields['Message.ConstituentMessage']).toBe(letterBody);
      expect(result.document.fields['Constituent.City']).toBe(longest.sender_city);
    }
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
      problem: expect.stringContaining('MemberOffice'),
    });
  });

  test('when a saved letter is unedited, then it goes as the organisation’s statement; with the person’s words, as theirs', () => {
    const letter = {
      chamber: 'house' as const,
      state: 'IL',
      district: 13,
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
    const unedited = validateCwcDocument(keep('unedited', letterDocument({ ...input, letter })), 'house');
    if ('problem' in unedited) throw new Error(unedited.problem);
    // The letter's body alone: greeting, closing and name travel in their own fields.
    expect(unedited.document.fields['Message.OrganizationStatement']).toBe('Please support H.R. 3921.');
    expect(unedited.document.fields['Message.ConstituentMessage']).toBeUndefined();
    expect(unedited.document.fields['Constituent.Prefix']).toBe('Mx.');
    expect(unedited.document.fields['Delivery.CampaignId']).toBe(campaign.cwc!.campaignId);
    expect(unedited.document.fields['Message.ProOrCon']).toBe('Pro');
    const own = validateCwcDocument(
      keep('own words', letterDocument({ ...input, letter: { ...letter, own_words: 1 } })),
      'house',
    );
    if ('problem' in own) throw new Error(own.problem);
    expect(own.document.fields['Message.ConstituentMessage']).toContain('Please support H.R. 3921.');
    expect(own.document.fields['Message.OrganizationStatement']).toBeUndefined();
  });
});

describe('CWC client', () => {
  let standIn: CwcStandIn;
  let senate: CwcStandIn;
  beforeAll(async () => {
    standIn = await startCwcStandIn({ apiKey: 'right-key' });
    senate = await startCwcStandIn({ chamber: 'senate', offices: ['SIL02', 'SIL03'] });
  });
  afterAll(async () => {
    await standIn.close();
    await senate.close();
    // Every document posted, but the one refused on purpose.
    await expectSchemaValid(
      [...standIn.posted, ...senate.posted].filter((p) => !p.xml.includes('<MemberOffice>SIL2<')),
    );
  });

  test('when the service accepts, refuses, fails or hangs, then the client says delivered, permanent or temporary', async () => {
    const client = createCwcClient({
      chamber: 'house',
      url: standIn.url,
      apiKey: 'right-key',
      timeoutMs: 20_000,
    });
    // Only the hanging request waits for a timeout; a busy machine must not turn the others into one.
    const impatient = createCwcClient({
      chamber: 'house',
      url: standIn.url,
      apiKey: 'right-key',
      timeoutMs: 300,
    });
    const xml = buildCwcDocument(sample());
    await expect(client.deliver(xml)).resolves.toEqual({ status: 200, alreadyDelivered: false });
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

    const wrongKey = createCwcClient({
      chamber: 'house',
      url: standIn.url,
      apiKey: 'wrong-key',
      timeoutMs: 20_000,
    });
    const refusedKey = wrongKey.deliver(xml);
    await expect(refusedKey).rejects.toThrow(TemporaryDeliveryError);
    await expect(refusedKey).rejects.toMatchObject({ reason: 'cwc_401' });
    const checked = await client.validate(xml);
    expect(checked).toMatchObject({ ok: true, status: 200 });
    expect(standIn.validated).toHaveLength(1);
    expect(standIn.received).toHaveLength(1);
  });

  test('when the Senate takes a letter, then the URL is used as given, 201 is delivered and 409 (already taken) is delivered too', async () => {
    const client = createCwcClient({
      chamber: 'senate',
      url: senate.url,
      officesUrl: senate.officesUrl,
      timeoutMs: 20_000,
    });
    const xml = buildCwcDocument(sample({ recipient: { memberOffice: 'SIL02' } }));
    await expect(client.deliver(xml)).resolves.toEqual({ status: 201, alreadyDelivered: false });
    await expect(client.deliver(xml)).resolves.toEqual({ status: 409, alreadyDelivered: true });
    expect(senate.requests.map((r) => [r.path, r.status])).toEqual([
      ['/api/testing-messages/', 201],
      ['/api/testing-messages/', 409],
    ]);
    expect(senate.received).toHaveLength(1);
    await expect(client.validate(xml)).rejects.toThrow(/no validate endpoint/);
    // A schema error comes back as <Error> elements, and the letter is not retried.
    const refused = await client
      .deliver(xml.replace('SIL02', 'SIL2').replace('a'.repeat(32), 'e'.repeat(32)))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).reason).toMatch(/^cwc_400: .*MemberOffice/);
    expect(await client.offices()).toEqual([{ office_code: 'SIL02' }, { office_code: 'SIL03' }]);
  });

  test('when the House lists its offices, then the list comes from /v2/offices with the key', async () => {
    const client = createCwcClient({ chamber: 'house', url: standIn.url, apiKey: 'right-key' });
    const offices = (await client.offices()) as string[];
    expect(offices).toContain('HIL13');
    expect(standIn.requests.at(-1)).toEqual({ path: '/v2/offices', status: 200 });
  });

  test('when the service explains a refusal in XML, then the reason is its text on one line', () => {
    expect(reasonFromBody('<?xml version="1.0"?>\n<Errors><Error>Bad &amp; wrong</Error>\n</Errors>')).toBe(
      'Bad & wrong',
    );
    expect(reasonFromBody('')).toBe('no reason given');
  });
});
