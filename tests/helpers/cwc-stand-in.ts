/**
 * A local stand-in for the Communicating with Congress service (House CWC or Senate SCWC): `POST
 * /v2/message?apikey=` and `/v2/validate?apikey=`, checking every rule of the CWC 2.0 format notes
 * (element order, required fields, office codes, topics, bills, Y-only flags, the key). Valid messages get
 * 200; anything wrong gets 400 with an XML body naming the problem, like the real service. Tests can make
 * it answer 5xx, hang, or drop connections ("down").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';

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

const req = (name: string, value: ElementRule['value'] = ANY): ElementRule => ({
  name,
  required: true,
  value,
});
const opt = (name: string, value: ElementRule['value'] = ANY): ElementRule => ({ name, value });

/** The format, in order. */
const CWC_RULES: ElementRule[] = [
  req('CWCVersion', ['2.0']),
  {
    name: 'Delivery',
    required: true,
    children: [
      req('DeliveryId', /^[A-Za-z0-9]{1,32}$/),
      req('DeliveryDate', /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/),
      req('DeliveryAgent'),
      req('DeliveryAgentAckEmailAddress', EMAIL),
      {
        name: 'DeliveryAgentContact',
        required: true,
        children: [
          req('DeliveryAgentContactName'),
          req('DeliveryAgentContactEmail', EMAIL),
          req('DeliveryAgentContactPhone', PHONE),
        ],
      },
      opt('Organization'),
      {
        name: 'OrganizationContact',
        children: [
          opt('OrganizationContactName'),
          opt('OrganizationContactEmail', EMAIL),
          opt('OrganizationContactPhone', PHONE),
        ],
      },
      opt('OrganizationAbout'),
      req('CampaignId', /^[A-Za-z0-9]{1,64}$/),
    ],
  },
  {
    name: 'Recipient',
    required: true,
    children: [req('MemberOffice'), opt('IsResponseRequested', YN), opt('NewsletterOptIn', YN)],
  },
  {
    name: 'Constituent',
    required: true,
    children: [
      req('Prefix', /^(Mr|Mrs|Ms|Mx|Dr|Rev|Hon|Prof)\.$/),
      req('FirstName'),
      opt('MiddleName'),
      req('LastName'),
      opt('Suffix'),
      opt('Title'),
      opt('ConstituentOrganization'),
      req('Address1'),
      opt('Address2'),
      opt('Address3'),
      req('City'),
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
      req('Subject'),
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
              req('BillTypeAbbreviation', [
                'hr',
                's',
                'hres',
                'sres',
                'hjres',
                'sjres',
                'hconres',
                'sconres',
              ]),
              req('BillNumber', /^[1-9]\d{0,4}$/),
            ],
          },
        ],
      },
      opt('ProOrCon', ['Pro', 'Con']),
      opt('OrganizationStatement'),
      opt('ConstituentMessage'),
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
  apiKey: string;
  /** House (H...) or Senate (S...) office codes; default House. */
  chamber?: 'house' | 'senate';
}

export interface CwcStandIn {
  url: string;
  /** Every accepted `/v2/message` document, in arrival order (a resent DeliveryId appears again). */
  received: ReceivedDocument[];
  /** Every accepted `/v2/validate` document. */
  validated: ReceivedDocument[];
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
  close(): Promise<void>;
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
  const problem = check(roots[0]!.CWC as Node[], CWC_RULES, '', values);
  if (problem) return { problem };
  const fields: Record<string, string> = {};
  for (const [k, v] of values) if (!(k in fields)) fields[k] = v;
  const office = fields['Recipient.MemberOffice']!;
  const house = /^H([A-Z]{2})(\d{2})$/.exec(office);
  const senate = /^S([A-Z]{2})([0-2])$/.exec(office);
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

export async function startCwcStandIn(options: CwcStandInOptions): Promise<CwcStandIn> {
  const chamber = options.chamber ?? 'house';
  const received: ReceivedDocument[] = [];
  const validated: ReceivedDocument[] = [];
  const requests: CwcStandIn['requests'] = [];
  const failures: number[] = [];
  let down = false;
  let hang = 0;
  let hangAfter = 0;
  const rejections: string[] = [];
  const attempted: CwcStandIn['turnedAway'] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
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
      if (req.method !== 'POST' || (url.pathname !== '/v2/message' && url.pathname !== '/v2/validate')) {
        answer(404, 'Not found');
        return;
      }
      if (url.searchParams.get('apikey') !== options.apiKey) {
        answer(401, 'Invalid API key');
        return;
      }
      const result = validateCwcDocument(Buffer.concat(chunks).toString('utf8'), chamber);
      const failure = url.pathname === '/v2/message' ? failures.shift() : undefined;
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
      const rejection = url.pathname === '/v2/message' ? rejections.shift() : undefined;
      if (rejection !== undefined) {
        answer(400, rejection);
        return;
      }
      (url.pathname === '/v2/message' ? received : validated).push(result.document);
      if (url.pathname === '/v2/message' && hangAfter > 0) {
        hangAfter--;
        requests.push({ path: url.pathname, status: 0 });
        hanging.add(res);
        return;
      }
      answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    validated,
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
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
