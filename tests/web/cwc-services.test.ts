/**
 * Communicating with Congress as the real House and Senate services take it (../shared/cwc/FORMAT.md),
 * end to end through the pages and the outbox: a confirmed batch from Springfield, IL 62704 reaches
 * HIL13 at the House's service and SIL02 and SIL03 at the Senate's, with a letter written up to every
 * limit of the form (accents and Arabic) and a writer with no title, and nothing is rejected; the
 * receipts show each delivery. Offices not on a service's list, and writers whose title the Senate does
 * not take, go by the relay and are told so; a maintenance window is waited out. Every document posted
 * is checked against the CWC 2.0 schema.
 */
import { decodeHTML } from 'entities';
import request from 'supertest';
import type { LiveOffices } from '../../src/delivery/cwc/offices';
import { MAX_BODY_LENGTH, MAX_NOTE_LENGTH } from '../../src/letters/letter';
import { createTestApp, type TestApp } from '../helpers/app';
import { expectSchemaValid } from '../helpers/cwc-schema';
import { cwcSettings, startCwcStandIn, type CwcStandIn } from '../helpers/cwc-stand-in';
import { askForConfirmation, confirmationPath, pressConfirm, saveLetters } from '../helpers/letter-forms';
import { ADDRESS } from '../helpers/sender';
import { SmtpSink } from '../helpers/smtp-sink';
import { adminSession, csrfSession } from './security-helpers';

const BUDZINSKI = 'B001315';
const DURBIN = 'D000563'; // class 2: SIL02
const DUCKWORTH = 'D000622'; // class 3: SIL03
const HOUR = 3_600_000;

// Whole journeys through the pages, the outbox and two stand-ins that run xmllint on every document.
jest.setTimeout(120_000);

let sink: SmtpSink;
let house: CwcStandIn;
let senate: CwcStandIn;
let t: TestApp;

beforeAll(async () => {
  sink = await SmtpSink.start();
  house = await startCwcStandIn({ apiKey: 'house-key' });
  senate = await startCwcStandIn({ chamber: 'senate', offices: ['SIL02', 'SIL03', 'SCA01'] });
  t = await createTestApp({
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
    ADMIN_TOKEN: 'organiser-token-0123456789',
    ...cwcSettings({ house, senate }),
  });
});
afterAll(async () => {
  await t.close();
  await house.close();
  await senate.close();
  await sink.stop();
  // Every document the services were sent, valid against the schema (SKIPPED without it).
  await expectSchemaValid([...house.posted, ...senate.posted]);
});

async function drain(): Promise<void> {
  while ((await t.runtime.worker.runOnce()) > 0);
}

async function pageText(url: string): Promise<string> {
  return decodeHTML((await request(t.app).get(url).expect(200)).text);
}

/** Saves letters to all three members with these fields, asks for email, confirms through the link. */
async function writeAndConfirm(fields: Record<string, string>): Promise<string> {
  const csrf = await csrfSession(t.app);
  const client = request(t.app);
  const batchUrl = await saveLetters(client, csrf, { member: [BUDZINSKI, DURBIN, DUCKWORTH], ...fields });
  await askForConfirmation(client, csrf, batchUrl);
  const before = sink.messages.length;
  await t.runtime.worker.runOnce();
  const confirmation = (await sink.waitForMessages(before + 1)).at(-1)!;
  await pressConfirm(client, csrf, confirmationPath(confirmation.parsed.text));
  return batchUrl;
}

const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

