/**
 * A local stand-in for the Communicating with Congress services, as ../shared/cwc/FORMAT.md describes them:
 * - House: `POST /v2/message?apikey=` (200), `/v2/validate?apikey=`, `GET /v2/offices?apikey=` (the
 *   offices that take CWC; a message to another office is refused with 400 "Message delivery is not
 *   enabled for HXX00").
 * - Senate: POST to its own URL (`/api/testing-messages/`, nothing appended): 201, 409 for a DeliveryId
 *   it already took; no validate endpoint; `GET /api/active_offices` (JSON).
 * Each document is checked against the CWC 2.0 schema with xmllint when the schema and xmllint are here
 * (the Senate's rules put in), and always by the rules below (element order, required fields, lengths,
 * office codes, prefixes, topics, bill types). Anything wrong gets 400 with `<Error>` elements naming the
 * problem. Tests can make it answer 5xx, hang, or drop connections ("down").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { checkAgainstSchema, findXmllint } from '../../src/delivery/cwc/schema-check';
import { cwcSchemaPath } from './cwc-schema';

export interface ReceivedDocument {
  deliveryId: string;
  memberOffice: string;
  /** Flattened leaf values by path, e.g. `Constituent.Prefix`, `Message.Bills.Bill.BillNumber` (first). */
  fields: Record<string, string>;
  /** Every value of a repeated path, e.g. all `Message.LibraryOfCongressTopics.LibraryOfCongressTopic`. */
  all(path: string): string[];
  xml: string;
}

interface ElementRule {
  name: string;
  required?: boolean;
  repeat?: boolean;
  value?: RegExp | readonly string[];
  /** Characters (code points), as the schema counts them. */
  len?: readonly [number, number];
  children?: ElementRule[];
}

const TOPICS = [
  'Agriculture and Food',
  'Animals',
  'Armed Forces and National Security',
  'Arts, Culture, Religion',
  'Civil Rights and Liberties, Minority Issues',
  'Commerce',
  'Congress',
  'Crime and Law Enforcement',
  'Economics and Public Finance',
  'Education',
  'Emergency Management',
  'Energy',
  'Environmental Protection',
  'Families',
  'Finance and Financial Sector',
  'Foreign Trade and International Finance',
  'Government Operations and Politics',
  'Health',
  'Housing and Community Development',
  'Immigration',
  'International Affairs',
  'Labor and Employment',
  'Law',
  'Native Americans',
  'Public Lands and Natural Resources',
  'Science, Technology, Communications',
  'Social Sciences and History',
  'Social Welfare',
  'Sports and Recreation',
  'Taxation',
  'Transportation and Public Works',
  'Water Resources Development',
];
const STATES =
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'.split(
    ' ',
  );
const NO_SENATORS = new Set(['DC', 'PR', 'GU', 'VI', 'AS', 'MP']);
const ANY = /^[\s\S]*\S[\s\S]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\d{3}-\d{3}-\d{4}$/;
const YN = ['Y', 'N'] as const;

const req = (
  name: string,
  value: ElementRule['value'] = ANY,
  len?: readonly [number, number],
): ElementRule => ({ name, required: true, value, ...(len ? { len } : {}) });
const opt = (
  name: string,
  value: ElementRule['value'] = ANY,
  len?: readonly [number, number],
): ElementRule => ({
  name,
  value,
  ...(len ? { len } : {}),
});
const HOUSE_BILL_TYPES = [
  'hr',
  's',
  'hres',
  'sres',
  'hjres',
  'sjres',
  'hconres',
  'sconres',
  'hamdt',
  'samdt',
];
const SENATE_BILL_TYPES = [
  'H.R.',
  'S.',
  'H.Res.',
  'S.Res.',
  'H.J.Res.',
  'S.J.Res.',
  'H.Con.Res.',
  'S.Con.Res.',
];
const SENATE_PREFIXES = ['Mr.', 'Mrs.', 'Miss', 'Ms.', 'Dr.'];

