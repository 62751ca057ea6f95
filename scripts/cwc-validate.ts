/**
 * `npm run cwc:validate [-- --office HIL13] [--senate-office SIL02] [--campaign stop-csam]
 * [--schema PATH] [--deliver-to HXX00]`: the go-live check. Builds a sample of every letter kind the
 * campaign sends (each situation's letter to each chamber, as the campaign's statement and as the
 * person's own words, one written up to every limit of the form, one from a writer with no title), exactly
 * as real deliveries are built, then:
 * 1. checks every sample against the CWC 2.0 RELAX NG schema locally (`--schema`, with xmllint; Senate
 *    samples against the schema with the Senate's rules);
 * 2. posts the House samples to the House service's `/v2/validate` (the Senate has no such endpoint);
 * 3. says whether the offices are on their service's list today;
 * 4. says what neither can check: that DeliveryAgent matches the key's owner. Only `/v2/message` checks
 *    that, so `--deliver-to` sends one real sample to the vendor's test office and prints the answer.
 * Exit code 0 when everything checked passed. See docs/delivery.md.
 */
import { parseArgs } from 'node:util';
import { billSituation } from '../src/campaign/bills';
import type { Campaign } from '../src/campaign/campaign';
import { loadCampaigns } from '../src/campaign/campaign';
import { loadConfig, type Config } from '../src/config/config';
import { createCwcClient, type CwcClient } from '../src/delivery/cwc/client';
import { newDeliveryId } from '../src/delivery/cwc/cwc-delivery';
import type { Chamber } from '../src/civic-data/types';
import { chamberOfOffice, HouseOfficeCode, SenateOfficeCode } from '../src/delivery/cwc/format';
import { letterDocument, type CwcLetter } from '../src/delivery/cwc/letter-document';
import { officeCodesIn } from '../src/delivery/cwc/offices';
import { checkAgainstSchema } from '../src/delivery/cwc/schema-check';
import { MAX_BODY_LENGTH, MAX_NOTE_LENGTH, insertPersonalNote } from '../src/letters/letter';

export interface ValidateOptions {
  /** A House office for the samples (default HIL13). */
  office?: string;
  /** A Senate office for the samples (default SIL02). */
  senateOffice?: string;
  campaign?: string;
  /** The CWC 2.0 RELAX NG schema (the House's); without it the local check is skipped, and says so. */
  schema?: string;
  /** The vendor's test office: one sample is really delivered there through `/v2/message`. */
  deliverTo?: string;
  log: (line: string) => void;
  now?: Date;
}

interface Sample {
  name: string;
  chamber: Chamber;
  office: string;
  xml: string;
}

