/** A deleted batch's page shows what was deleted and nothing else: no email, print, PDF or share offer. */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { openWritePage, saveLetters } from '../helpers/letter-forms';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('when a writer deletes their batch, then its page says so and offers nothing to send, print or share', async () => {
  const agent = request.agent(t.app);
  const { members, token } = await openWritePage(agent);
  const batchUrl = await saveLetters(agent, { token }, { member: members[0] });
  const before = await agent.get(batchUrl).expect(200);
  expect(before.text).toContain('.pdf"');

  await agent.post(`${batchUrl}/delete`).type('form').send({ _csrf: token }).expect(200);
  const after = await agent.get(batchUrl).expect(200);
  expect(after.text).toContain('Your data has been deleted');
  expect(after.text).not.toContain('.pdf"');
  expect(after.text).not.toContain('/print"');
  expect(after.text).not.toContain(`action="${batchUrl}/email"`);
  expect(after.text).not.toContain('/delete"');
  expect(after.text).not.toContain('dc-share');
});
