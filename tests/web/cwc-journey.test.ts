/**
 * Delivery to the office through Communicating with Congress, through the pages: a person in IL-13 saves
 * letters, confirms their email, and the outbox delivers the House letter to a local CWC stand-in, the
 * letter to the senator on the Senate list to a Senate stand-in, and the other senator's letter to the
 * campaign's inbox. Covers acceptance, 503 then acceptance, 400, the service down, and a restart.
 */
import { decodeHTML } from 'entities';
import request from 'supertest';
import { createRuntime } from '../../src/bootstrap';
import { createTestApp, type TestApp } from '../helpers/app';
import { cwcSettings, startCwcStandIn, type CwcStandIn } from '../helpers/cwc-stand-in';
import {
  askForConfirmation,
  confirmationPath,
  openWritePage,
  pressConfirm,
  saveLetters,
} from '../helpers/letter-forms';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';
import { csrfSession } from './security-helpers';

const BUDZINSKI = 'B001315';
const DURBIN_OFFICE = 'SIL02'; // class 2 seat
const MINUTES = 60_000;

// Whole journeys through the pages, the outbox and two stand-ins that run xmllint on every document.
jest.setTimeout(120_000);

let sink: SmtpSink;
let house: CwcStandIn;
let senate: CwcStandIn;

function cwcEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
    ...cwcSettings({ house, senate }),
    ...extra,
  };
}

beforeAll(async () => {
  sink = await SmtpSink.start();
  house = await startCwcStandIn({ apiKey: 'house-key' });
  // Durbin's office takes CWC; Duckworth's (SIL03) is not on the Senate's list.
  senate = await startCwcStandIn({ chamber: 'senate', offices: [DURBIN_OFFICE] });
});
afterAll(async () => {
  await house.close();
  await senate.close();
  await sink.stop();
});

interface Confirmed {
  batchUrl: string;
  /** The CWC DeliveryId (outbox id) of the House letter. */
  houseDeliveryId: string;
  letterId: string;
}

/** Saves letters to all three members as `email`, asks for email, clicks the link. */
async function saveAndConfirm(t: TestApp, email: string): Promise<Confirmed> {
  const csrf = await csrfSession(t.app);
  const client = request(t.app);
  const { html, members } = await openWritePage(client);
  expect(html).toContain('name="prefix"');
  const batchUrl = await saveLetters(client, csrf, {
    email,
    prefix: 'Ms.',
    phone: '(217) 555-0100',
    member: members,
  });
  await askForConfirmation(client, csrf, batchUrl);
  const before = sink.messages.length;
  await t.runtime.worker.runOnce();
  const confirmation = (await sink.waitForMessages(before + 1)).at(-1)!;
  const link = confirmationPath(confirmation.parsed.text);
  // The email and the page say where the letters go: the offices' own systems.
  expect(confirmation.parsed.text).toContain("to the office's own system (Communicating with Congress)");
  // The link opens a page; its "Send my letters" button confirms (GET changes nothing).
  const page = await request(t.app).get(link).expect(200);
  expect(page.text).toContain('Goes to the office’s own system (Communicating with Congress).');
  await pressConfirm(client, csrf, link);
  const batchId = batchUrl.split('/').pop()!;
  const db = t.runtime.deps.storage.db;
  const letter = await db
    .selectFrom('letters')
    .select('id')
    .where('batch_id', '=', batchId)
    .where('bioguide', '=', BUDZINSKI)
    .executeTakeFirstOrThrow();
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('letter_id', '=', letter.id)
    .where('kind', '=', 'cwc')
    .executeTakeFirstOrThrow();
  return { batchUrl, houseDeliveryId: row.id, letterId: letter.id };
}

async function drain(t: TestApp): Promise<void> {
  while ((await t.runtime.worker.runOnce()) > 0);
}

async function pageText(t: TestApp, url: string): Promise<string> {
  return decodeHTML((await request(t.app).get(url).expect(200)).text);
}

const mailsTo = (address: string): ReceivedMail[] =>
  sink.messages.filter((m) => m.envelopeTo.includes(address));

