/** A deleted batch's page shows what was deleted and nothing else: no email, print, PDF or share offer. */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('when a writer deletes their batch, then its page says so and offers nothing to send, print or share', async () => {
  const agent = request.agent(t.app);
  const address = '100 Main St, Springfield, IL 62704';
  const compose = await agent.get('/campaigns/stop-csam/write').query({ address }).expect(200);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(compose.text)?.[1] ?? '';
  const member = /name="member" value="([A-Z]\d{6})"/.exec(compose.text)![1]!;
  const saved = await agent
    .post('/campaigns/stop-csam/letters')
    .type('form')
    .send({
      _csrf: csrf,
      name: 'Pat Writer',
      email: 'pat@example.org',
      street: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      address,
      member,
    })
    .expect(303);
  const batchUrl = saved.headers.location as string;
  const before = await agent.get(batchUrl).expect(200);
  expect(before.text).toContain('.pdf"');

  await agent.post(`${batchUrl}/delete`).type('form').send({ _csrf: csrf }).expect(200);
  const after = await agent.get(batchUrl).expect(200);
  expect(after.text).toContain('Your data has been deleted');
  expect(after.text).not.toContain('.pdf"');
  expect(after.text).not.toContain('/print"');
  expect(after.text).not.toContain(`action="${batchUrl}/email"`);
  expect(after.text).not.toContain('/delete"');
  expect(after.text).not.toContain('dc-share');
});
