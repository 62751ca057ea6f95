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
