/**
 * Attacks (issue 28, "Low"): each finding replayed against the app. Unverified figures in the public
 * numbers; GET/HEAD on print and PDF URLs recording prints; batch PDFs past the report limit; the signed
 * fill time replayed by another client and a repeated honeypot; home addresses in cacheable, indexable
 * responses; a percent-encoded id in the log; made-up referral codes; a "name" greeting the confirmation
 * email's reader; an unlimited JSON preview; an admin cookie that outlives signing out.
 */
import request from 'supertest';
import { referralCodeFor } from '../../src/campaign/share';
import { createTestApp, testLogFile, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import {
  createAttackedApp,
  csrfSession,
  membersFor,
  publicNumbers,
  requestConfirmationLink,
  saveLetters,
  startMailedApp,
  type Session,
} from './helpers';

const appLog = testLogFile();
let t: TestApp;
let session: Session;
let members: string[];
beforeAll(async () => {
  t = await createTestApp({
    TRUST_PROXY: 'true',
    ADMIN_TOKEN: 'admin-token-for-the-tests-0123456789',
    LOG_LEVEL: 'info',
    LOG_FILE: appLog.file,
  });
  session = await csrfSession(t.app);
  members = await membersFor(t.app);
});
afterAll(() => t.close());

async function letterIdsOf(batchUrl: string): Promise<string[]> {
  const page = await request(t.app).get(batchUrl).expect(200);
  return [...page.text.matchAll(/href="\/letters\/([\w-]{22})\/print"/g)].map((m) => m[1]!);
}

async function printedActions(): Promise<number> {
  const row = await t.runtime.deps.storage.db
    .selectFrom('actions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'printed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the public numbers show only what verified letters did', () => {
  test('when unconfirmed writers save and print letters, then the stats API and progress page show no saved or printed figure', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'unverified-figures@example.org',
      ip: '203.0.113.80',
    });
    const [id] = await letterIdsOf(batchUrl);
    await request(t.app)
      .post(`/letters/${id}/printed`)
      .set('Cookie', session.cookie)
      .set('X-Forwarded-For', '203.0.113.80')
      .type('form')
      .send({ _csrf: session.token })
      .expect(303);
    const stats = await request(t.app).get('/api/campaigns/stop-csam/stats').expect(200);
    expect(Object.keys(stats.body.byChannel as object).sort()).toEqual(['delivered', 'emailed', 'verified']);
    expect(Object.keys(stats.body.channelNames as object).sort()).toEqual([
      'delivered',
      'emailed',
      'verified',
    ]);
    expect(stats.body.counts).toMatch(/confirmed their email address/);
    expect(stats.body.reportedByWriters).toBe(1);
    const progress = await request(t.app).get('/campaigns/stop-csam/progress').expect(200);
    expect(progress.text).not.toContain('Printed to mail');
    expect(progress.text).not.toContain('Sent through an official web form');
  });
});

