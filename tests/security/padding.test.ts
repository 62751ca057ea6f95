/**
 * Attacks (issue 28): "The verified total can be padded with throwaway mailboxes" and "email bombing
 * through Gmail's own aliases". Disposable-mail domains and domains without mail exchangers are refused at
 * the email field (DNS answered by a local server); the 3-a-day confirmation cap folds Gmail's dots and
 * googlemail.com.
 */
import request from 'supertest';
import type { TestApp } from '../helpers/app';
import { DnsServer } from '../helpers/dns-server';
import { ADDRESS, SENDER } from '../helpers/sender';
import {
  createAttackedApp,
  csrfSession,
  letterCount,
  membersFor,
  saveLetters,
  type Session,
} from './helpers';

let dns: DnsServer;
let t: TestApp;
let session: Session;
let members: string[];
beforeAll(async () => {
  dns = await DnsServer.start({
    'example.org': { mx: [{ preference: 10, exchange: 'mx.example.org' }] },
    'gmail.com': { mx: [{ preference: 5, exchange: 'gmail-smtp-in.l.google.com' }] },
    'googlemail.com': { mx: [{ preference: 5, exchange: 'gmail-smtp-in.l.google.com' }] },
    'no-mail.example.net': { a: [] },
  });
  t = await createAttackedApp({ EMAIL_MX_CHECK: 'true', DNS_SERVERS: dns.address });
  session = await csrfSession(t.app);
  members = await membersFor(t.app);
});
afterAll(async () => {
  await t.close();
  await dns.stop();
});

function postLetters(email: string, ip: string) {
  return request(t.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', session.cookie)
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ _csrf: session.token, ...SENDER, email, address: ADDRESS, member: members });
}

describe('email domains that cannot stand behind a letter', () => {
  test.each([
    ['a throwaway mail service', 'pad1@mailinator.com', 'throwaway mail service'],
    ['a subdomain of one', 'pad2@team.guerrillamail.com', 'throwaway mail service'],
    ['a domain without mail exchangers', 'pad3@no-mail.example.net', 'does not receive email'],
    ['a domain that does not exist', 'pad4@nowhere.example.net', 'does not receive email'],
  ])(
    'when the address is at %s, then nothing is saved and the email field says why',
    async (_what, email, says) => {
      const before = await letterCount(t);
      const res = await postLetters(email, '203.0.113.100');
      expect(res.status).toBe(400);
      expect(res.text).toMatch(new RegExp(`id="email-error"[^>]*>[^<]*${says}`));
      // The person's text is kept.
      expect(res.text).toContain(`value="${email}"`);
      expect(await letterCount(t)).toBe(before);
    },
  );

  test('when the domain takes mail, then the letters are saved, and its answer is reused', async () => {
    await postLetters('writer@example.org', '203.0.113.101').expect(303);
    await postLetters('writer2@example.org', '203.0.113.101').expect(303);
    expect(dns.questions.filter((q) => q === 'MX example.org')).toHaveLength(1);
  });
});

test('when one Gmail mailbox is spelled with dots, googlemail.com and a +tag, then it still gets at most 3 confirmation emails a day', async () => {
  const spellings = [
    'victim.person@gmail.com',
    'victimperson@googlemail.com',
    'Victim.Person+news@gmail.com',
    'v.i.c.t.i.m.p.e.r.s.o.n@gmail.com',
    'VICTIMPERSON@GoogleMail.com',
  ];
  const statuses: number[] = [];
  for (const [i, email] of spellings.entries()) {
    const ip = `203.0.113.${110 + i}`;
    const s = await csrfSession(t.app);
    const batchUrl = await saveLetters(t.app, s, members, { email, ip });
    const res = await request(t.app)
      .post(`${batchUrl}/email`)
      .set('Cookie', s.cookie)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ _csrf: s.token });
    statuses.push(res.status);
  }
  expect(statuses).toEqual([303, 303, 303, 429, 429]);
});
