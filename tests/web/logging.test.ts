/**
 * Logs carry no personal data: a whole journey (lookup, letter, email request and confirmation, a bad
 * form, a print view) is logged at debug level, and nothing a person typed appears in any line.
 */
import request from 'supertest';
import { createTestApp, testLogFile } from '../helpers/app';

test('when a person goes through the whole journey, then no log line holds their name, email, street or letter', async () => {
  const appLog = testLogFile();
  const t = await createTestApp({
    ADMIN_TOKEN: 'admin-token-for-logging-test',
    LOG_LEVEL: 'debug',
    LOG_FILE: appLog.file,
  });
  try {
    const agent = request.agent(t.app);
    const address = '742 Evergreen Terrace, Springfield, IL 62704';
    await agent.get('/api/representatives').query({ address }).expect(200);
    const compose = await agent.get('/campaigns/stop-csam/write').query({ address }).expect(200);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(compose.text)?.[1] ?? '';
    const members = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
    const form = {
      _csrf: csrf,
      name: 'Marge Bouvier',
      email: 'marge.bouvier@example.org',
      street: '742 Evergreen Terrace',
      city: 'Springfield',
      state: 'IL',
      zip: '62704',
      address,
      member: members,
      personalNote: 'Homer and I worry about Lisa online.',
    };
    await agent
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ ...form, email: 'marge.bouvier@' })
      .expect(400);
    const saved = await agent.post('/campaigns/stop-csam/letters').type('form').send(form).expect(303);
    const batch = saved.headers.location as string;
    await agent.post(`${batch}/email`).type('form').send({ _csrf: csrf }).expect(303);
    await t.runtime.worker.runOnce();
    const page = await agent.get(batch).expect(200);
    expect(page.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const letterId = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)![1]!;
    await agent.get(`/letters/${letterId}/print`).expect(200);
    await agent.post('/admin/login').type('form').send({ token: 'wrong-token-value-here', _csrf: csrf });
    await agent
      .get('/api/admin/stats')
      .set('Authorization', 'Bearer admin-token-for-logging-test')
      .expect(200);

    const lines = appLog.lines();
    expect(lines.length).toBeGreaterThan(5);
    const log = lines.join('\n');
    // One pino-http line per request, its URL without query string or ids, and no headers at all.
    const pageLine = lines
      .map((l) => JSON.parse(l) as { req?: Record<string, unknown> })
      .find((l) => l.req?.url === '/letters/batch/:id');
    expect(pageLine).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET' },
      res: { statusCode: 200 },
    });
    expect(Object.keys(pageLine!.req!).sort()).toEqual(['id', 'method', 'url']);
    expect(log).not.toContain('/letters/:id/print?');
    expect(log).not.toMatch(/cookie/i);
    for (const secret of [
      'Marge',
      'Bouvier',
      'marge.bouvier',
      'Evergreen',
      'Lisa online',
      'wrong-token-value-here',
      'admin-token-for-logging-test',
      batch.split('/').pop()!,
      letterId,
      csrf.slice(0, 20),
    ]) {
      expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
    }
  } finally {
    await t.close();
  }
});