describe('only the writer’s POST records a print', () => {
  test('when the print view and PDFs are fetched with GET and HEAD, then nothing is recorded; the button records the letter once', async () => {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: 'prefetched@example.org',
      ip: '203.0.113.81',
    });
    const ids = await letterIdsOf(batchUrl);
    const before = await publicNumbers(t.app);
    const printedBefore = await printedActions();
    for (const id of ids) {
      for (const method of ['get', 'head'] as const) {
        await request(t.app)[method](`/letters/${id}/print`).expect(200);
        await request(t.app)[method](`/letters/${id}.pdf`).expect(200);
      }
    }
    await request(t.app).get(`${batchUrl}.pdf`).expect(200);
    await request(t.app).head(`${batchUrl}.pdf`).expect(200);
    expect(await publicNumbers(t.app)).toEqual(before);
    expect(await printedActions()).toBe(printedBefore);

    const pressed = await request(t.app)
      .post(`/letters/${ids[0]}/printed`)
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.token })
      .expect(303);
    expect(pressed.headers.location).toContain('notice=print-reported');
    expect((await publicNumbers(t.app)).reported).toBe(before.reported + 1);
    expect(await printedActions()).toBe(printedBefore + 1);
  });

  test('when one client downloads batch PDFs and reports prints past the report limit, then reports stop at 30 an hour', async () => {
    const limited = await createAttackedApp();
    try {
      const s = await csrfSession(limited.app);
      const m = await membersFor(limited.app);
      const reportedBefore = (await publicNumbers(limited.app)).reported;
      const batches: string[] = [];
      for (let i = 0; i < 11; i += 1) {
        batches.push(
          await saveLetters(limited.app, s, m, {
            email: `batchpdf${i}@example.org`,
            ip: `198.51.100.${i + 1}`,
          }),
        );
      }
      // Batch PDFs record nothing, so they cannot report letters around the limit.
      for (const batch of batches)
        await request(limited.app).get(`${batch}.pdf`).set('X-Forwarded-For', '203.0.113.90');
      expect((await publicNumbers(limited.app)).reported).toBe(reportedBefore);
      const statuses: number[] = [];
      for (const batch of batches) {
        const page = await request(limited.app).get(batch).expect(200);
        for (const id of [...page.text.matchAll(/href="\/letters\/([\w-]{22})\/print"/g)].map((x) => x[1]!)) {
          const res = await request(limited.app)
            .post(`/letters/${id}/printed`)
            .set('Cookie', s.cookie)
            .set('X-Forwarded-For', '203.0.113.90')
            .type('form')
            .send({ _csrf: s.token });
          statuses.push(res.status);
        }
      }
      expect(statuses.filter((s) => s === 303)).toHaveLength(30);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect((await publicNumbers(limited.app)).reported).toBe(reportedBefore + 30);
    } finally {
      await limited.close();
    }
  });
});

describe('the bot guard’s fields', () => {
  test('when another client sends a start time signed for someone else, then the form is refused as too fast', async () => {
    const slow = await createAttackedApp({ MIN_FORM_FILL_MS: '3000' });
    try {
      const owner = await csrfSession(slow.app);
      const compose = await request(slow.app)
        .get('/campaigns/stop-csam/write')
        .query({ address: ADDRESS })
        .set('Cookie', owner.cookie)
        .expect(200);
      const startedAt = /name="startedAt" value="([^"]+)"/.exec(compose.text)![1]!;
      const m = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((x) => x[1]!);
      slow.clock.advance(60_000);
      const replayer = await csrfSession(slow.app);
      const form = { ...SENDER, address: ADDRESS, member: m, startedAt };
      const replayed = await request(slow.app)
        .post('/campaigns/stop-csam/letters')
        .set('Cookie', replayer.cookie)
        .type('form')
        .send({ ...form, _csrf: replayer.token });
      expect(replayed.status).toBe(400);
      // The owner's own form, with the same start time, goes through.
      await request(slow.app)
        .post('/campaigns/stop-csam/letters')
        .set('Cookie', owner.cookie)
        .type('form')
        .send({ ...form, _csrf: owner.token })
        .expect(303);
    } finally {
      await slow.close();
    }
  });

  test('when the honeypot is sent twice, the first copy empty, then nothing is saved', async () => {
    const res = await request(t.app)
      .post('/campaigns/stop-csam/letters')
      .set('Cookie', session.cookie)
      .type('form')
      .send(
        new URLSearchParams([
          ['_csrf', session.token],
          ...Object.entries(SENDER),
          ['address', ADDRESS],
          ...members.map((m): [string, string] => ['member', m]),
          ['website', ''],
          ['website', 'http://spam.example'],
        ]).toString(),
      );
    expect(res.status).toBe(400);
    expect(res.text).toContain('quicker than we expected');
  });
});

