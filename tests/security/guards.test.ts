/**
 * Attack (issue 18): "The bot guard is skipped with a trailing slash or another case", and
 * "Authorization: Bearer <anything> turns CSRF off". The guards are middleware of the routes they protect,
 * and CSRF tokens are bound to the visitor's cookie and expire.
 */
import request from 'supertest';
import type { TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { createAttackedApp, csrfSession, letterCount, membersFor, type Session } from './helpers';

let t: TestApp;
let session: Session;
let members: string[];
beforeAll(async () => {
  t = await createAttackedApp({ MIN_FORM_FILL_MS: '3000' });
  session = await csrfSession(t.app);
  members = await membersFor(t.app);
});
afterAll(() => t.close());

const SPELLINGS = [
  '/campaigns/stop-csam/letters/',
  '/CAMPAIGNS/stop-csam/Letters',
  '/Campaigns/stop-csam/LETTERS/',
  '/campaigns/stop-csam/review/',
  '/campaigns/stop-csam/REVIEW',
];

describe('the bot guard runs whatever the spelling of the path', () => {
  test.each(SPELLINGS)(
    'when %s is posted with the honeypot filled and no start time, then nothing is saved',
    async (path) => {
      const before = await letterCount(t);
      const res = await request(t.app)
        .post(path)
        .set('Cookie', session.cookie)
        .type('form')
        .send({
          _csrf: session.token,
          ...SENDER,
          address: ADDRESS,
          member: members,
          website: 'http://spam.example',
        });
      expect(res.status).toBe(400);
      expect(await letterCount(t)).toBe(before);
    },
  );

  test.each(SPELLINGS)(
    'when %s is posted with no cookie, then it is refused and nothing is saved',
    async (path) => {
      const before = await letterCount(t);
      const res = await request(t.app)
        .post(path)
        .type('form')
        .send({ ...SENDER, address: ADDRESS, member: members, website: 'http://spam.example' });
      expect(res.status).toBe(403);
      expect(await letterCount(t)).toBe(before);
    },
  );
});

describe('CSRF', () => {
  test('when a form is posted with Authorization: Bearer and no token, then it is still refused', async () => {
    const before = await letterCount(t);
    for (const path of [
      '/campaigns/stop-csam/letters',
      '/letters/batch/anything/email',
      '/letters/batch/x/delete',
    ]) {
      const res = await request(t.app)
        .post(path)
        .set('Authorization', 'Bearer anything-at-all')
        .type('form')
        .send({ ...SENDER, address: ADDRESS, member: members });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    expect(await letterCount(t)).toBe(before);
  });

  test("when a token is sent with another visitor's cookie, then it is refused", async () => {
    const other = await csrfSession(t.app);
    const res = await request(t.app)
      .post('/letters/batch/anything/email')
      .set('Cookie', other.cookie)
      .type('form')
      .send({ _csrf: session.token });
    expect(res.status).toBe(403);
  });

  test('when a token is older than two key periods (8 hours), then it has expired', async () => {
    const fresh = await csrfSession(t.app);
    const post = () =>
      request(t.app)
        .post('/letters/batch/no-such-batch/email')
        .set('Cookie', fresh.cookie)
        .set('X-Forwarded-For', '192.0.2.77')
        .type('form')
        .send({ _csrf: fresh.token });
    expect((await post()).status).toBe(404);
    t.clock.advance(8 * 60 * 60 * 1000 + 1000);
    expect((await post()).status).toBe(403);
  });
});
