/**
 * Attack (issue 18): "A link scanner sends letters". HEAD or GET on the emailed link must change nothing;
 * only the page's "Send my letters" button (a POST with its CSRF token) confirms.
 */
import request from 'supertest';
import {
  membersFor,
  publicNumbers,
  requestConfirmationLink,
  saveLetters,
  startMailedApp,
  type MailedApp,
} from './helpers';
import { pressConfirm } from '../helpers/letter-forms';

let mailed: MailedApp;
beforeAll(async () => {
  mailed = await startMailedApp();
});
afterAll(() => mailed.close());

async function officeEmails(): Promise<number> {
  const { t } = mailed;
  const rows = await t.runtime.deps.storage.db
    .selectFrom('outbox')
    .select('id')
    .where('kind', '=', 'office')
    .execute();
  return rows.length;
}

test('when a scanner sends HEAD and GET to the confirmation link, then nothing is confirmed, queued or counted; the button does it', async () => {
  const { t, sink, session } = mailed;
  const members = await membersFor(t.app);
  const batchUrl = await saveLetters(t.app, session, members, {
    email: 'scanned@example.org',
    ip: '203.0.113.40',
  });
  const link = await requestConfirmationLink(t, sink, session, batchUrl, 'scanned@example.org');
  const before = await publicNumbers(t.app);

  await request(t.app).head(link).expect(200);
  const page = await request(t.app).get(link).expect(200);
  await request(t.app).get(link).expect(200);
  expect(page.text).toContain('Send my letters');
  expect(page.text).toMatch(/<form method="post" action="\/letters\/confirm\/[\w-]+">/);
  expect(page.headers['cache-control']).toBe('no-store');
  expect(await officeEmails()).toBe(0);
  expect(await publicNumbers(t.app)).toEqual(before);
  const statuses = await t.runtime.deps.storage.db
    .selectFrom('letters')
    .select('status')
    .where('batch_id', '=', batchUrl.split('/').pop()!)
    .execute();
  expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['awaiting_confirmation']));

  // A cross-site POST without the token is refused too.
  await request(t.app).post(link).type('form').send({}).expect(403);
  expect(await officeEmails()).toBe(0);

  await pressConfirm(request(t.app), session, link);
  expect(await officeEmails()).toBe(members.length);
  expect((await publicNumbers(t.app)).total - before.total).toBe(members.length);
});
