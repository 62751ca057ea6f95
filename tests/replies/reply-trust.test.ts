/**
 * Attacks on "did they answer?": answers come only with the batch's own signed token, never for another
 * batch's member, never by a GET, never without the box ticked by the holder of the confirmation link;
 * one answer per letter; answers are rate limited; the delete link leaves anonymous answers only.
 */
import request from 'supertest';
import { replyToken } from '../../src/replies/reply-token';
import { createTestApp, type TestApp } from '../helpers/app';
import {
  askForConfirmation,
  confirmationPath,
  openWritePage,
  pressConfirm,
  saveLetters,
} from '../helpers/letter-forms';
import { SmtpSink } from '../helpers/smtp-sink';
import { csrfSession } from '../web/security-helpers';

const SECRET = 'reply-trust-test-secret-0123456789abcdef';
let t: TestApp;
let sink: SmtpSink;
let csrf: { cookie: string; token: string };

async function refreshCsrf(): Promise<void> {
  const fresh = await csrfSession(t.app);
  csrf = { cookie: fresh.cookie, token: fresh.token };
}

async function drain(): Promise<void> {
  while ((await t.runtime.worker.runOnce()) > 0);
}

/** Letters saved and confirmed (ticking the box or not), delivered; returns the batch and its members. */
async function confirmedBatch(
  email: string,
  tick: boolean,
): Promise<{ batchUrl: string; members: string[] }> {
  await refreshCsrf();
  const client = request(t.app);
  const { members } = await openWritePage(client);
  const batchUrl = await saveLetters(client, csrf, { email, member: members });
  await askForConfirmation(client, csrf, batchUrl);
  await drain();
  const mail = sink.messages.filter((m) => m.envelopeTo.includes(email)).at(-1)!;
  await pressConfirm(client, csrf, confirmationPath(mail.parsed.text), tick ? { askReplies: 'yes' } : {});
  await drain();
  return { batchUrl, members };
}

function answer(path: string, form: Record<string, string>) {
  return request(t.app)
    .post(path)
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, ...form });
}

let asked: { batchUrl: string; members: string[]; token: string };
let other: { batchUrl: string; members: string[] };

beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await createTestApp({
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
    APP_SECRET: SECRET,
  });
  t.clock.set(new Date('2026-11-28T12:00:00Z'));
  const batch = await confirmedBatch('asked@example.org', true);
  other = await confirmedBatch('unticked@example.org', false);
  t.clock.set(new Date('2026-12-13T12:00:00Z'));
  await t.runtime.replies.runSchedule();
  await drain();
  await refreshCsrf();
  const batchId = batch.batchUrl.split('/').pop()!;
  asked = { ...batch, token: replyToken(SECRET, batchId) };
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

describe('who can answer', () => {
  test('when the box was not ticked, then that writer is never asked and their batch has no token', async () => {
    const questions = await t.runtime.deps.storage.db
      .selectFrom('reply_questions')
      .select('batch_id')
      .execute();
    expect(questions.map((q) => q.batch_id)).toEqual([asked.batchUrl.split('/').pop()]);
    const otherToken = replyToken(SECRET, other.batchUrl.split('/').pop()!);
    await request(t.app).get(`/replies/${otherToken}`).expect(404);
    await answer(`/replies/${otherToken}/${other.members[0]}`, { answer: 'no_reply' }).expect(404);
    const mails = sink.messages.filter((m) => m.envelopeTo.includes('unticked@example.org'));
    expect(mails.some((m) => (m.parsed.text ?? '').includes('/replies/'))).toBe(false);
  });

  test('when a token is forged or malformed, then nothing answers (404)', async () => {
    const forged = replyToken('some-other-secret-0123456789abcdefghij', asked.batchUrl.split('/').pop()!);
    await answer(`/replies/${forged}/${asked.members[0]}`, { answer: 'no_reply' }).expect(404);
    await request(t.app)
      .get(`/replies/${'A'.repeat(43)}`)
      .expect(404);
    await request(t.app).get('/replies/not-a-token').expect(404);
    await answer(`/replies/${asked.token}/Z999999`, { answer: 'no_reply' }).expect(404);
  });

  test('when someone tries to tick the box without the confirmation link, then no question is made', async () => {
    await request(t.app)
      .post(`/letters/confirm/${'B'.repeat(43)}`)
      .set('Cookie', csrf.cookie)
      .type('form')
      .send({ _csrf: csrf.token, askReplies: 'yes' })
      .expect(404);
    const count = await t.runtime.deps.storage.db.selectFrom('reply_questions').select('batch_id').execute();
    expect(count).toHaveLength(1);
  });

  test('when a link scanner GETs every link, or a POST comes without the CSRF token, then nothing is recorded', async () => {
    for (const bioguide of asked.members) {
      await request(t.app).get(`/replies/${asked.token}/${bioguide}?answer=replied`).expect(200);
      await request(t.app).head(`/replies/${asked.token}/${bioguide}?answer=no_reply`).expect(200);
    }
    await request(t.app)
      .post(`/replies/${asked.token}/${asked.members[0]}`)
      .type('form')
      .send({ answer: 'no_reply' })
      .expect(403);
    const rows = await t.runtime.deps.storage.db.selectFrom('reply_letters').select('answer').execute();
    expect(rows.every((r) => r.answer === null)).toBe(true);
  });
});

