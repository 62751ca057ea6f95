/**
 * A local stand-in for the congress.gov API v3 (127.0.0.1, port 0), answering in the API's JSON shape the
 * few paths the project reads: a bill, its titles, a Congress's bill list by type (paged, with a `next`
 * link that carries the key as the real API's may), and a member's sponsored legislation (amendments
 * included, which have no bill type). It refuses a request without the key in `X-Api-Key`, and answers
 * 503 to everything while `down` is set.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInBill {
  congress: number;
  /** Lower case, as the project keys bills: "s", "hr". */
  type: string;
  number: number;
  /** The display title. */
  title: string;
  shortTitles?: string[];
  introducedDate: string;
  sponsor: { bioguideId: string; fullName: string };
  latestAction?: { actionDate: string; text: string };
}

export interface CongressGovStandIn {
  /** The API base, for CONGRESS_GOV_API_URL: "http://127.0.0.1:port/v3". */
  url: string;
  /** Every path asked for (with its query), in order. */
  requests: string[];
  /** Keys seen in the `X-Api-Key` header. */
  keys: string[];
  bills: StandInBill[];
  down: boolean;
  close(): Promise<void>;
}

/** Bills per page of a list: small, so that a few bills already make the search follow `next` links. */
const PAGE = 2;

function billJson(base: string, bill: StandInBill) {
  return {
    congress: bill.congress,
    number: String(bill.number),
    type: bill.type.toUpperCase(),
    title: bill.title,
    originChamber: bill.type.startsWith('s') ? 'Senate' : 'House',
    originChamberCode: bill.type.startsWith('s') ? 'S' : 'H',
    updateDate: `${bill.introducedDate}T12:00:00Z`,
    updateDateIncludingText: `${bill.introducedDate}T12:00:00Z`,
    latestAction: bill.latestAction ?? { actionDate: bill.introducedDate, text: 'Introduced.' },
    url: `${base}/bill/${bill.congress}/${bill.type}/${bill.number}?format=json`,
  };
}