describe('delivery through Communicating with Congress', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(cwcEnv());
  });
  afterAll(async () => {
    await t.close();
  });

  test('when a person confirms, then each office gets one valid document and the page and the copy carry the receipt', async () => {
    const before = (await request(t.app).get('/api/campaigns/stop-csam/stats')).body.byChannel;
    const { batchUrl, houseDeliveryId } = await saveAndConfirm(t, 'ana@example.org');
    expect(house.received).toHaveLength(0); // nothing leaves before the worker runs
    await drain(t);

    // One valid document per office: the House letter to HIL13, Durbin's to the Senate service.
    expect(house.received.map((d) => [d.memberOffice, d.deliveryId])).toEqual([['HIL13', houseDeliveryId]]);
    expect(senate.received.map((d) => d.memberOffice)).toEqual([DURBIN_OFFICE]);
    const doc = house.received[0]!.fields;
    expect(doc['Constituent.Prefix']).toBe('Ms.');
    expect(doc['Constituent.FirstName']).toBe('Ana');
    expect(doc['Constituent.LastName']).toBe('Núñez');
    expect(doc['Constituent.Phone']).toBe('217-555-0100');
    expect(doc['Constituent.EmailValidation']).toBe('Y');
    expect(doc['Message.Bills.Bill.BillNumber']).toBe('3921');
    expect(doc['Message.OrganizationStatement']).toContain('H.R. 3921'); // unedited: the campaign's text
    expect(house.received[0]!.all('Message.LibraryOfCongressTopics.LibraryOfCongressTopic')).toEqual([
      'Crime and Law Enforcement',
      'Science, Technology, Communications',
    ]);

    // Duckworth's office is not on the Senate list: her letter goes to the campaign's inbox, marked a copy.
    const relayed = mailsTo('letters@stop-csam.example.org');
    expect(relayed).toHaveLength(1);
    expect(relayed[0]!.parsed.text).toContain('Dear Senator Duckworth:');
    expect(relayed[0]!.parsed.text).toContain('COPY FOR THE CAMPAIGN');

    const receipt = `Delivered to Representative Budzinski's office through Communicating with Congress, delivery id ${houseDeliveryId}`;
    expect(await pageText(t, batchUrl)).toContain(receipt);
    const copy = mailsTo('ana@example.org').find(
      (m) => m.parsed.subject === 'Your letter to Representative Nikki Budzinski',
    );
    expect(copy?.parsed.text).toContain(receipt);
    expect(copy?.parsed.attachments.some((a) => a.contentType === 'application/pdf')).toBe(true);
    expect(
      mailsTo('ana@example.org').filter((m) => /^Your letter to/.test(m.parsed.subject ?? '')),
    ).toHaveLength(3);

    const after = (await request(t.app).get('/api/campaigns/stop-csam/stats')).body;
    expect(after.byChannel.delivered - before.delivered).toBe(2);
    expect(after.byChannel.emailed - before.emailed).toBe(1);
    expect(after.channelNames.delivered).toBe('delivered to the office (Communicating with Congress)');
  });

  test('when the service answers 503, then the letter waits and is delivered later with the same DeliveryId', async () => {
    house.failNext(503);
    const { batchUrl, houseDeliveryId, letterId } = await saveAndConfirm(t, 'ben@example.org');
    await drain(t);
    expect(house.turnedAway.at(-1)).toEqual({ status: 503, deliveryId: houseDeliveryId });
    expect(await pageText(t, batchUrl)).toContain(
      'Waiting for the office’s system: Communicating with Congress has not taken this letter to Representative Budzinski yet (the service is busy or in maintenance). We keep trying for up to 12 hours',
    );
    const waiting = await t.runtime.deps.storage.db
      .selectFrom('letters')
      .select(['status', 'status_reason'])
      .where('id', '=', letterId)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({ status: 'queued', status_reason: 'retrying: cwc_503' });

    t.clock.advance(10 * MINUTES);
    await drain(t);
    expect(house.received.filter((d) => d.deliveryId === houseDeliveryId)).toHaveLength(1);
    expect(await pageText(t, batchUrl)).toContain(`delivery id ${houseDeliveryId}`);
  });

  test('when the service refuses the letter with 400, then it fails with the reason, is not retried, and the person gets the PDF and the web form', async () => {
    house.rejectNext('Constituent.Address1: address not deliverable');
    const { batchUrl } = await saveAndConfirm(t, 'cy@example.org');
    await drain(t);
    const requestsAfterRefusal = house.requests.length;
    expect(await pageText(t, batchUrl)).toContain(
      'Not delivered: cwc_400: Constituent.Address1: address not deliverable.',
    );
    const failure = mailsTo('cy@example.org').find(
      (m) => m.parsed.subject === 'Your letter to Representative Nikki Budzinski was not delivered',
    );
    expect(failure?.parsed.text).toContain('address not deliverable');
    expect(failure?.parsed.text).toMatch(/official contact form:\nhttps:\/\/\S+/);
    expect(failure?.parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);

    t.clock.advance(2 * 60 * MINUTES);
    await drain(t);
    expect(house.requests.length).toBe(requestsAfterRefusal);
  });

  test('when the service is down, then letters wait and go once it is back', async () => {
    house.setDown(true);
    const { batchUrl, houseDeliveryId } = await saveAndConfirm(t, 'dee@example.org');
    await drain(t);
    expect(house.received.some((d) => d.deliveryId === houseDeliveryId)).toBe(false);
    expect(await pageText(t, batchUrl)).toContain('Waiting for the office’s system');
    house.setDown(false);
    t.clock.advance(10 * MINUTES);
    await drain(t);
    expect(house.received.filter((d) => d.deliveryId === houseDeliveryId)).toHaveLength(1);
  });
});

describe('a restart in the middle of a delivery', () => {
  test('when the worker dies after the service took the letter, then the restarted worker resends it with the same DeliveryId and counts it once', async () => {
    // A long timeout: the first worker hangs on the service's answer, as a process that died would.
    const t = await createTestApp(cwcEnv({ CWC_TIMEOUT_MS: '60000' }));
    // The same configuration and the same system time: a second process on the same database.
    const restarted = await createRuntime(t.runtime.deps.config);
    try {
      const before = (await request(t.app).get('/api/campaigns/stop-csam/stats')).body.byChannel.delivered;
      const { batchUrl, houseDeliveryId } = await saveAndConfirm(t, 'eve@example.org');
      house.hangAfterAccepting();
      const dying = t.runtime.worker.runOnce();
      while (!house.received.some((d) => d.deliveryId === houseDeliveryId)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // The lease runs out; the new process takes the letter over.
      t.clock.advance(6 * MINUTES);
      while ((await restarted.worker.runOnce()) > 0);
      house.releaseHanging();
      await dying;

      const copies = house.received.filter((d) => d.deliveryId === houseDeliveryId);
      expect(copies).toHaveLength(2);
      expect(copies[0]!.xml.replace(/<DeliveryDate>\d+</, '')).toBe(
        copies[1]!.xml.replace(/<DeliveryDate>\d+</, ''),
      );
      expect(await pageText(t, batchUrl)).toContain(`delivery id ${houseDeliveryId}`);
      const after = (await request(t.app).get('/api/campaigns/stop-csam/stats')).body.byChannel.delivered;
      expect(after - before).toBe(2); // Budzinski and Durbin, each once
    } finally {
      await restarted.close();
      await t.close();
    }
  });
});
