/**
 * Attack (issue 18): "Counts inflate for free". Saved letters from fresh addresses, repeated PDFs and
 * "I sent it through the website" clicks must not move the public total; a PDF flood is rate-limited per
 * client and per batch.
 */
import request from 'supertest';
import type { SmtpSink } from '../helpers/smtp-sink';
import type { TestApp } from '../helpers/app';
import {
  membersFor,
  publicNumbers,
  requestConfirmationLink,
  saveLetters,
  startMailedApp,
  type MailedApp,
  type Session,
} from './helpers';
import { pressConfirm } from '../helpers/letter-forms';

let mailed: MailedApp;
let sink: SmtpSink;
let t: TestApp;
let session: Session;
let members: string[];
beforeAll(async () => {
  mailed = await startMailedApp();
  ({ t, sink, session } = mailed);
  members = await membersFor(t.app);
});
afterAll(() => mailed.close());

describe('the public total counts verified letters only', () => {
  test('when 20 batches with fresh email addresses are saved from one address, then the public total does not move', async () => {
    const before = await publicNumbers(t.app);
    for (let i = 0; i < 20; i += 1) {
      await saveLetters(t.app, session, members, { email: `fresh${i}@example.org`, ip: '203.0.113.10' });
    }
    const home = await request(t.app).get('/campaigns/stop-csam').expect(200);
    expect(await publicNumbers(t.app)).toEqual(before);
    expect(home.text).not.toMatch(/verified letters? so far/);
  });

  test('when PDFs are downloaded and "sent through the website" is clicked again and again, then the total does not move and each letter is reported once', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'printer@example.org',
      ip: '203.0.113.11',
    });
    const before = await publicNumbers(t.app);
    const page = await request(t.app).get(batchUrl).expect(200);
    const letterIds = [...page.text.matchAll(/href="\/letters\/([\w-]{22})\/print"/g)].map((m) => m[1]!);
    for (let i = 0; i < 5; i += 1) {
      await request(t.app)
        .get(`${batchUrl}.pdf`)
        .set('X-Forwarded-For', `203.0.113.${20 + i}`);
      for (const id of letterIds) {
        await request(t.app)
          .post(`/letters/${id}/webform`)
          .set('Cookie', session.cookie)
          .set('X-Forwarded-For', `203.0.113.${20 + i}`)
          .type('form')
          .send({ _csrf: session.token })
          .expect(303);
      }
    }
    const after = await publicNumbers(t.app);
    expect(after.total).toBe(before.total);
    expect(after.reported - before.reported).toBe(letterIds.length);
  });

  test('when the writer confirms their email, then their letters move from "reported by writers" into the total', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'confirms@example.org',
      ip: '203.0.113.12',
    });
    const page = await request(t.app).get(batchUrl).expect(200);
    const letterId = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)![1]!;
    await request(t.app)
      .post(`/letters/${letterId}/printed`)
      .set('Cookie', session.cookie)
      .set('X-Forwarded-For', '203.0.113.12')
      .type('form')
      .send({ _csrf: session.token })
      .expect(303);
    const reported = await publicNumbers(t.app);
    // Printed letters are offered an email confirmation that sends nothing to Congress.
    expect(page.text).toContain(`action="${batchUrl}/verify"`);
    const link = await requestConfirmationLink(t, sink, session, batchUrl, 'confirms@example.org', 'verify');
    await pressConfirm(request(t.app), session, link);
    const after = await publicNumbers(t.app);
    expect(after.total - reported.total).toBe(members.length);
    expect(reported.reported - after.reported).toBe(1);
    // Verifying queued nothing for the offices: these letters were printed.
    const offices = await t.runtime.deps.storage.db
      .selectFrom('outbox')
      .select('id')
      .where('kind', '=', 'office')
      .execute();
    expect(offices).toEqual([]);
  });
});

describe('PDFs are rate-limited', () => {
  test('when one client asks for PDFs again and again, then it is refused after 20 in ten minutes', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'pdf1@example.org',
      ip: '203.0.113.30',
    });
    const page = await request(t.app).get(batchUrl).expect(200);
    const letterIds = [...page.text.matchAll(/href="\/letters\/([\w-]{22})\/print"/g)].map((m) => m[1]!);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const id = letterIds[i % letterIds.length]!;
      // Spread over letters so the per-letter limit is not what stops it.
      statuses.push(
        (await request(t.app).get(`/letters/${id}.pdf`).set('X-Forwarded-For', '203.0.113.31')).status,
      );
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });

  test('when many clients ask for the same batch PDF, then the batch is refused after 10 in an hour', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'pdf2@example.org',
      ip: '203.0.113.32',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      statuses.push(
        (
          await request(t.app)
            .get(`${batchUrl}.pdf`)
            .set('X-Forwarded-For', `198.51.100.${i + 1}`)
        ).status,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });
});