/** The format, in order, for one service. */
const rulesFor = (chamber: 'house' | 'senate'): ElementRule[] => [
  req('CWCVersion', ['2.0']),
  {
    name: 'Delivery',
    required: true,
    children: [
      req('DeliveryId', /^[A-Za-z0-9]{32}$/),
      req('DeliveryDate', /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/),
      req('DeliveryAgent', ANY, [4, 500]),
      req('DeliveryAgentAckEmailAddress', EMAIL),
      {
        name: 'DeliveryAgentContact',
        required: true,
        children: [
          req('DeliveryAgentContactName', ANY, [6, 500]),
          req('DeliveryAgentContactEmail', EMAIL),
          req('DeliveryAgentContactPhone', PHONE),
        ],
      },
      opt('Organization', ANY, [chamber === 'house' ? 6 : 3, 500]),
      {
        name: 'OrganizationContact',
        children: [
          opt('OrganizationContactName', ANY, [2, 500]),
          opt('OrganizationContactEmail', EMAIL),
          opt('OrganizationContactPhone', PHONE),
        ],
      },
      opt('OrganizationAbout', ANY, [6, 500]),
      req('CampaignId', ANY, [2, 500]),
    ],
  },
  {
    name: 'Recipient',
    required: true,
    children: [
      req('MemberOffice', chamber === 'house' ? /^H[A-Z]{2}\d{2}$/ : /^S[A-Z]{2}0[1-3]$/),
      opt('IsResponseRequested', YN),
      opt('NewsletterOptIn', YN),
    ],
  },
  {
    name: 'Constituent',
    required: true,
    children: [
      chamber === 'house' ? req('Prefix', ANY, [1, 500]) : req('Prefix', SENATE_PREFIXES),
      req('FirstName', ANY, [1, 500]),
      opt('MiddleName', ANY, [1, 500]),
      req('LastName', ANY, [1, 500]),
      opt('Suffix', ANY, [1, 500]),
      opt('Title', ANY, [1, 500]),
      opt('ConstituentOrganization', ANY, [3, 500]),
      req('Address1', ANY, [3, 500]),
      opt('Address2', ANY, [3, 500]),
      opt('Address3', ANY, [3, 500]),
      req('City', ANY, [3, 500]),
      req('StateAbbreviation', STATES),
      req('Zip', /^\d{5}(-\d{4})?$/),
      opt('Phone', PHONE),
      opt('AddressValidation', ['Y']),
      req('Email', EMAIL),
      opt('EmailValidation', ['Y']),
    ],
  },
  {
    name: 'Message',
    required: true,
    children: [
      req('Subject', ANY, [6, 500]),
      {
        name: 'LibraryOfCongressTopics',
        required: true,
        children: [{ name: 'LibraryOfCongressTopic', required: true, repeat: true, value: TOPICS }],
      },
      {
        name: 'Bills',
        children: [
          {
            name: 'Bill',
            required: true,
            repeat: true,
            children: [
              req('BillCongress', /^\d{1,3}$/),
              req('BillTypeAbbreviation', chamber === 'house' ? HOUSE_BILL_TYPES : SENATE_BILL_TYPES),
              req('BillNumber', /^[1-9]\d{0,4}$/),
            ],
          },
        ],
      },
      opt('ProOrCon', ['Pro', 'Con']),
      opt('OrganizationStatement', ANY, [6, 10_000]),
      opt('ConstituentMessage', ANY, [6, 10_000]),
      opt('MoreInfo', /^https?:\/\/\S+$/),
    ],
  },
];

type Node = Record<string, unknown>;

function nameOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function textOf(node: Node): string {
  const name = nameOf(node)!;
  const children = node[name] as Node[];
  return children
    .filter((c) => '#text' in c)
    .map((c) => String(c['#text']))
    .join('');
}

