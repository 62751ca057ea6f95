import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createRuntime } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { createTestApp } from './helpers/app';
import { importedDataDir } from './helpers/civic-data';

describe('start-up', () => {
  test('when the data has not been imported, then start-up refuses with the command to run', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-empty-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: empty,
      SQLITE_PATH: path.join(empty, 'db.sqlite'),
    });
    await expect(createRuntime(config)).rejects.toThrow(/npm run data:update/);
  });

  test('when the configuration is bad, then every problem is listed at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*SMTP_URL/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /APP_SECRET[\s\S]*PUBLIC_URL[\s\S]*MAIL_FROM[\s\S]*SMTP_URL: required in production/,
    );
    expect(() => loadConfig({ MAIL_FROM: 'letters@localhost' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ MAIL_FROM: 'x <a@b.org>\r\nBcc: c@d.org' })).toThrow(/MAIL_FROM/);
  });

  test('when production would relay letters to a campaign inbox on a reserved domain, then start-up refuses', async () => {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-prod-'));
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      APP_SECRET: 'production-secret-production-secret-0123',
      PUBLIC_URL: 'https://letters.stopcsam.org',
      MAIL_FROM: 'Letters <letters@stopcsam.org>',
      SMTP_URL: 'smtp://mail.stopcsam.org:587',
      DATA_DIR: await importedDataDir(),
      SQLITE_PATH: path.join(dbDir, 'db.sqlite'),
      CAMPAIGNS_DIR: path.resolve(__dirname, '..', 'campaigns'),
    });
    await expect(createRuntime(config)).rejects.toThrow(
      /delivery\.inbox \(letters@stop-csam\.example\.org\) is on a reserved domain[\s\S]*set real addresses in .*campaign\.json/,
    );
    expect(fs.existsSync(path.join(dbDir, 'db.sqlite'))).toBe(false);
  });

  test('when the member data is past its validUntil date, then every page says the member list is being updated', async () => {
    const t = await createTestApp();
    try {
      const fresh = await request(t.app).get('/').expect(200);
      expect(fresh.text).not.toContain('member list is being updated');
      t.clock.set(new Date('2027-01-04T12:00:00Z'));
      const stale = await request(t.app).get('/').expect(200);
      expect(stale.text).toContain('member list is being updated');
      const api = await request(t.app).get('/api/representatives').query({ zip: '80202' }).expect(200);
      expect(api.body.data.stale).toBe(true);
    } finally {
      await t.close();
    }
  });
});