describe('responses that carry a home address', () => {
  test.each([
    ['/api/representatives', { address: ADDRESS }],
    ['/campaigns/stop-csam/members', { address: ADDRESS }],
    ['/campaigns/stop-csam/write', { address: ADDRESS }],
    ['/Campaigns/stop-csam/Write/', { address: ADDRESS }],
    ['/api/representatives', { lat: '39.78', lon: '-89.65' }],
  ])('when %s is asked with %j, then it is no-store and noindex', async (path, query) => {
    const res = await request(t.app).get(path).query(query);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toBe('noindex, nofollow');
  });

  test('when only a ZIP is looked up, then the answer stays cacheable', async () => {
    const res = await request(t.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    expect(res.headers['cache-control']).toBeUndefined();
  });
});

test('when a batch id is requested percent-encoded, then the log holds it in neither form', async () => {
  const batchUrl = await saveLetters(t.app, session, members, {
    email: 'encoded@example.org',
    ip: '203.0.113.82',
  });
  const batchId = batchUrl.split('/').pop()!;
  const encoded = [...batchId].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  appLog.clear();
  await request(t.app).get(`/letters/batch/${encoded}`).expect(200);
  await request(t.app).get(`/letters/batch/${encoded}x/delete`).expect(404);
  const log = appLog.lines().join('\n');
  expect(log).toContain('/letters/batch/:id');
  expect(log).not.toContain(batchId);
  expect(log).not.toContain(encoded.slice(0, 30));
});

describe('referral codes', () => {
  async function savedRef(ref: string): Promise<string | null> {
    const saved = await request(t.app)
      .post('/campaigns/stop-csam/letters')
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.token, ...SENDER, address: ADDRESS, member: members, ref })
      .expect(303);
    const batchId = (saved.headers.location as string).split('/').pop()!;
    const row = await t.runtime.deps.storage.db
      .selectFrom('letters')
      .select('ref')
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow();
    return row.ref;
  }

  test('when a made-up code comes with the letters, then it is not kept or counted; a share code this server signed is', async () => {
    expect(await savedRef('anything-at-all')).toBeNull();
    expect(await savedRef('0123456789abcdef')).toBeNull();
    const signed = referralCodeFor(t.runtime.deps.config.appSecret, 'some-batch');
    expect(await savedRef(signed)).toBe(signed);
  });
});

test('when the name typed on the form reads like a phishing line, then the confirmation email does not carry it', async () => {
  const mailed = await startMailedApp();
  try {
    const m = await membersFor(mailed.t.app);
    const name = 'Your account is locked. Reply with your password';
    const batchUrl = await saveLetters(mailed.t.app, mailed.session, m, {
      email: 'phished@example.org',
      ip: '203.0.113.83',
      name,
    });
    await requestConfirmationLink(mailed.t, mailed.sink, mailed.session, batchUrl, 'phished@example.org');
    const mail = mailed.sink.messages.find((x) => x.envelopeTo.includes('phished@example.org'))!;
    expect(mail.parsed.text).toMatch(/^Hello,/m);
    expect(mail.parsed.text).not.toContain('account is locked');
    expect(String(mail.parsed.html)).not.toContain('account is locked');
  } finally {
    await mailed.close();
  }
});

test('when one client asks for JSON previews again and again, then it is limited', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 62; i += 1) {
    const res = await request(t.app)
      .post('/api/letters/preview')
      .set('X-Forwarded-For', '203.0.113.84')
      .send({ bioguide: members[0], sender: SENDER });
    statuses.push(res.status);
  }
  expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
  expect(statuses.slice(60)).toEqual([429, 429]);
});

test('when the organiser signs out, then a copy of the admin cookie no longer opens the admin', async () => {
  const admin = await csrfSession(t.app, '/admin');
  const login = await request(t.app)
    .post('/admin/login')
    .set('Cookie', admin.cookie)
    .type('form')
    .send({ _csrf: admin.token, token: 'admin-token-for-the-tests-0123456789' })
    .expect(303);
  const adminCookie = ([] as string[])
    .concat(login.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('dc_admin='))!
    .split(';')[0]!;
  const cookies = `${admin.cookie}; ${adminCookie}`;
  await request(t.app).get('/api/admin/stats').set('Cookie', cookies).expect(200);
  await request(t.app)
    .post('/admin/logout')
    .set('Cookie', cookies)
    .type('form')
    .send({ _csrf: admin.token })
    .expect(303);
  await request(t.app).get('/api/admin/stats').set('Cookie', cookies).expect(401);
  await request(t.app).get('/admin/export/counts.csv').set('Cookie', cookies).expect(401);
  const page = await request(t.app).get('/admin').set('Cookie', cookies).expect(200);
  expect(page.text).toContain('name="token"');
});
