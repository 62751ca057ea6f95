/**
 * Attack (issue 18): "Leaks". Capability ids (batch, letter, confirmation token) never reach a log line,
 * the error handler's included; every page and file with personal data is no-store and noindex; every
 * route that looks up an address shares the lookup limit.
 */
import request from 'supertest';
import { createTestApp, testLogFile, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { SmtpSink } from '../helpers/smtp-sink';
import { csrfSession, membersFor, requestConfirmationLink, saveLetters, type Session } from './helpers';

const appLog = testLogFile();
let sink: SmtpSink;
let t: TestApp;
let session: Session;
let batchUrl: string;
let letterId: string;
let link: string;
beforeAll(async () => {
  sink = await SmtpSink.start();
  t = await createTestApp({
    SMTP_URL: sink.url,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'debug',
    LOG_FILE: appLog.file,
  });
  session = await csrfSession(t.app);
  const members = await membersFor(t.app);
  batchUrl = await saveLetters(t.app, session, members, { email: 'leaks@example.org', ip: '203.0.113.70' });
  const page = await request(t.app).get(batchUrl).expect(200);
  letterId = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)![1]!;
  link = await requestConfirmationLink(t, sink, session, batchUrl, 'leaks@example.org');
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

test('when capability URLs are requested, found or not, and a handler fails, then no log line holds an id', async () => {
  const batchId = batchUrl.split('/').pop()!;
  const token = link.split('/').pop()!;
  await request(t.app).get(batchUrl).expect(200);
  await request(t.app).get(`/letters/${letterId}/print`).expect(200);
  await request(t.app).get(link).expect(200);
  // Not found: the error handler logs the rejected request.
  await request(t.app).get('/letters/batch/AAAAAAAAAAAAAAAAAAAAAA').expect(404);
  await request(t.app)
    .get(`/letters/confirm/${'B'.repeat(43)}`)
    .expect(404);
  // A failing handler: the error handler logs the failure with the path.
  const db = t.runtime.deps.storage.db;
  const original = db.selectFrom.bind(db);
  (db as { selectFrom: unknown }).selectFrom = () => {
    throw new Error('boom');
  };
  try {
    await request(t.app).get(`${batchUrl}/delete`).expect(500);
  } finally {
    (db as { selectFrom: unknown }).selectFrom = original;
  }
  const log = appLog.lines().join('\n');
  expect(log).toContain('request failed');
  expect(log).toContain('request rejected');
  for (const secret of [batchId, letterId, token, 'AAAAAAAAAAAAAAAAAAAAAA', 'B'.repeat(43)]) {
    expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
  }
});

test('when pages and files with personal data are served, then they are no-store and noindex', async () => {
  const form = { _csrf: session.token, ...SENDER, address: ADDRESS, member: await membersFor(t.app) };
  const responses = {
    batch: await request(t.app).get(batchUrl),
    batchUpperCase: await request(t.app).get(batchUrl.replace('/letters/batch/', '/LETTERS/Batch/')),
    batchPdf: await request(t.app).get(`${batchUrl}.pdf`).buffer(true),
    print: await request(t.app).get(`/letters/${letterId}/print`),
    letterPdf: await request(t.app).get(`/letters/${letterId}.pdf`).buffer(true),
    deletePage: await request(t.app).get(`${batchUrl}/delete`),
    confirmation: await request(t.app).get(link),
    review: await request(t.app)
      .post('/campaigns/stop-csam/review')
      .set('Cookie', session.cookie)
      .type('form')
      .send(form),
    keptForm: await request(t.app).post('/campaigns/stop-csam/letters').type('form').send(form),
    deleted: await request(t.app)
      .post(`${batchUrl}/delete`)
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.token }),
  };
  for (const [name, res] of Object.entries(responses)) {
    expect({
      name,
      status: res.status < 500,
      cache: res.headers['cache-control'],
      robots: res.headers['x-robots-tag'],
    }).toEqual({
      name,
      status: true,
      cache: 'no-store',
      robots: 'noindex, nofollow',
    });
  }
});

test('when an address is looked up through the letter page, then it shares the lookup limit with the other lookups', async () => {
  const limited = await createTestApp();
  try {
    for (let i = 0; i < 30; i += 1)
      await request(limited.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    for (let i = 0; i < 30; i += 1)
      await request(limited.app).get('/campaigns/stop-csam/write').query({ address: ADDRESS }).expect(200);
    await request(limited.app).get('/campaigns/stop-csam/write').query({ address: ADDRESS }).expect(429);
    await request(limited.app).get('/campaigns/stop-csam/members').query({ address: ADDRESS }).expect(429);
    await request(limited.app).get('/Campaigns/stop-csam/Write/').query({ address: ADDRESS }).expect(429);
  } finally {
    await limited.close();
  }
});