describe('what counts', () => {
  test('when the same letter is answered twice, then one answer counts: the last', async () => {
    const path = `/replies/${asked.token}/${asked.members[0]}`;
    await answer(path, { answer: 'replied', about: 'yes', stance: 'oppose' }).expect(303);
    await answer(path, { answer: 'replied', about: 'yes', stance: 'support' }).expect(303);
    const rows = await t.runtime.deps.storage.db
      .selectFrom('reply_letters')
      .select(['answer', 'stance'])
      .where('bioguide', '=', asked.members[0]!)
      .execute();
    expect(rows).toEqual([{ answer: 'replied', stance: 'support' }]);
  });

  test('when the date is outside delivery to today, or the note too long, then the form comes back with the text kept', async () => {
    const path = `/replies/${asked.token}/${asked.members[1]}`;
    const bad = await answer(path, {
      answer: 'replied',
      about: 'yes',
      repliedOn: '2020-01-01',
      note: 'Kept text',
    }).expect(400);
    expect(bad.text).toContain('id="repliedOn-error"');
    expect(bad.text).toContain('Kept text');
    const long = await answer(path, { answer: 'replied', note: 'x'.repeat(501) }).expect(400);
    expect(long.text).toContain('id="note-error"');
    await answer(path, { answer: 'replied', stance: 'evil<script>' }).expect(400);
  });

  test('when answers flood from one client, then they are limited like the other forms (429)', async () => {
    // A second app starts the shared system time over; the first app's time comes back after.
    const now = t.clock.now();
    const app = await createTestApp({ APP_SECRET: SECRET });
    try {
      const session = await csrfSession(app.app);
      let limited = 0;
      for (let i = 1; i <= 31 && limited === 0; i++) {
        const res = await request(app.app)
          .post(`/replies/${'C'.repeat(43)}/A000360`)
          .set('Cookie', session.cookie)
          .type('form')
          .send({ _csrf: session.token, answer: 'no_reply' });
        if (res.status === 429) limited = i;
      }
      expect(limited).toBe(31);
    } finally {
      await app.close();
      t.clock.set(now);
    }
  });
});

describe('privacy', () => {
  test('when the writer deletes their data, then the answers stay anonymous, the token stops working and no email follows', async () => {
    await answer(`/replies/${asked.token}/${asked.members[2]}`, { answer: 'no_reply' }).expect(303);
    await answer(`/replies/${asked.token}/${asked.members[1]}`, {
      answer: 'replied',
      stance: 'undecided',
      note: 'My neighbour Bob said so',
    }).expect(303);
    await request(t.app)
      .post(`${asked.batchUrl}/delete`)
      .set('Cookie', csrf.cookie)
      .type('form')
      .send({ _csrf: csrf.token })
      .expect(200);
    const rows = await t.runtime.deps.storage.db.selectFrom('reply_letters').selectAll().execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ letter_id: null, batch_id: null, dedupe_key: null, note: null });
    }
    expect(rows.filter((r) => r.answer !== null)).toHaveLength(3);
    await request(t.app).get(`/replies/${asked.token}`).expect(404);
    // The reminder would have been due now; there is no question left to remind.
    t.clock.set(new Date('2027-01-15T12:00:00Z'));
    const before = sink.messages.length;
    expect(await t.runtime.replies.runSchedule()).toEqual({ asked: 0, reminded: 0, closed: 0 });
    await drain();
    expect(sink.messages.length).toBe(before);
  });
});

describe('retention', () => {
  test('when RETENTION_DAYS pass before the question was asked, then it closes unasked and the address is not used', async () => {
    t.clock.set(new Date('2027-02-01T12:00:00Z'));
    await confirmedBatch('late@example.org', true);
    // No schedule ran in between (an instance down for months): the retention date comes first.
    t.clock.set(new Date('2027-05-03T12:00:00Z'));
    const done = await t.runtime.replies.runSchedule();
    expect(done).toMatchObject({ asked: 0, closed: 1 });
    await drain();
    const toLate = sink.messages.filter((m) => m.envelopeTo.includes('late@example.org'));
    expect(toLate.some((m) => (m.parsed.text ?? '').includes('/replies/'))).toBe(false);
  });
});
