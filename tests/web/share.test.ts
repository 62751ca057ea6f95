/**
 * Sharing after sending, through the pages: the batch page offers a share link with the person's own
 * referral code once something was sent or printed, and letters written through that link are counted
 * under the code in the organiser's view.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { verifyLetters } from '../../src/tracking/verification';
import { csrfSession } from './security-helpers';

let t: TestApp;
let csrf: { cookie: string; token: string };
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://letters.example.org', ADMIN_TOKEN: 'a'.repeat(32) });
  csrf = await csrfSession(t.app);
});
afterAll(() => t.close());

/** Walks home → members → write → save as a person would, following the forms' hidden fields. */
async function writeThrough(entry: string, email: string): Promise<string> {
  const home = await request(t.app).get(entry).expect(200);
  const refInput = /<input type="hidden" name="ref" value="([^"]*)">/.exec(home.text)?.[1];
  const members = await request(t.app)
    .get('/campaigns/stop-csam/members')
    .query({ address: ADDRESS, ...(refInput ? { ref: refInput } : {}) })
    .expect(200);
  const writeForm = /<form method="get" action="\/campaigns\/stop-csam\/write">([\s\S]*?)<\/form>/.exec(
    members.text,
  )![1]!;
  const query = Object.fromEntries(
    [...writeForm.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]),
  );
  const compose = await request(t.app).get('/campaigns/stop-csam/write').query(query).expect(200);
  const hidden = Object.fromEntries(
    [...compose.text.matchAll(/<input type="hidden" name="(ref|address|district)" value="([^"]*)">/g)].map(
      (m) => [m[1]!, m[2]!],
    ),
  );
  const member = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
  const saved = await request(t.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({
      _csrf: csrf.token,
      ...hidden,
      ...SENDER,
      email,
      member,
    })
    .expect(303);
  return saved.headers.location as string;
}

describe('sharing after sending', () => {
  test('when nothing has been sent yet, then the batch page does not ask to share', async () => {
    const batchUrl = await writeThrough('/campaigns/stop-csam', 'first@example.org');
    const page = await request(t.app).get(batchUrl).expect(200);
    expect(page.text).not.toContain('Ask others to write too');
    // Nothing done yet, so no empty "Done:" after each letter's status.
    expect(page.text).not.toContain('Done:');
  });

  test('when the letters were printed, then a share link with a referral code is offered, and letters written through it count under that code', async () => {
    const batchUrl = await writeThrough('/campaigns/stop-csam', 'sharer@example.org');
    const before = await request(t.app).get(batchUrl).expect(200);
    const letterId = /href="\/letters\/([\w-]{22})\/print"/.exec(before.text)![1]!;
    await request(t.app)
      .post(`/letters/${letterId}/printed`)
      .set('Cookie', csrf.cookie)
      .type('form')
      .send({ _csrf: csrf.token })
      .expect(303);
    const page = await request(t.app).get(batchUrl).expect(200);
    expect(page.text).toContain('Ask others to write too');
    expect(page.text).toContain('Done: printed');
    // Two channels read as a list in the page's language.
    await request(t.app)
      .post(`/letters/${letterId}/webform`)
      .set('Cookie', csrf.cookie)
      .type('form')
      .send({ _csrf: csrf.token })
      .expect(303);
    const after = await request(t.app).get(batchUrl).expect(200);
    expect(after.text).toContain('Done: printed and sent on the website (as you told us)');
    const inSpanish = await request(t.app).get(batchUrl).query({ lang: 'es' }).expect(200);
    expect(inSpanish.text).toMatch(/impresa y [^<]+sitio web/);
    const url = /id="share-url" type="text" readonly value="([^"]+)"/
      .exec(page.text)![1]!
      .replace(/&#x3D;/g, '=');
    const ref = /^https:\/\/letters\.example\.org\/campaigns\/stop-csam\?ref=([0-9a-f]{16})$/.exec(url)![1]!;
    expect(batchUrl).not.toContain(ref);
    expect(page.text).toContain('I just wrote to my members of Congress');
    expect(page.text).toMatch(/href="mailto:\?subject&#x3D;[^"]+&amp;body&#x3D;[^"]+"/);

    const friendBatch = await writeThrough(`/campaigns/stop-csam?ref=${ref}`, 'friend@example.org');
    // The friend confirms their email (as tests/web/email-journey.test.ts does through the pages).
    const { db } = t.runtime.deps.storage;
    const rows = await db
      .selectFrom('letters')
      .selectAll()
      .where('batch_id', '=', friendBatch.split('/').pop()!)
      .execute();
    await verifyLetters(db, rows, t.clock.now());
    const stats = await request(t.app)
      .get('/api/admin/stats')
      .set('Authorization', `Bearer ${'a'.repeat(32)}`)
      .expect(200);
    // The friend wrote to three members: three verified letters under the sharer's code.
    expect(stats.body.byRef).toEqual([{ ref, count: 3 }]);
  });
});
