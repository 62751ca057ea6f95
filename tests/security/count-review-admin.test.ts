/**
 * Attack (issue 28): "50 source addresses added 1,250 verified letters in 32 seconds". Past a district's
 * hourly cap, verified letters wait for the organiser instead of counting; the organiser's page shows the
 * burst, sets its hour aside with a reason (out of the public numbers) and can count it again; the
 * progress page says what the numbers count.
 */
import request from 'supertest';
import { verifyLetters } from '../../src/tracking/verification';
import type { TestApp } from '../helpers/app';
import { adminSession } from '../web/security-helpers';
import { createAttackedApp, csrfSession, membersFor, publicNumbers, saveLetters } from './helpers';

const TOKEN = 'admin-token-for-the-count-review-0123';
let t: TestApp;
let admin: { cookies: string; token: string };
beforeAll(async () => {
  t = await createAttackedApp({ ADMIN_TOKEN: TOKEN, COUNT_CAP_DISTRICT_PER_HOUR: '6' });
  admin = await adminSession(t.app, TOKEN);
});
afterAll(() => t.close());

test('when one district’s writers verify a burst past its hourly cap, then the rest wait, and the organiser sets the hour aside and counts it again', async () => {
  const members = await membersFor(t.app);
  expect(members).toHaveLength(3);
  const session = await csrfSession(t.app);
  const { db } = t.runtime.deps.storage;
  // Four writers of IL-13 confirm within the hour (as the confirmation link does).
  for (let i = 0; i < 4; i += 1) {
    const batchUrl = await saveLetters(t.app, session, members, {
      email: `burst${i}@example.org`,
      ip: `203.0.113.${120 + i}`,
    });
    const rows = await db
      .selectFrom('letters')
      .selectAll()
      .where('batch_id', '=', batchUrl.split('/').pop()!)
      .execute();
    await verifyLetters(db, rows, t.clock.now(), t.runtime.deps.config.countCaps);
  }
  expect((await publicNumbers(t.app)).total).toBe(6);

  const page = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
  expect(page.text).toContain('<strong>6</strong> letters wait for you');
  expect(page.text).toMatch(/Illinois, district 13<\/td><td>2<\/td><td>2<\/td>/);
  const hour = /name="from" value="(\d{4}-\d\d-\d\dT\d\d)"/.exec(page.text)![1]!;

  await request(t.app)
    .post('/admin/counts/set-aside')
    .set('Cookie', admin.cookies)
    .type('form')
    .send({
      _csrf: admin.token,
      campaign: 'stop-csam',
      from: hour,
      hours: '1',
      district: 'IL-13',
      reason: 'One burst',
    })
    .expect(303);
  expect((await publicNumbers(t.app)).total).toBe(0);
  const after = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
  expect(after.text).toContain('One burst');
  const restore = /action="(\/admin\/counts\/set-aside\/[\w-]+\/restore)"/.exec(after.text)![1]!;

  await request(t.app)
    .post(restore)
    .set('Cookie', admin.cookies)
    .type('form')
    .send({ _csrf: admin.token, campaign: 'stop-csam' })
    .expect(303);
  expect((await publicNumbers(t.app)).total).toBe(6);

  await request(t.app)
    .post('/admin/counts/release')
    .set('Cookie', admin.cookies)
    .type('form')
    .send({ _csrf: admin.token, campaign: 'stop-csam' })
    .expect(303);
  expect((await publicNumbers(t.app)).total).toBe(12);

  // Without a session nothing changes.
  await request(t.app)
    .post('/admin/counts/release')
    .set('Cookie', admin.cookies.split('; ')[0]!)
    .type('form')
    .send({ _csrf: admin.token, campaign: 'stop-csam' })
    .expect(401);

  const progress = await request(t.app).get('/campaigns/stop-csam/progress').expect(200);
  expect(progress.text).toContain('wait for the organisers’ review before they count');
});