/** Checks `nodes` against `rules` in order; collects leaf values. Returns the first problem, if any. */
function check(
  nodes: Node[],
  rules: ElementRule[],
  path: string,
  values: Array<[string, string]>,
): string | undefined {
  const elements = nodes.filter((n) => !('#text' in n));
  if (nodes.some((n) => '#text' in n && String(n['#text']).trim() !== '')) {
    return `${path || 'document'}: unexpected text`;
  }
  let i = 0;
  for (const rule of rules) {
    let seen = 0;
    while (i < elements.length && nameOf(elements[i]!) === rule.name) {
      const node = elements[i]!;
      const where = path ? `${path}.${rule.name}` : rule.name;
      if (rule.children) {
        const problem = check(node[rule.name] as Node[], rule.children, where, values);
        if (problem) return problem;
      } else {
        const value = textOf(node);
        const ok = Array.isArray(rule.value)
          ? rule.value.includes(value)
          : (rule.value as RegExp | undefined)?.test(value) !== false;
        if (!ok) return `${where}: "${value.slice(0, 60)}" is not an accepted value`;
        const length = [...value].length;
        if (rule.len && (length < rule.len[0] || length > rule.len[1])) {
          return `${where}: ${length} characters, must be ${rule.len[0]} to ${rule.len[1]}`;
        }
        values.push([where, value]);
      }
      seen++;
      i++;
      if (!rule.repeat) break;
    }
    if (seen === 0 && rule.required) {
      const later = elements.slice(i).some((e) => nameOf(e) === rule.name);
      return `${path ? `${path}.` : ''}${rule.name}: ${later ? 'out of order' : 'required element missing'}`;
    }
  }
  if (i < elements.length) {
    return `${path ? `${path}.` : ''}${nameOf(elements[i]!)}: unexpected element or out of order`;
  }
  return undefined;
}

export interface CwcStandInOptions {
  /** The House's key (`?apikey=`); the Senate's URL carries none. */
  apiKey?: string;
  /** House (H...) or Senate (S...) service; default House. */
  chamber?: 'house' | 'senate';
  /** The offices on the service's list; default every office of the chamber. */
  offices?: readonly string[];
}

export interface CwcStandIn {
  /** House: the base URL (the client appends /v2/...). Senate: the messages URL, to be used as given. */
  url: string;
  /** Senate: the active-office list's URL. House: `${url}/v2/offices`. */
  officesUrl: string;
  /** Every accepted message, in arrival order (a House resend of one DeliveryId appears again). */
  received: ReceivedDocument[];
  /** Every accepted `/v2/validate` document. */
  validated: ReceivedDocument[];
  /** Every document posted, valid or not, for checking against the schema afterwards. */
  posted: Array<{ name: string; xml: string }>;
  /** Valid messages answered with a failure status by `failNext`, with their DeliveryId. */
  turnedAway: Array<{ status: number; deliveryId: string }>;
  /** Drops the requests left hanging (the client sees a network error). */
  releaseHanging(): void;
  /** Every request, with its status, for asserting what was refused. */
  requests: Array<{ path: string; status: number; reason?: string }>;
  /** The next `count` message requests get `status` (e.g. 503) before any check. */
  failNext(status: number, count?: number): void;
  /** While down, connections are dropped without an answer (fetch fails with a network error). */
  setDown(down: boolean): void;
  /** The next `count` requests never get an answer (the client's timeout fires). */
  hangNext(count?: number): void;
  /** The next valid message is recorded as received, then never answered (a crash after acceptance). */
  hangAfterAccepting(count?: number): void;
  /** The next message is refused with 400 and this reason, as the service refuses what it cannot take. */
  rejectNext(reason: string): void;
  /** Replaces the office list (an office joins or leaves CWC). */
  setOffices(offices: readonly string[]): void;
  close(): Promise<void>;
}

const SENATE_MESSAGES = '/api/testing-messages/';
const SENATE_OFFICES = '/api/active_offices';

/** Every office of a chamber: House districts 00-53 of every state and territory, Senate classes 1-3. */
function everyOffice(chamber: 'house' | 'senate'): string[] {
  if (chamber === 'senate') {
    return STATES.filter((s) => !NO_SENATORS.has(s)).flatMap((s) =>
      ['01', '02', '03'].map((c) => `S${s}${c}`),
    );
  }
  return STATES.flatMap((s) => Array.from({ length: 54 }, (_, d) => `H${s}${String(d).padStart(2, '0')}`));
}

