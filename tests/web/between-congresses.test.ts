/**
 * The write page between Congresses (issue 23, point 4): on 10 January 2027, with the 119th Congress's
 * data still in service, Senator Durbin's and Representative Budzinski's terms have ended and Senator
 * Duckworth's has not. The page shows the ended ones unticked, with no box to tick, and says why and
 * when their seat's next holder appears; the letter to Senator Duckworth saves and goes out as usual.
 */
import request from 'supertest';
import { emailAndConfirmBatch, useEmailTestApp } from '../helpers/email-app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

const DURBIN = 'D000563';
const DUCKWORTH = 'D000622';
const BUDZINSKI = 'B001315';
const OFFICE_INBOX = 'letters@stop-csam.example.org';
const TEN_JANUARY_2027 = new Date('2027-01-10T15:00:00Z');

const env = useEmailTestApp();

beforeAll(async () => {
  env.t.clock.set(TEN_JANUARY_2027);
  env.csrf = await csrfSession(env.t.app);
});

function post(path: string, members: string[]) {
  return request(env.t.app)
    .post(path)
    .set('Cookie', env.csrf.cookie)
    .type('form')
    .send({ _csrf: env.csrf.token, ...SENDER, address: ADDRESS, member: members });
}

/** The checkbox of a member on the write page, or undefined when the page offers none. */
const checkbox = (html: string, bioguide: string) =>
  new RegExp(`<input[^>]*name="member" value="${bioguide}"[^>]*>`).exec(html)?.[0];

describe('the write page between Congresses', () => {
  test('when a senator’s term has ended and the other’s has not, then only the serving one is offered and ticked, and the page says why and when in en, es and ar', async () => {
    const page = await request(env.t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS })
      .expect(200);
    expect(checkbox(page.text, DUCKWORTH)).toContain('checked');
    expect(checkbox(page.text, DURBIN)).toBeUndefined();
    expect(checkbox(page.text, BUDZINSKI)).toBeUndefined();
    expect(page.text).toContain(
      'Richard J. Durbin&#x27;s term ended at noon on 3 January 2027, so no letter is sent for this seat now. Whoever holds it in the 120th Congress will appear here once that Congress&#x27;s member list is loaded, usually within a few days.',
    );
    expect(page.text).toContain('id="body_D000622"');
    expect(page.text).not.toContain('id="body_D000563"');

    const es = await request(env.t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS, lang: 'es' })
      .expect(200);
    expect(es.text).toContain('El mandato de Richard J. Durbin terminó al mediodía del 3 de enero de 2027');
    expect(es.text).toContain('Quien lo ocupe en el 120.º Congreso aparecerá aquí');
    const ar = await request(env.t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS, lang: 'ar' })
      .expect(200);
    // Values in Arabic sentences are wrapped in directional isolates (U+2068 ... U+2069).
    const arabic = ar.text.replace(/[\u2068\u2069]/g, '');
    expect(arabic).toContain('انتهت ولاية Richard J. Durbin ظهر يوم');
    expect(arabic).toContain('في الكونغرس الـ120');
  });

  test('when a batch names one ended and one serving member, then the serving member’s letter is reviewed, saved and sent, and the ended one is left out', async () => {
    // A form opened before noon on 3 January still names Senator Durbin.
    const review = await post('/campaigns/stop-csam/review', [DURBIN, DUCKWORTH]).expect(200);
    expect(review.text).toContain(
      'No letter will be sent to Senator Richard J. Durbin: their term has ended.',
    );
    expect(review.text).toContain('id="review-D000622"');
    expect(review.text).not.toContain('id="review-D000563"');
    expect(review.text).not.toContain('name="member" value="D000563"');

    const saved = await post('/campaigns/stop-csam/letters', [DURBIN, DUCKWORTH]).expect(303);
    const batchUrl = saved.headers.location as string;
    const batch = await request(env.t.app).get(batchUrl).expect(200);
    expect(batch.text).toContain('Senator Tammy Duckworth');
    expect(batch.text).not.toContain('Senator Richard J. Durbin');

    await emailAndConfirmBatch(env, batchUrl);
    while ((await env.t.runtime.worker.runOnce()) > 0);
    const toOffices = env.sink.messages.filter((m) => m.envelopeTo.includes(OFFICE_INBOX));
    expect(toOffices).toHaveLength(1);
    // The serving senator's letter, with the ask of the day: the 119th's bills died with it.
    expect(toOffices[0]!.parsed.text).toContain('Dear Senator Duckworth:');
    expect(toOffices[0]!.parsed.text).toContain('Please reintroduce the STOP CSAM Act');
    expect(toOffices[0]!.parsed.text).not.toContain('Durbin');
    const page = await request(env.t.app).get(batchUrl).expect(200);
    expect(page.text).toContain('dc-status--sent');
    expect(page.text).not.toContain('dc-status--held');
  });

  test('when the letters are previewed, then the ended members answer 409 as saving does and the serving senator’s letter previews as it would be sent', async () => {
    const preview = (bioguide: string) =>
      request(env.t.app).post('/api/letters/preview').send({ bioguide, sender: SENDER });
    for (const ended of [DURBIN, BUDZINSKI]) {
      const refused = await preview(ended).expect(409);
      expect(refused.body.error).toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('Letters to members whose term has ended cannot be saved or sent'),
      });
      expect(JSON.stringify(refused.body)).not.toContain('reintroduce');
    }
    const serving = await preview(DUCKWORTH).expect(200);
    // The 119th's bills died with it: the letter the serving senator gets asks to reintroduce them.
    expect(serving.body).toMatchObject({
      ask: 'reintroduce',
      recipient: { bioguide: DUCKWORTH },
      salutation: 'Dear Senator Duckworth:',
    });
    expect(serving.body.subject).toContain('120th Congress');
  });

  test('when every member in the batch has ended their term, then nothing is saved and the page says why (409)', async () => {
    const refused = await post('/campaigns/stop-csam/letters', [DURBIN, BUDZINSKI]).expect(409);
    expect(refused.text).toContain('The new Congress has begun and its member list is being updated.');
  });
});
