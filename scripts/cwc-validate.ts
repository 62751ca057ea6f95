/**
 * `npm run cwc:validate [-- --office HIL13] [-- --campaign stop-csam]`: before going live, posts one sample
 * letter of the campaign, built exactly as real deliveries are, to the service's `/v2/validate` (which
 * checks without delivering) and prints the answer. House offices use CWC_URL, Senate offices (S...)
 * SCWC_URL. Exit code 0 when the service accepts the document. See docs/delivery.md.
 */
import { parseArgs } from 'node:util';
import { billSituation } from '../src/campaign/bills';
import { loadCampaigns } from '../src/campaign/campaign';
import { loadConfig, type Config } from '../src/config/config';
import { createCwcClient } from '../src/delivery/cwc/client';
import { newDeliveryId } from '../src/delivery/cwc/cwc-delivery';
import { letterDocument } from '../src/delivery/cwc/letter-document';

export interface ValidateOptions {
  office: string;
  campaign?: string;
  fetch?: typeof fetch;
  log: (line: string) => void;
  now?: Date;
}

/** Validates one sample document; resolves true when the service accepted it. */
export async function validateSample(config: Config, options: ValidateOptions): Promise<boolean> {
  const cwc = config.cwc;
  if (!cwc) throw new Error('CWC is not configured: set CWC_URL, CWC_API_KEY and the CWC_* agent settings.');
  const office = /^(H[A-Z]{2}\d{2}|S[A-Z]{2}[0-2])$/.exec(options.office)?.[0];
  if (!office) throw new Error(`--office ${options.office}: office codes look like HIL13 or SCA0`);
  const senate = office.startsWith('S');
  const service = senate ? cwc.senate : cwc.house;
  if (!service) throw new Error(`${senate ? 'SCWC_URL' : 'CWC_URL'} is not configured`);
  const campaigns = loadCampaigns(config.campaignsDir, config.defaultCampaign);
  const campaign = campaigns.get(options.campaign ?? campaigns.defaultSlug);
  if (!campaign.cwc) throw new Error(`campaign ${campaign.slug} has no "cwc" section in campaign.json`);
  const chamber = senate ? 'senate' : 'house';
  const state = office.slice(1, 3);
  const now = options.now ?? new Date();
  const xml = letterDocument({
    letter: {
      chamber,
      // A letter written now, about the bill the campaign asks about now.
      bill: billSituation(campaign.congresses, now).bills[chamber].id,
      created_at: now.toISOString(),
      state,
      district: senate ? null : Number(office.slice(3)),
      salutation: senate ? 'Dear Senator:' : 'Dear Representative:',
      subject: campaign.title,
      sender_prefix: 'Ms.',
      sender_phone: null,
      sender_name: 'Sample Constituent',
      sender_email: cwc.agent.contactEmail,
      sender_street: '100 Sample Street',
      sender_city: 'Sampletown',
      sender_state: state,
      sender_zip: '00000',
      body: `This is a sample message from ${campaign.title}, sent to check the format before the campaign goes live.`,
      own_words: 1,
    },
    member: {
      chamber,
      state,
      district: senate ? null : Number(office.slice(3)),
      senateClass: senate ? Number(office.slice(3)) + 1 : null,
    },
    campaign,
    agent: cwc.agent,
    deliveryId: newDeliveryId(),
    deliveredAt: now,
    moreInfo: `${config.publicUrl}/campaigns/${campaign.slug}`,
  });
  const client = createCwcClient({
    url: service.url,
    apiKey: service.apiKey,
    timeoutMs: cwc.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const answer = await client.validate(xml);
  options.log(
    `${service.url}/v2/validate answered ${answer.status} for ${office} (campaign ${campaign.slug})`,
  );
  if (answer.body.trim()) options.log(answer.body.trim());
  options.log(answer.ok ? 'The document is valid.' : 'The service refused the document: fix what it names.');
  return answer.ok;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { office: { type: 'string', default: 'HIL13' }, campaign: { type: 'string' } },
  });
  validateSample(loadConfig(process.env), {
    office: values.office,
    ...(values.campaign ? { campaign: values.campaign } : {}),
    log: (line) => console.log(line),
  })
    .then((ok) => process.exit(ok ? 0 : 1))
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
}