export function validateCwcDocument(
  xml: string,
  chamber: 'house' | 'senate',
): { problem: string } | { document: ReceivedDocument } {
  let tree: Node[];
  try {
    tree = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      trimValues: false,
      parseTagValue: false,
    }).parse(xml, true);
  } catch (error) {
    return { problem: `not well-formed XML: ${(error as Error).message}` };
  }
  const roots = tree.filter((n) => nameOf(n) !== '?xml' && !('#text' in n));
  if (roots.length !== 1 || nameOf(roots[0]!) !== 'CWC') return { problem: 'the root element must be CWC' };
  const values: Array<[string, string]> = [];
  const problem = check(roots[0]!.CWC as Node[], rulesFor(chamber), '', values);
  if (problem) return { problem };
  const fields: Record<string, string> = {};
  for (const [k, v] of values) if (!(k in fields)) fields[k] = v;
  const office = fields['Recipient.MemberOffice']!;
  const house = /^H([A-Z]{2})(\d{2})$/.exec(office);
  const senate = /^S([A-Z]{2})(0[1-3])$/.exec(office);
  if (chamber === 'house' && !(house && STATES.includes(house[1]!))) {
    return { problem: `Recipient.MemberOffice: "${office}" is not a House office` };
  }
  if (chamber === 'senate' && !(senate && STATES.includes(senate[1]!) && !NO_SENATORS.has(senate[1]!))) {
    return { problem: `Recipient.MemberOffice: "${office}" is not a Senate office` };
  }
  if (!fields['Message.OrganizationStatement'] && !fields['Message.ConstituentMessage']) {
    return { problem: 'Message: an OrganizationStatement or a ConstituentMessage is required' };
  }
  return {
    document: {
      deliveryId: fields['Delivery.DeliveryId']!,
      memberOffice: office,
      fields,
      all: (path) => values.filter(([k]) => k === path).map(([, v]) => v),
      xml,
    },
  };
}