describe('CWC delivery to the House and the Senate as their services take it', () => {
  test('when a writer fills every field of the form to its limit, in Spanish and Arabic, then all three letters reach HIL13, SIL02 and SIL03 and nothing is rejected', async () => {
    const text =
      'Protejan a los niños: São Tomé, Zürich, Peñíscola. أطلب منكم دعم هذا القانون لحماية الأطفال.\n\n';
    const body = fill(text, MAX_BODY_LENGTH).trim();
    const fields = {
      prefix: 'Dr.',
      name: fill('María José Núñez-Ibáñez محمد عبد الرحمن ', 100).trim(),
      street: fill('1234 Avenida de los Niños Héroes ', 200).trim(),
      city: fill('São José de los Ángeles ', 100).trim(),
      phone: '(217) 555-0100',
      personalNote: fill('Soy madre de tres hijos. أنا أم لثلاثة أطفال. ', MAX_NOTE_LENGTH).trim(),
      [`body_${BUDZINSKI}`]: body,
      [`body_${DURBIN}`]: body,
      [`body_${DUCKWORTH}`]: body,
    };
    const batchUrl = await writeAndConfirm(fields);
    await drain();

    expect(house.received.map((d) => d.memberOffice)).toEqual(['HIL13']);
    expect(senate.received.map((d) => d.memberOffice).sort()).toEqual(['SIL02', 'SIL03']);
    for (const doc of [...house.received, ...senate.received]) {
      const message = doc.fields['Message.ConstituentMessage']!;
      expect([...message].length).toBeLessThanOrEqual(10_000);
      expect(message).toContain('أطلب منكم دعم هذا القانون');
      expect(message).toContain(fields.personalNote);
      // The name travels in its own fields, not repeated in the text (the Senate's advice).
      expect(message).not.toContain(fields.name);
      expect(doc.fields['Constituent.Prefix']).toBe('Dr.');
      expect(doc.fields['Constituent.City']).toBe(fields.city);
    }
    expect(senate.received[0]!.all('Message.Bills.Bill.BillTypeAbbreviation')).toEqual(['S.', 'H.R.']);
    expect(house.received[0]!.all('Message.Bills.Bill.BillTypeAbbreviation')).toEqual(['hr', 's']);
    expect([...house.requests, ...senate.requests].filter((r) => r.status >= 300)).toEqual([]);
    expect(senate.requests.filter((r) => r.status === 201)).toHaveLength(2);

    const page = await pageText(batchUrl);
    for (const who of ['Representative Budzinski', 'Senator Durbin', 'Senator Duckworth']) {
      expect(page).toContain(`Delivered to ${who}'s office through Communicating with Congress, delivery id`);
    }
  });

  test('when a writer chooses no title, then the House letter goes through CWC as Mx. and the senators’ letters by the relay, said on the form and on the receipt', async () => {
    const compose = decodeHTML(
      (await request(t.app).get('/campaigns/stop-csam/write').query({ address: ADDRESS }).expect(200)).text,
    );
    expect(compose).toContain(
      'Senators’ offices take letters directly only with Mr., Mrs., Miss, Ms. or Dr.',
    );
    expect(compose).toMatch(/<option value="Miss">Miss<\/option>/);
    const es = decodeHTML(
      (
        await request(t.app)
          .get('/campaigns/stop-csam/write')
          .query({ address: ADDRESS, lang: 'es' })
          .expect(200)
      ).text,
    );
    expect(es).toContain('Las oficinas de los senadores reciben cartas directamente solo con');

    const houseBefore = house.received.length;
    const senateBefore = senate.received.length;
    const relayedBefore = sink.messages.filter((m) =>
      m.envelopeTo.includes('letters@stop-csam.example.org'),
    ).length;
    const batchUrl = await writeAndConfirm({ prefix: 'none', email: 'ben@example.org' });
    await drain();

    expect(
      house.received.slice(houseBefore).map((d) => [d.memberOffice, d.fields['Constituent.Prefix']]),
    ).toEqual([['HIL13', 'Mx.']]);
    expect(senate.received.length).toBe(senateBefore);
    expect(senate.requests.filter((r) => r.status >= 300)).toEqual([]);
    const relayed = sink.messages.filter((m) => m.envelopeTo.includes('letters@stop-csam.example.org'));
    expect(relayed.length - relayedBefore).toBe(2);

    const page = await pageText(batchUrl);
    expect(page).toContain(
      "Delivered to Representative Budzinski's office through Communicating with Congress",
    );
    expect(
      page.match(/The Senate’s system takes only the titles Mr\., Mrs\., Miss, Ms\. and Dr\./g),
    ).toHaveLength(2);
  });

  test('when an office leaves the Senate’s list, then after the next read its letters go by the relay, the receipt says why, and the organiser’s page lists the offices', async () => {
    senate.setOffices(['SIL02', 'SCA01']);
    await (t.runtime.deps.cwcOffices as LiveOffices).refresh();
    const before = senate.received.length;
    const batchUrl = await writeAndConfirm({ prefix: 'Ms.', email: 'cy@example.org' });
    await drain();
    expect(senate.received.slice(before).map((d) => d.memberOffice)).toEqual(['SIL02']);
    const page = await pageText(batchUrl);
    expect(page).toContain(
      'Senator Duckworth’s office does not take letters through Communicating with Congress today, so this letter went to the campaign’s inbox.',
    );
    const { cookies } = await adminSession(t.app, 'organiser-token-0123456789');
    const admin = await request(t.app).get('/admin').set('Cookie', cookies).expect(200);
    const adminText = decodeHTML(admin.text);
    expect(adminText).toContain('Offices that take CWC today');
    expect(adminText).toContain('Senate (SCWC): 2 offices');
    expect(adminText).toMatch(/<td>SIL02<\/td><td>[^<]*Durbin/);
    expect(adminText).toMatch(/House \(CWC\): \d+ offices/);
    senate.setOffices(['SIL02', 'SIL03', 'SCA01']);
    await (t.runtime.deps.cwcOffices as LiveOffices).refresh();
  });

  test('when the House service is in its six-hour maintenance window, then the letter waits, the receipt says so, and it is delivered after the window', async () => {
    house.setDown(true);
    const before = house.received.length;
    const batchUrl = await writeAndConfirm({ prefix: 'Mr.', email: 'dee@example.org' });
    await drain();
    expect(await pageText(batchUrl)).toContain(
      'Waiting for the office’s system: Communicating with Congress has not taken this letter to Representative Budzinski yet',
    );
    // Six hours and more of the window pass, one retry at a time: still waiting, never failed.
    for (let elapsed = 0; elapsed < 7 * HOUR; elapsed += HOUR / 2) {
      t.clock.advance(HOUR / 2);
      await drain();
    }
    const waiting = await pageText(batchUrl);
    expect(waiting).toContain('Waiting for the office’s system');
    expect(waiting).not.toContain('Not delivered:');
    house.setDown(false);
    t.clock.advance(HOUR);
    await drain();
    expect(house.received.slice(before).map((d) => d.memberOffice)).toEqual(['HIL13']);
    expect(await pageText(batchUrl)).toContain(
      "Delivered to Representative Budzinski's office through Communicating with Congress",
    );
  });
});
