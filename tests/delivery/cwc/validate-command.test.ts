/**
 * `npm run cwc:validate`: a sample letter of the campaign, built as real deliveries are, checked by the
 * service's /v2/validate (here the stand-in) without delivering anything.
 */
import path from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { validateSample } from '../../../scripts/cwc-validate';
import { startCwcStandIn, type CwcStandIn } from '../../helpers/cwc-stand-in';

let house: CwcStandIn;
let senate: CwcStandIn;
beforeAll(async () => {
  house = await startCwcStandIn({ apiKey: 'house-key' });
  senate = await startCwcStandIn({ apiKey: 'senate-key', chamber: 'senate' });
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
    SCWC_API_KEY: 'senate-key',
    SCWC_OFFICES: 'all',
    CWC_DELIVERY_AGENT: 'Dear Congress Vendor',
    CWC_ACK_EMAIL: 'ack@vendor.org',
    CWC_CONTACT_NAME: 'Pat Vendor',
    CWC_CONTACT_EMAIL: 'pat@vendor.org',
    CWC_CONTACT_PHONE: '202-555-0100',
    ...overrides,
  });
}

describe('npm run cwc:validate', () => {
  test('when the organiser checks a House and a Senate office, then the sample passes /v2/validate and nothing is delivered', async () => {
    const lines: string[] = [];
    expect(await validateSample(config(), { office: 'HIL13', log: (l) => lines.push(l) })).toBe(true);
    expect(await validateSample(config(), { office: 'SIL1', log: (l) => lines.push(l) })).toBe(true);
    expect(lines.join('\n')).toContain('The document is valid.');
    expect(house.validated.map((d) => d.memberOffice)).toEqual(['HIL13']);
    expect(senate.validated.map((d) => d.memberOffice)).toEqual(['SIL1']);
    expect(house.validated[0]!.fields['Delivery.CampaignId']).toBe('StopCsamAct2025DearCongressLetters');
    expect(house.received).toHaveLength(0);
    expect(senate.received).toHaveLength(0);
  });

  test('when the key is wrong, then the command reports the refusal and fails', async () => {
    const lines: string[] = [];
    const ok = await validateSample(config({ CWC_API_KEY: 'typo' }), {
      office: 'HIL13',
      log: (l) => lines.push(l),
    });
    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/answered 401[\s\S]*Invalid API key[\s\S]*refused/);
  });
});
