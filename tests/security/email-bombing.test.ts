/**
 * Attack (issue 18): "Email bombing". Three source addresses sent nine confirmation emails to one mailbox,
 * each greeting the victim with attacker-chosen text. At most 3 confirmation emails per recipient address
 * per day, across networks, batches and instances; names carry no links or domains.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { createAttackedApp, csrfSession, membersFor, saveLetters } from './helpers';

const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bombing-'));
const shared = { SQLITE_PATH: path.join(dbDir, 'shared.sqlite') };
let first: TestApp;
let second: TestApp;
beforeAll(async () => {
  // Two instances over one database: the limit must hold across them.
  first = await createAttackedApp(shared);
  second = await createAttackedApp(shared);
});
afterAll(async () => {
  await first.close();
  await second.close();
});

test('when three addresses on two instances ask for confirmation emails to one mailbox, then only 3 are sent that day, with a clear message at the email button', async () => {
  const members = await membersFor(first.app);
  const spellings = ['victim@example.org', 'Victim@Example.org', 'victim+x@example.org'];
  const statuses: number[] = [];
  let refusal = '';
  for (let i = 0; i < 9; i += 1) {
    const t = i % 2 === 0 ? first : second;
    const ip = `203.0.113.${50 + (i % 3)}`;
    const session = await csrfSession(t.app);
    const batchUrl = await saveLetters(t.app, session, members, { email: spellings[i % 3]!, ip });
    const res = await request(t.app)
      .post(`${batchUrl}/email`)
      .set('Cookie', session.cookie)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ _csrf: session.token });
    statuses.push(res.status);
    if (res.status === 429) refusal = res.text;
  }
  expect(statuses.filter((s) => s === 303)).toHaveLength(3);
  expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  expect(refusal).toMatch(
    /id="email-error"[^>]*>We have already sent 3 confirmation emails to this address today/,
  );
  const confirmations = await first.runtime.deps.storage.db
    .selectFrom('outbox')
    .select('id')
    .where('kind', '=', 'confirmation')
    .execute();
  expect(confirmations).toHaveLength(3);
  // The mailbox is not stored in the shared counter, only an HMAC of it.
  const counters = await first.runtime.deps.storage.db.selectFrom('rate_limits').select('key').execute();
  expect(counters.map((c) => c.key).join(' ')).not.toMatch(/victim/i);
});

test.each([
  'Visit evil.example now',
  'http://evil.example',
  'Ana www.bad-site.com',
  'Win $1000',
  'Ana <b>Bold</b>',
])('when the name is %j, then the letter is refused with a message at the name field', async (name) => {
  const session = await csrfSession(first.app);
  const members = await membersFor(first.app);
  const res = await request(first.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', session.cookie)
    .set('X-Forwarded-For', '203.0.113.60')
    .type('form')
    .send({ _csrf: session.token, ...SENDER, name, address: ADDRESS, member: members });
  expect(res.status).toBe(400);
  expect(res.text).toMatch(/id="name-error"[^>]*>[^<]*letters only/);
});

test.each(['Ana Núñez', 'Seán O’Brien-Smith', 'J.R.R. Tolkien', 'Dr. Mary Jane', 'محمد علي', '李小龍'])(
  'when the name is %j, then it is accepted',
  async (name) => {
    const session = await csrfSession(first.app);
    const members = await membersFor(first.app);
    await saveLetters(first.app, session, members, { email: 'names@example.org', ip: '203.0.113.61', name });
  },
);
