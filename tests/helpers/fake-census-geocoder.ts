/**
 * A stand-in for the Census Bureau geocoder on 127.0.0.1 (random port), answering
 * `/geocoder/geographies/onelineaddress` with JSON shaped like the real service's documented responses.
 *
 * Default behaviour by address (case-insensitive):
 *  - "1600 Pennsylvania Ave NW, Washington, DC 20500": matched, DC delegate district ("98")
 *  - "2100 Clarendon Blvd, Arlington, VA 22201": matched, VA-08
 *  - containing "HANG": never answers (for timeout tests)
 *  - containing "FAIL500": HTTP 500
 *  - anything else: no match (addressMatches: [])
 * Tests can replace the behaviour with `server.respond = (address) => ...`, or add fixtures to `server.matches`.
 *
 *   const geo = await startFakeCensusGeocoder();
 *   createCensusGeocoder({ baseUrl: geo.url }); ... ; await geo.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeResponse =
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: string };

export interface FakeCensusGeocoder {
  /** Base URL to pass as `baseUrl`, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `address` query parameter of every request received, in order. */
  requests: string[];
  /** Full query strings of every request received. */
  queries: URLSearchParams[];
  /** Fixtures by upper-cased, whitespace-collapsed address. */
  matches: Map<string, unknown>;
  respond: (address: string) => FakeResponse;
  close(): Promise<void>;
}

const INPUT = {
  benchmark: {
    isDefault: false,
    benchmarkDescription: 'Public Address Ranges - Current Benchmark',
    id: '4',
    benchmarkName: 'Public_AR_Current',
  },
  vintage: {
    isDefault: false,
    vintageName: 'Current_Current',
    vintageDescription: 'Current Vintage - Current Benchmark',
    id: '4',
  },
};

/** A geocoder response body for one matched address. */
export function matchBody(
  inputAddress: string,
  match: {
    matchedAddress: string;
    x: number;
    y: number;
    stateFips: string;
    stusab: string;
    stateName: string;
    cd: string;
    cdName: string;
    congress?: number;
    zip: string;
  },
): unknown {
  const congress = match.congress ?? 119;
  const suffix = congress % 10 === 1 && congress % 100 !== 11 ? 'st' : 'th';
  return {
    result: {
      input: { address: { address: inputAddress }, ...INPUT },
      addressMatches: [
        {
          tigerLine: { side: 'L', tigerLineId: '76225813' },
          geographies: {
            States: [
              {
                STATENS: '01702382',
                GEOID: match.stateFips,
                CENTLAT: '+38.9042474',
                AREAWATER: 18709762,
                STATE: match.stateFips,
                BASENAME: match.stateName,
                STUSAB: match.stusab,
                OID: 27490331115731,
                LSADC: '00',
                FUNCSTAT: 'A',
                INTPTLAT: '+38.9042474',
                DIVISION: '5',
                NAME: match.stateName,
                REGION: '3',
                OBJECTID: 1,
                CENTLON: '-077.0165167',
                AREALAND: 158316184,
                INTPTLON: '-077.0165167',
                MTFCC: 'G4000',
              },
            ],
            [`${congress}${suffix} Congressional Districts`]: [
              {
                GEOID: `${match.stateFips}${match.cd}`,
                CENTLAT: '+38.9042474',
                CDSESSN: String(congress),
                AREAWATER: 18709762,
                BASENAME: match.cdName,
                STATE: match.stateFips,
                OID: 2.7690299985466e13,
                LSADC: match.cd === '98' ? 'C4' : 'C2',
                FUNCSTAT: 'N',
                INTPTLAT: '+38.9042474',
                NAME: match.cd === '98' ? match.cdName : `Congressional District ${match.cdName}`,
                OBJECTID: 1,
                CENTLON: '-077.0165167',
                [`CD${congress}`]: match.cd,
                AREALAND: 158316184,
                INTPTLON: '-077.0165167',
                MTFCC: 'G5200',
              },
            ],
            Counties: [
              {
                GEOID: `${match.stateFips}001`,
                STATE: match.stateFips,
                COUNTY: '001',
                NAME: 'County',
                BASENAME: 'County',
                MTFCC: 'G4020',
              },
            ],
            'Census Tracts': [
              {
                GEOID: `${match.stateFips}001006202`,
                STATE: match.stateFips,
                COUNTY: '001',
                TRACT: '006202',
                NAME: 'Census Tract 62.02',
                MTFCC: 'G5020',
              },
            ],
          },
          coordinates: { x: match.x, y: match.y },
          addressComponents: {
            zip: match.zip,
            streetName: 'STREET',
            preType: '',
            city: 'CITY',
            preDirection: '',
            suffixDirection: '',
            fromAddress: '1500',
            state: match.stusab,
            suffixType: 'AVE',
            toAddress: '1698',
            suffixQualifier: '',
            preQualifier: '',
          },
          matchedAddress: match.matchedAddress,
        },
      ],
    },
  };
}

export function noMatchBody(inputAddress: string): unknown {
  return { result: { input: { address: { address: inputAddress }, ...INPUT }, addressMatches: [] } };
}

function key(address: string): string {
  return address.toUpperCase().replace(/\s+/g, ' ').trim();
}

export const WHITE_HOUSE = '1600 Pennsylvania Ave NW, Washington, DC 20500';
export const ARLINGTON_VA = '2100 Clarendon Blvd, Arlington, VA 22201';

export async function startFakeCensusGeocoder(): Promise<FakeCensusGeocoder> {
  const matches = new Map<string, unknown>();
  matches.set(
    key(WHITE_HOUSE),
    matchBody(WHITE_HOUSE, {
      matchedAddress: '1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20500',
      x: -77.03518753691,
      y: 38.89869893252,
      stateFips: '11',
      stusab: 'DC',
      stateName: 'District of Columbia',
      cd: '98',
      cdName: 'Delegate District (at Large)',
      zip: '20500',
    }),
  );
  matches.set(
    key(ARLINGTON_VA),
    matchBody(ARLINGTON_VA, {
      matchedAddress: '2100 CLARENDON BLVD, ARLINGTON, VA, 22201',
      x: -77.08626,
      y: 38.88982,
      stateFips: '51',
      stusab: 'VA',
      stateName: 'Virginia',
      cd: '08',
      cdName: '8',
      zip: '22201',
    }),
  );

  const sockets = new Set<import('node:net').Socket>();
  const fake: FakeCensusGeocoder = {
    url: '',
    requests: [],
    queries: [],
    matches,
    respond: (address: string): FakeResponse => {
      const k = key(address);
      if (k.includes('HANG')) return { kind: 'hang' };
      if (k.includes('FAIL500')) return { kind: 'status', status: 500, body: 'Internal Server Error' };
      const body = matches.get(k);
      return body ? { kind: 'json', body } : { kind: 'json', body: noMatchBody(address) };
    },
    close: async () => {},
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/geocoder/geographies/onelineaddress') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const address = url.searchParams.get('address') ?? '';
    fake.requests.push(address);
    fake.queries.push(url.searchParams);
    if (!address.trim()) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          errors: ['Address cannot be empty and cannot exceed 100 characters'],
          status: '400',
        }),
      );
      return;
    }
    const answer = fake.respond(address);
    if (answer.kind === 'hang') return; // never answer; close() destroys the socket
    if (answer.kind === 'status') {
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      return;
    }
    res
      .writeHead(answer.status ?? 200, { 'content-type': 'application/json' })
      .end(JSON.stringify(answer.body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return fake;
}
