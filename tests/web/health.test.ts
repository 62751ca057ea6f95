import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';

describe('/readyz', () => {
  let t: TestApp;
  let emptySource: string;

  beforeAll(async () => {
    emptySource = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-empty-source-'));
    t = await createTestApp({ CIVIC_DATA_FROM: emptySource });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(emptySource, { recursive: true, force: true });
  });

  test('when the data is loaded and the database answers, then it is ready', async () => {
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { data: true, database: true } });
  });

  test('when a data refresh failed, then it says degraded and when, but not the paths the reason names', async () => {
    const outcome = await t.runtime.dataRefresh.refreshNow();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(emptySource);

    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.degraded).toEqual([
      expect.stringMatching(/^data refresh failed at \d{4}-\d\d-\d\dT.*server log/),
    ]);
    expect(JSON.stringify(res.body)).not.toContain(emptySource);
    expect(JSON.stringify(res.body)).not.toContain(os.tmpdir());
  });
});