function errorXml(message: string): string {
  const escaped = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Errors><Error>${escaped}</Error></Errors>\n`;
}

/** The schema's verdict when the schema and xmllint are here; undefined otherwise. */
async function schemaProblem(xml: string, chamber: 'house' | 'senate'): Promise<string | undefined> {
  const schema = cwcSchemaPath();
  if (!schema || !(await findXmllint())) return undefined;
  const [result] = await checkAgainstSchema(schema, [{ name: 'posted', chamber, xml }]);
  return result && !result.ok ? `schema: ${result.errors[0] ?? 'does not validate'}` : undefined;
}

export async function startCwcStandIn(options: CwcStandInOptions = {}): Promise<CwcStandIn> {
  const chamber = options.chamber ?? 'house';
  const received: ReceivedDocument[] = [];
  const validated: ReceivedDocument[] = [];
  const posted: CwcStandIn['posted'] = [];
  const requests: CwcStandIn['requests'] = [];
  const failures: number[] = [];
  let offices = new Set(options.offices ?? everyOffice(chamber));
  const delivered = new Set<string>();
  let down = false;
  let hang = 0;
  let hangAfter = 0;
  const rejections: string[] = [];
  const attempted: CwcStandIn['turnedAway'] = [];
  const hanging = new Set<http.ServerResponse>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const answer = (status: number, reason?: string) => {
      requests.push({ path: url.pathname, status, ...(reason ? { reason } : {}) });
      res.writeHead(status, { 'Content-Type': 'application/xml' });
      res.end(reason ? errorXml(reason) : '<?xml version="1.0" encoding="UTF-8"?>\n<Success/>\n');
    };
    if (hang > 0) {
      hang--;
      hanging.add(res);
      return;
    }
    const listPath = chamber === 'house' ? '/v2/offices' : SENATE_OFFICES;
    if (req.method === 'GET' && url.pathname === listPath) {
      if (chamber === 'house' && url.searchParams.get('apikey') !== options.apiKey) {
        answer(401, 'Invalid API key');
        return;
      }
      requests.push({ path: url.pathname, status: 200 });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // The House lists codes; the Senate's list is objects (its layout is not published).
      const list = [...offices].sort();
      res.end(JSON.stringify(chamber === 'house' ? list : list.map((office) => ({ office_code: office }))));
      return;
    }
    const message = chamber === 'house' ? url.pathname === '/v2/message' : url.pathname === SENATE_MESSAGES;
    const validate = chamber === 'house' && url.pathname === '/v2/validate';
    if (req.method !== 'POST' || !(message || validate)) {
      answer(404, 'Not found');
      return;
    }
    if (chamber === 'house' && url.searchParams.get('apikey') !== options.apiKey) {
      answer(401, 'Invalid API key');
      return;
    }
    posted.push({ name: `${chamber} ${url.pathname} #${posted.length + 1}`, xml: body });
    const result = validateCwcDocument(body, chamber);
    const failure = message ? failures.shift() : undefined;
    if (failure !== undefined) {
      // Which message was turned away, so tests can see the retry carry the same DeliveryId.
      if ('document' in result) attempted.push({ status: failure, deliveryId: result.document.deliveryId });
      answer(failure, 'Service temporarily unavailable');
      return;
    }
    if (!/^(application|text)\/xml\b/.test(req.headers['content-type'] ?? '')) {
      answer(400, 'Content-Type must be application/xml');
      return;
    }
    if ('problem' in result) {
      answer(400, result.problem);
      return;
    }
    const schema = await schemaProblem(body, chamber);
    if (schema) {
      answer(400, schema);
      return;
    }
    if (!offices.has(result.document.memberOffice)) {
      answer(400, `Message delivery is not enabled for ${result.document.memberOffice}`);
      return;
    }
    const rejection = message ? rejections.shift() : undefined;
    if (rejection !== undefined) {
      answer(400, rejection);
      return;
    }
    if (validate) {
      validated.push(result.document);
      answer(200);
      return;
    }
    if (chamber === 'senate' && delivered.has(result.document.deliveryId)) {
      answer(409, `DeliveryId ${result.document.deliveryId} was already delivered`);
      return;
    }
    delivered.add(result.document.deliveryId);
    received.push(result.document);
    if (hangAfter > 0) {
      hangAfter--;
      requests.push({ path: url.pathname, status: 0 });
      hanging.add(res);
      return;
    }
    answer(chamber === 'house' ? 200 : 201);
  }

  const server = http.createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: chamber === 'house' ? base : `${base}${SENATE_MESSAGES}`,
    officesUrl: chamber === 'house' ? `${base}/v2/offices` : `${base}${SENATE_OFFICES}`,
    received,
    validated,
    posted,
    requests,
    turnedAway: attempted,
    releaseHanging() {
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    setDown(value) {
      down = value;
    },
    hangNext(count = 1) {
      hang += count;
    },
    hangAfterAccepting(count = 1) {
      hangAfter += count;
    },
    rejectNext(reason) {
      rejections.push(reason);
    },
    setOffices(next) {
      offices = new Set(next);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The settings of an app that delivers through a House stand-in (with its key) and a Senate one, if any. */
export function cwcSettings(stands: {
  house: CwcStandIn;
  senate?: CwcStandIn;
  apiKey?: string;
}): Record<string, string> {
  const { house, senate, apiKey = 'house-key' } = stands;
  return {
    CWC_URL: house.url,
    CWC_API_KEY: apiKey,
    ...(senate ? { SCWC_URL: senate.url, SCWC_OFFICES_URL: senate.officesUrl } : {}),
    CWC_DELIVERY_AGENT: 'Dear Congress Test Vendor',
    CWC_ACK_EMAIL: 'ack@vendor.example.org',
    CWC_CONTACT_NAME: 'Pat Vendor',
    CWC_CONTACT_EMAIL: 'pat@vendor.example.org',
    CWC_CONTACT_PHONE: '202-555-0100',
    CWC_TIMEOUT_MS: '15000',
  };
}
