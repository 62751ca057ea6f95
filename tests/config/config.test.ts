/**
 * The Communicating with Congress settings: all of a group or none of it, named when missing.
 */
import { loadConfig } from '../../src/config/config';

const AGENT = {
  CWC_DELIVERY_AGENT: 'Dear Congress Vendor',
  CWC_ACK_EMAIL: 'ack@vendor.org',
  CWC_CONTACT_NAME: 'Pat Vendor',
  CWC_CONTACT_EMAIL: 'pat@vendor.org',
  CWC_CONTACT_PHONE: '202-555-0100',
};

describe('CWC configuration', () => {
  test('when nothing of CWC is set, then letters keep the email relay', () => {
    expect(loadConfig({}).cwc).toBeUndefined();
  });

  test('when the House service and the agent are set, then CWC is on for the House only', () => {
    const config = loadConfig({ ...AGENT, CWC_URL: 'https://cwc.test.example', CWC_API_KEY: 'k' });
    expect(config.cwc).toMatchObject({
      agent: { name: 'Dear Congress Vendor', contactPhone: '202-555-0100' },
      house: { url: 'https://cwc.test.example', apiKey: 'k' },
      senate: undefined,
    });
  });

  test('when half a configuration is given, then start-up stops listing every missing variable', () => {
    expect(() => loadConfig({ CWC_URL: 'https://cwc.test.example' })).toThrow(
      /CWC_API_KEY: missing[\s\S]*CWC_DELIVERY_AGENT: missing[\s\S]*CWC_CONTACT_PHONE: missing/,
    );
    expect(() => loadConfig({ ...AGENT })).toThrow(/CWC_URL: missing[\s\S]*CWC_API_KEY: missing/);
    expect(() => loadConfig({ SCWC_URL: 'https://scwc.test.example' })).toThrow(
      /CWC_DELIVERY_AGENT: missing[\s\S]*CWC_CONTACT_PHONE: missing/,
    );
    expect(() =>
      loadConfig({
        ...AGENT,
        CWC_URL: 'https://cwc.test.example',
        CWC_API_KEY: 'k',
        CWC_CONTACT_PHONE: '2025550100',
      }),
    ).toThrow(/CWC_CONTACT_PHONE: must look like 202-555-0100/);
  });

  test('when the Senate service is given, then its URL is used as given and its office list is the Senate’s own', () => {
    const config = loadConfig({ ...AGENT, SCWC_URL: 'https://soapbox.test.example/api/testing-messages/' });
    expect(config.cwc?.senate).toEqual({
      url: 'https://soapbox.test.example/api/testing-messages/',
      officesUrl: 'https://soapbox.senate.gov/api/active_offices',
    });
    expect(config.cwc?.house).toBeUndefined();
    expect(config.cwc?.retryHours).toBe(12);
  });

  test('when a value is outside what the CWC schema takes, then start-up refuses it', () => {
    const house = { ...AGENT, CWC_URL: 'https://cwc.test.example', CWC_API_KEY: 'k' };
    expect(() => loadConfig({ ...house, CWC_DELIVERY_AGENT: 'DCV' })).toThrow(/CWC_DELIVERY_AGENT: .*4-500/);
    expect(() => loadConfig({ ...house, CWC_CONTACT_NAME: 'Pat' })).toThrow(/CWC_CONTACT_NAME: .*6-500/);
    expect(() => loadConfig({ ...house, CWC_ACK_EMAIL: 'ack@localhost' })).toThrow(/CWC_ACK_EMAIL/);
    expect(() => loadConfig({ ...house, CWC_DELIVERY_AGENT: 'Dear \uFFFF Vendor' })).toThrow(
      /XML cannot carry/,
    );
    // Shorter than the House's six-hour maintenance window with room to spare: refused.
    expect(() => loadConfig({ ...house, CWC_RETRY_HOURS: '6' })).toThrow(/CWC_RETRY_HOURS/);
  });
});

test('when the configuration is loaded, then no part of it can be changed afterwards, nested values included', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  expect(Object.isFrozen(config)).toBe(true);
  for (const value of Object.values(config)) {
    if (value && typeof value === 'object') expect(Object.isFrozen(value)).toBe(true);
  }
});

describe('PostgreSQL pool settings', () => {
  test('when DATABASE_URL is set alone, then the pool is sized for two cores and a request waits up to 30 s for a connection', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/dc' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://db.example/dc',
      poolSize: 5,
      connectWaitMs: 30_000,
    });
  });

  test('when DATABASE_POOL_SIZE and REQUEST_DEADLINE_MS are set, then the pool takes them', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.example/dc',
      DATABASE_POOL_SIZE: '12',
      REQUEST_DEADLINE_MS: '60000',
    });
    expect(config.database).toMatchObject({ poolSize: 12, connectWaitMs: 60_000 });
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe('mail transport in production', () => {
  const PRODUCTION = {
    NODE_ENV: 'production',
    APP_SECRET: 'production-secret-production-secret-0123',
    PUBLIC_URL: 'https://letters.example.org',
    MAIL_FROM: 'Letters <letters@example.org>',
  };

  test('when production has no SMTP_URL, then start-up refuses and names MAIL_TRANSPORT=files as the deliberate way out', () => {
    expect(() => loadConfig(PRODUCTION)).toThrow(/SMTP_URL: required in production.*MAIL_TRANSPORT=files/);
  });

  test('when MAIL_TRANSPORT=files is set on purpose, then production writes .eml files, even with an SMTP_URL', () => {
    expect(loadConfig({ ...PRODUCTION, MAIL_TRANSPORT: 'files' }).smtpUrl).toBeUndefined();
    expect(
      loadConfig({ ...PRODUCTION, MAIL_TRANSPORT: 'files', SMTP_URL: 'smtp://mail.example.org' }).smtpUrl,
    ).toBeUndefined();
    expect(loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://mail.example.org' }).smtpUrl).toBe(
      'smtp://mail.example.org',
    );
  });

  test('when MAIL_TRANSPORT=smtp has no SMTP_URL, then start-up refuses, in any environment', () => {
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrow(
      /SMTP_URL: required with MAIL_TRANSPORT=smtp/,
    );
  });
});