export async function startCongressGovStandIn(options: {
  apiKey: string;
  bills: StandInBill[];
  /** Bills per page of a Congress's list (the real API's is the request's `limit`, at most 250). */
  pageSize?: number;
}): Promise<CongressGovStandIn> {
  const pageSize = options.pageSize ?? PAGE;
  const state = { requests: [] as string[], keys: [] as string[], bills: options.bills, down: false };
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push(`${url.pathname}${url.search}`);
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') state.keys.push(key);
    const send = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (state.down) return send(503, { error: 'Service Unavailable' });
    if (key !== options.apiKey) {
      return send(403, { error: { code: 'API_KEY_MISSING', message: 'No api_key was supplied.' } });
    }
    const request = { contentType: 'application/json', format: 'json' };
    const parts = url.pathname.split('/').filter(Boolean); // v3, ...
    const find = (congress: string, type: string, number: string) =>
      state.bills.find(
        (b) => b.congress === Number(congress) && b.type === type && b.number === Number(number),
      );

    if (parts[1] === 'bill' && parts.length === 5) {
      const bill = find(parts[2]!, parts[3]!, parts[4]!);
      if (!bill) return send(404, { error: `No bill matches the given query.` });
      return send(200, {
        bill: {
          ...billJson(base, bill),
          introducedDate: bill.introducedDate,
          sponsors: [
            {
              bioguideId: bill.sponsor.bioguideId,
              fullName: bill.sponsor.fullName,
              isByRequest: 'N',
              url: `${base}/member/${bill.sponsor.bioguideId}?format=json`,
            },
          ],
          cosponsors: { count: 0, countIncludingWithdrawnCosponsors: 0, url: `${base}/x` },
        },
        request,
      });
    }
    if (parts[1] === 'bill' && parts.length === 6 && parts[5] === 'titles') {
      const bill = find(parts[2]!, parts[3]!, parts[4]!);
      if (!bill) return send(404, { error: `No bill matches the given query.` });
      const titles = [
        {
          title: bill.title,
          titleType: 'Display Title',
          titleTypeCode: 45,
          updateDate: '2025-06-01T04:33:18Z',
        },
        ...(bill.shortTitles ?? []).map((title) => ({
          title,
          titleType: 'Short Title(s) as Introduced',
          titleTypeCode: 101,
          updateDate: '2025-06-01T04:33:18Z',
          billTextVersionName: 'Introduced in Senate',
          billTextVersionCode: 'IS',
        })),
        {
          title: 'A bill to combat the sexual exploitation of children, and for other purposes.',
          titleType: 'Official Title as Introduced',
          titleTypeCode: 6,
          updateDate: '2025-06-01T04:33:18Z',
        },
      ];
      return send(200, { pagination: { count: titles.length }, request, titles });
    }
    if (parts[1] === 'bill' && parts.length === 4) {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const all = state.bills
        .filter((b) => b.congress === Number(parts[2]) && b.type === parts[3])
        .sort((a, b) => b.introducedDate.localeCompare(a.introducedDate));
      const page = all.slice(offset, offset + pageSize);
      const next =
        offset + pageSize < all.length
          ? `${base}/bill/${parts[2]}/${parts[3]}?offset=${offset + pageSize}&limit=${pageSize}&format=json&api_key=${options.apiKey}`
          : undefined;
      return send(200, {
        bills: page.map((b) => billJson(base, b)),
        pagination: { count: all.length, ...(next ? { next } : {}) },
        request,
      });
    }
    if (parts[1] === 'member' && parts[3] === 'sponsored-legislation') {
      const own = state.bills
        .filter((b) => b.sponsor.bioguideId === parts[2])
        .sort((a, b) => b.introducedDate.localeCompare(a.introducedDate));
      return send(200, {
        pagination: { count: own.length + 1 },
        request,
        sponsoredLegislation: [
          // An amendment: no type, number or title of a bill.
          {
            amendmentNumber: '3001',
            congress: own[0]?.congress ?? 119,
            introducedDate: '2025-09-10',
            latestAction: { actionDate: '2025-09-10', text: 'Amendment SA 3001 proposed.' },
            type: null,
            url: `${base}/amendment/119/samdt/3001?format=json`,
          },
          ...own.map((b) => ({
            congress: b.congress,
            introducedDate: b.introducedDate,
            latestAction: b.latestAction ?? { actionDate: b.introducedDate, text: 'Introduced.' },
            number: String(b.number),
            policyArea: { name: 'Crime and Law Enforcement' },
            title: b.title,
            type: b.type.toUpperCase(),
            url: `${base}/bill/${b.congress}/${b.type}/${b.number}?format=json`,
          })),
        ],
      });
    }
    return send(404, { error: 'Unknown resource' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  return {
    url: base,
    get requests() {
      return state.requests;
    },
    get keys() {
      return state.keys;
    },
    get bills() {
      return state.bills;
    },
    set bills(next) {
      state.bills = next;
    },
    get down() {
      return state.down;
    },
    set down(value) {
      state.down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The campaign's 119th bills as congress.gov has them (sponsors as in campaigns/stop-csam). */
export const STOP_CSAM_119: StandInBill[] = [
  {
    congress: 119,
    type: 's',
    number: 1829,
    title: 'STOP CSAM Act of 2025',
    shortTitles: [
      'STOP CSAM Act of 2025',
      'Strengthening Transparency and Obligations to Protect Children Suffering from Abuse and Mistreatment Act of 2025',
    ],
    introducedDate: '2025-05-21',
    sponsor: { bioguideId: 'D000563', fullName: 'Sen. Durbin, Richard J. [D-IL]' },
  },
  {
    congress: 119,
    type: 'hr',
    number: 3921,
    title: 'STOP CSAM Act of 2025',
    shortTitles: ['STOP CSAM Act of 2025'],
    introducedDate: '2025-06-11',
    sponsor: { bioguideId: 'M001212', fullName: 'Rep. Moore, Barry [R-AL-1]' },
  },
];

/** The bill as reintroduced in the 120th under the same short title, by other members than in the 119th. */
export const STOP_CSAM_120: StandInBill[] = [
  {
    congress: 120,
    type: 's',
    number: 41,
    title: 'STOP CSAM Act of 2027',
    introducedDate: '2027-01-09',
    sponsor: { bioguideId: 'H001089', fullName: 'Sen. Hawley, Josh [R-MO]' },
    latestAction: {
      actionDate: '2027-01-09',
      text: 'Read twice and referred to the Committee on the Judiciary.',
    },
  },
  {
    congress: 120,
    type: 'hr',
    number: 12,
    title: 'STOP CSAM Act of 2027',
    introducedDate: '2027-01-06',
    sponsor: { bioguideId: 'W000812', fullName: 'Rep. Wagner, Ann [R-MO-2]' },
  },
];
