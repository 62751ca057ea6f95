/**
 * `npm run cwc:validate`: samples of every letter kind the campaign sends, built as real deliveries are,
 * checked against the CWC 2.0 schema locally and by the House's /v2/validate (here the stand-in) without
 * delivering anything; the Senate has no validate endpoint, and the DeliveryAgent match is named as what
 * only a real message to the vendor's test office can check.
 */
import path from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { validateSample } from '../../../scripts/cwc-validate';
import { startCwcStandIn, type CwcStandIn } from '../../helpers/cwc-stand-in';
import { cwcSchemaPath, schemaCheckAvailable } from '../../helpers/cwc-schema';

let house: CwcStandIn;
let senate: CwcStandIn;
beforeAll(async () => {
  house = await startCwcStandIn({ apiKey: 'house-key', offices: ['HIL13', 'HDC99'] });
  senate = await startCwcStandIn({ chamber: 'senate', offices: ['SIL02', 'SIL03'] });
});
afterAll(async () => {
  await house.close();
  await senate.close();
});

function config(overrides: Record<string, string> = {}) {
  return loadConfig({
    CAMPAIGNS_DIR: path.resolve('campaigns'),
    CWC_URL: house.url,
    CWC_API_KEY: 'house-key',
    SCWC_URL: senate.url,
    SCWC_OFFICES_URL: senate.officesUrl,
    CWC_DELIVERY_AGENT: 'Dear Congress Vendor',
    CWC_ACK_EMAIL: 'ack@vendor.org',
    CWC_CONTACT_NAME: 'Pat Vendor',
    CWC_CONTACT_EMAIL: 'pat@vendor.org',
    CWC_CONTACT_PHONE: '202-555-0100',
    ...overrides,
  });
}

describe('npm run cwc:validate', () => {
  test('when the organiser runs the check, then every letter kind passes the schema and /v2/validate, nothing is delivered, and the DeliveryAgent match is named as unchecked', async () => {
    const lines: string[] = [];
    const schema = (await schemaCheckAvailable()) ? cwcSchemaPath() : undefined;
    const ok = await validateSample(config(), { ...(schema ? { schema } : {}), log: (l) => lines.push(l) });
    const out = lines.join('\n');
    expect(ok).toBe(true);
    // Three situations x two chambers x (campaign's text, own words), two at the form's limits, one without a title.
    expect(house.validated).toHaveLength(3 * 2 + 2);
    expect(house.validated.map((d) => d.memberOffice)).toEqual(Array(8).fill('HIL13'));
    expect(house.validated.some((d) => d.fields['Constituent.Prefix'] === 'Mx.')).toBe(true);
    expect(house.validated.some((d) => (d.fields['Message.ConstituentMessage'] ?? '').length >= 9_998)).toBe(
      true,
    );
    if (schema) {
      expect(out.match(/^ {3}valid {3}/gm)).toHaveLength(15);
      expect(out).not.toContain('INVALID');
    } else {
      expect(out).toContain('NOT CHECKED: give --schema PATH');
    }
    expect(out).toContain('The Senate has no validate endpoint');
    expect(out).toMatch(/house: \d+ offices listed; HIL13 is on the list/);
    expect(out).toMatch(/senate: 2 offices listed; SIL02 is on the list/);
    expect(out).toContain('DeliveryAgent ("Dear Congress Vendor") matches the owner');
    expect(out).toContain('npm run cwc:validate -- --deliver-to');
    expect(house.received).toHaveLength(0);
    expect(senate.received).toHaveLength(0);
  });

  test('when the organiser sends one sample to the test office, then it is really delivered through /v2/message', async () => {
    const lines: string[] = [];
    expect(await validateSample(config(), { deliverTo: 'HDC99', log: (l) => lines.push(l) })).toBe(true);
    expect(house.received.map((d) => d.memberOffice)).toEqual(['HDC99']);
    expect(lines.join('\n')).toContain('One sample delivered to the test office HDC99: 200');
  });

  test('when the key is wrong, then the command reports the refusal and fails', async () => {
    const lines: string[] = [];
    const ok = await validateSample(config({ CWC_API_KEY: 'typo' }), { log: (l) => lines.push(l) });
    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/401 REFUSED[\s\S]*Invalid API key[\s\S]*Something failed/);
  });
});
