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
    expect(() => loadConfig({ ...AGENT, SCWC_URL: 'https://scwc.test.example' })).toThrow(
      /SCWC_API_KEY: missing[\s\S]*SCWC_OFFICES: missing/,
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

  test('when the Senate list is given, then it is office codes or all, and anything else is refused', () => {
    const senate = { ...AGENT, SCWC_URL: 'https://scwc.test.example', SCWC_API_KEY: 's' };
    expect(loadConfig({ ...senate, SCWC_OFFICES: 'SIL1, SCA0' }).cwc?.senate?.offices).toEqual([
      'SIL1',
      'SCA0',
    ]);
    expect(loadConfig({ ...senate, SCWC_OFFICES: 'all' }).cwc?.senate?.offices).toBe('all');
    expect(loadConfig({ ...senate, SCWC_OFFICES: 'all' }).cwc?.house).toBeUndefined();
    expect(() => loadConfig({ ...senate, SCWC_OFFICES: 'HIL13' })).toThrow(/SCWC_OFFICES/);
  });
});