/** The campaign's letter as a sample text: its template with every placeholder filled with a word. */
function sampleText(source: string): string {
  return source
    .replace(/\{\{[^{}]*\}\}/g, 'Sample')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function samples(config: Config, campaign: Campaign, offices: Record<Chamber, string>, now: Date): Sample[] {
  const cwc = config.cwc!;
  const out: Sample[] = [];
  const build = (name: string, chamber: Chamber, letter: Partial<CwcLetter>) => {
    const office = offices[chamber];
    const state = office.slice(1, 3);
    const member = {
      chamber,
      state,
      district: chamber === 'house' ? Number(office.slice(3)) : null,
      senateClass: chamber === 'senate' ? Number(office.slice(3)) : null,
    };
    const xml = letterDocument({
      letter: {
        chamber,
        // A letter written now, about the bill the campaign asks about now.
        bill: billSituation(campaign.congresses, now).bills[chamber].id,
        created_at: now.toISOString(),
        state,
        district: member.district,
        subject: `${campaign.title}: a sample letter`,
        sender_prefix: 'Ms.',
        sender_phone: '202-555-0100',
        sender_name: 'Sample Constituent',
        sender_email: cwc.agent.contactEmail,
        sender_street: '100 Sample Street',
        sender_city: 'Sampletown',
        sender_state: state,
        sender_zip: '20001',
        body: 'This is a sample letter.',
        own_words: 0,
        ...letter,
      },
      member,
      campaign,
      agent: cwc.agent,
      deliveryId: newDeliveryId(),
      deliveredAt: now,
      moreInfo: `${config.publicUrl}/campaigns/${campaign.slug}`,
    });
    out.push({ name, chamber, office, xml });
  };
  for (const [kind, perChamber] of Object.entries(campaign.templates)) {
    for (const chamber of ['house', 'senate'] as const) {
      const body = sampleText(perChamber[chamber]);
      build(`${kind} letter to the ${chamber}, as written by the campaign`, chamber, { body });
      build(`${kind} letter to the ${chamber}, in the writer's own words`, chamber, {
        body: insertPersonalNote(body, 'I am writing as a parent.'),
        own_words: 1,
      });
    }
  }
  const unit = 'Niños, São Tomé, Zürich — أطلب منكم دعم هذا القانون. ';
  const longest = insertPersonalNote(
    unit.repeat(MAX_BODY_LENGTH).slice(0, MAX_BODY_LENGTH),
    unit.repeat(MAX_NOTE_LENGTH).slice(0, MAX_NOTE_LENGTH),
  );
  const limits = {
    body: longest,
    own_words: 1,
    sender_name: 'محمد Núñez '.repeat(10).slice(0, 100),
    sender_street: '1234 Avenida de los Niños Héroes '.repeat(7).slice(0, 200),
    sender_city: 'São José de los Ángeles '.repeat(5).slice(0, 100),
  };
  build('a letter written up to every limit of the form, to the House', 'house', limits);
  build('a letter written up to every limit of the form, to the Senate', 'senate', limits);
  build('a letter from a writer with no title, to the House (sent as Mx.)', 'house', {
    sender_prefix: 'none',
  });
  return out;
}

/** Runs the go-live check; resolves true when everything it could check passed. */
export async function validateSample(config: Config, options: ValidateOptions): Promise<boolean> {
  const { log } = options;
  const cwc = config.cwc;
  if (!cwc) throw new Error('CWC is not configured: set CWC_URL, CWC_API_KEY and the CWC_* agent settings.');
  const houseOffice = options.office ?? 'HIL13';
  const senateOffice = options.senateOffice ?? 'SIL02';
  if (!HouseOfficeCode.safeParse(houseOffice).success)
    throw new Error(`--office ${houseOffice}: House offices look like HIL13`);
  if (!SenateOfficeCode.safeParse(senateOffice).success) {
    throw new Error(
      `--senate-office ${senateOffice}: Senate offices look like SIL02 (S + state + class 01-03)`,
    );
  }
  const campaigns = loadCampaigns(config.campaignsDir, config.defaultCampaign);
  const campaign = campaigns.get(options.campaign ?? campaigns.defaultSlug);
  if (!campaign.cwc) throw new Error(`campaign ${campaign.slug} has no "cwc" section in campaign.json`);
  const all = samples(
    config,
    campaign,
    { house: houseOffice, senate: senateOffice },
    options.now ?? new Date(),
  );
  const wanted = all.filter((s) => (s.chamber === 'house' ? cwc.house : cwc.senate));
  let ok = true;

  log(`1. The CWC 2.0 schema, locally (${wanted.length} samples of campaign ${campaign.slug}):`);
  if (!options.schema) {
    log('   NOT CHECKED: give --schema PATH to the CWC 2.0 RELAX NG schema (docs/delivery.md says where).');
  } else {
    for (const result of await checkAgainstSchema(options.schema, wanted)) {
      log(`   ${result.ok ? 'valid  ' : 'INVALID'} ${result.name}`);
      for (const error of result.errors.slice(0, 5)) log(`           ${error}`);
      ok &&= result.ok;
    }
  }

  const clients: Partial<Record<Chamber, CwcClient>> = {};
  if (cwc.house) {
    clients.house = createCwcClient({
      chamber: 'house',
      url: cwc.house.url,
      apiKey: cwc.house.apiKey,
      timeoutMs: cwc.timeoutMs,
    });
    log(`2. The House service's /v2/validate (${cwc.house.url}):`);
    for (const sample of wanted.filter((s) => s.chamber === 'house')) {
      const answer = await clients.house.validate(sample.xml);
      log(`   ${answer.status} ${answer.ok ? 'valid  ' : 'REFUSED'} ${sample.name}`);
      if (!answer.ok && answer.body.trim()) log(`           ${answer.body.trim().slice(0, 500)}`);
      ok &&= answer.ok;
    }
  } else {
    log('2. The House service is not configured (CWC_URL): nothing to validate there.');
  }
  if (cwc.senate) {
    clients.senate = createCwcClient({
      chamber: 'senate',
      url: cwc.senate.url,
      officesUrl: cwc.senate.officesUrl,
      timeoutMs: cwc.timeoutMs,
    });
    log('   The Senate has no validate endpoint: its samples are checked against the schema only (step 1).');
  }

  log('3. The offices that take CWC today:');
  for (const [chamber, client] of Object.entries(clients) as Array<[Chamber, CwcClient]>) {
    const office = chamber === 'house' ? houseOffice : senateOffice;
    try {
      const listed = officeCodesIn(await client.offices(), chamber);
      log(
        `   ${chamber}: ${listed.length} offices listed; ${office} ${listed.includes(office) ? 'is' : 'is NOT'} on the list`,
      );
    } catch (error) {
      ok = false;
      log(
        `   ${chamber}: the list could not be read (${(error as { reason?: string }).reason ?? (error as Error).message})`,
      );
    }
  }

  log(
    '4. Not checked by the steps above: that DeliveryAgent ("' +
      cwc.agent.name +
      '") matches the owner of the',
  );
  log('   API key. /v2/validate does not check it; only /v2/message answers "DeliveryAgent Mismatch".');
  if (options.deliverTo) {
    const office = options.deliverTo;
    const chamber = chamberOfOffice(office);
    const client = clients[chamber];
    const sample = wanted.find((s) => s.chamber === chamber);
    if (
      !client ||
      !sample ||
      !(chamber === 'house' ? HouseOfficeCode : SenateOfficeCode).safeParse(office).success
    ) {
      throw new Error(`--deliver-to ${office}: not an office of a configured service`);
    }
    const xml = sample.xml.replace(
      `<MemberOffice>${sample.office}</MemberOffice>`,
      `<MemberOffice>${office}</MemberOffice>`,
    );
    try {
      const answer = await client.deliver(xml);
      log(`   One sample delivered to the test office ${office}: ${answer.status}. DeliveryAgent matches.`);
    } catch (error) {
      ok = false;
      log(
        `   The test office ${office} refused the sample: ${(error as { reason?: string }).reason ?? (error as Error).message}`,
      );
    }
  } else {
    log('   To check it, send one real message to your test office on the test host:');
    log('   npm run cwc:validate -- --deliver-to <your test office code>');
  }
  log(ok ? 'Everything checked passed.' : 'Something failed: fix what is named above.');
  return ok;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      office: { type: 'string', default: 'HIL13' },
      'senate-office': { type: 'string', default: 'SIL02' },
      campaign: { type: 'string' },
      schema: { type: 'string' },
      'deliver-to': { type: 'string' },
    },
  });
  validateSample(loadConfig(process.env), {
    office: values.office,
    senateOffice: values['senate-office'],
    ...(values.campaign ? { campaign: values.campaign } : {}),
    ...(values.schema ? { schema: values.schema } : {}),
    ...(values['deliver-to'] ? { deliverTo: values['deliver-to'] } : {}),
    log: (line) => console.log(line),
  })
    .then((ok) => process.exit(ok ? 0 : 1))
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
}
