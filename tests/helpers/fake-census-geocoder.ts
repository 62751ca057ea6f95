/**
 * A stand-in for the Census Bureau geocoder on 127.0.0.1 (random port), speaking the JSON of the real
 * service: `/geocoder/benchmarks`, `/geocoder/vintages?benchmark=...`, `/geocoder/geographies/coordinates`
 * and `/geocoder/geographies/onelineaddress`.
 *
 * Like the real service since September 2026, the default vintage (Current_Current) answers with the 120th
 * Congress's districts and the 119th stays under a named vintage (ACS2025_Current). Tests can change
 * `server.vintages` (say, to move a vintage to another Congress) at any time.
 *
 * Default behaviour by address (case-insensitive):
 *  - "1600 Pennsylvania Ave NW, Washington, DC 20500": matched, DC delegate district ("98")
 *  - "2100 Clarendon Blvd, Arlington, VA 22201": matched, VA-08
 *  - containing "HANG": never answers (for timeout tests)
 *  - containing "FAIL500": HTTP 500
 *  - anything else: no match (addressMatches: [])
 * Tests can add places to `server.places` (districts per Congress for redrawn maps), or replace the
 * behaviour with `server.respond = (address, vintage) => ...`.
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

export interface FakeVintage {
  benchmark: string;
  vintage: string;
  /** The Congress of the vintage's district layer. */
  congress: number;
  isDefault?: boolean;
}

/** A place the fake can match; `districts` gives its district per Congress where maps differ. */
export interface FakePlace {
  matchedAddress: string;
  x: number;
  y: number;
  stateFips: string;
  stusab: string;
  stateName: string;
  cd: string;
  cdName: string;
  zip: string;
  districts?: Record<number, { cd: string; cdName: string }>;
}

export interface FakeCensusGeocoder {
  /** Base URL to pass as `baseUrl`, e.g. http://127.0.0.1:41234 */
  url: string;
  /** `address` query parameter of every address request received, in order. */
  requests: string[];
  /** Full query strings of every address request received. */
  queries: URLSearchParams[];
  /** Path and query of every request received, address or not. */
  paths: string[];
  /** Every point asked of the coordinates service (the vintage probes included). */
  points: Array<{ x: number; y: number; vintage: string }>;
  vintages: FakeVintage[];
  /** Places by upper-cased, whitespace-collapsed address. */
  places: Map<string, FakePlace>;
  respond: (address: string, vintage: FakeVintage) => FakeResponse;
  close(): Promise<void>;
}

export function defaultVintages(): FakeVintage[] {
  return [
    { benchmark: 'Public_AR_Current', vintage: 'Current_Current', congress: 120, isDefault: true },
    { benchmark: 'Public_AR_Current', vintage: 'ACS2025_Current', congress: 119 },
    { benchmark: 'Public_AR_Current', vintage: 'Census2020_Current', congress: 116 },
    { benchmark: 'Public_AR_Census2020', vintage: 'Census2020_Census2020', congress: 116, isDefault: true },
  ];
}

function inputOf(vintage: FakeVintage) {
  return {
    benchmark: {
      isDefault: false,
      benchmarkDescription: 'Public Address Ranges - Benchmark',
      id: '4',
      benchmarkName: vintage.benchmark,
    },
    vintage: {
      isDefault: vintage.isDefault ?? false,
      vintageName: vintage.vintage,
      vintageDescription: 'Vintage',
      id: '4',
    },
  };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

/** The district layer as the service names and fills it ("120th Congressional Districts"). */
function districtLayer(congress: number, stateFips: string, cd: string, cdName: string) {
  return {
    [`${ordinal(congress)} Congressional Districts`]: [
      {
        GEOID: `${stateFips}${cd}`,
        CENTLAT: '+38.9042474',
        CDSESSN: String(congress),
        AREAWATER: 18709762,
        BASENAME: cdName,
        STATE: stateFips,
        OID: 2.7690299985466e13,
        LSADC: cd === '98' ? 'C4' : 'C2',
        FUNCSTAT: 'N',
        INTPTLAT: '+38.9042474',
        NAME: cd === '98' ? cdName : `Congressional District ${cdName}`,
        OBJECTID: 1,
        CENTLON: '-077.0165167',
        [`CD${congress}`]: cd,
        AREALAND: 158316184,
        INTPTLON: '-077.0165167',
        MTFCC: 'G5200',
      },
    ],
  };
}

function stateEntry(stateFips: string, stusab: string, stateName: string) {
  return {
    STATENS: '01702382',
    GEOID: stateFips,
    CENTLAT: '+38.9042474',
    AREAWATER: 18709762,
    STATE: stateFips,
    BASENAME: stateName,
    STUSAB: stusab,
    OID: 27490331115731,
    LSADC: '00',
    FUNCSTAT: 'A',
    INTPTLAT: '+38.9042474',
    DIVISION: '5',
    NAME: stateName,
    REGION: '3',
    OBJECTID: 1,
    CENTLON: '-077.0165167',
    AREALAND: 158316184,
    INTPTLON: '-077.0165167',
    MTFCC: 'G4000',
  };
}

/** A geocoder response body for one matched address. */
export function matchBody(
  inputAddress: string,
  match: Omit<FakePlace, 'districts'> & { congress?: number; vintage?: FakeVintage },
): unknown {
  const congress = match.congress ?? 119;
  const vintage = match.vintage ?? defaultVintages().find((v) => v.congress === congress);
  return {
    result: {
      input: {
        address: { address: inputAddress },
        ...(vintage ? inputOf({ ...vintage, congress }) : {}),
      },
      addressMatches: [
        {
          tigerLine: { side: 'L', tigerLineId: '76225813' },
          geographies: {
            States: [stateEntry(match.stateFips, match.stusab, match.stateName)],
            ...districtLayer(congress, match.stateFips, match.cd, match.cdName),
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

export function noMatchBody(inputAddress: string, vintage?: FakeVintage): unknown {
  return {
    result: {
      input: { address: { address: inputAddress }, ...(vintage ? inputOf(vintage) : {}) },
      addressMatches: [],
    },
  };
}

function key(address: string): string {
  return address.toUpperCase().replace(/\s+/g, ' ').trim();
}

export const WHITE_HOUSE = '1600 Pennsylvania Ave NW, Washington, DC 20500';
export const ARLINGTON_VA = '2100 Clarendon Blvd, Arlington, VA 22201';

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startFakeCensusGeocoder(): Promise<FakeCensusGeocoder> {
  const places = new Map<string, FakePlace>([
    [
      key(WHITE_HOUSE),
      {
        matchedAddress: '1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20500',
        x: -77.03518753691,
        y: 38.89869893252,
        stateFips: '11',
        stusab: 'DC',
        stateName: 'District of Columbia',
        cd: '98',
        cdName: 'Delegate District (at Large)',
        zip: '20500',
      },
    ],
    [
      key(ARLINGTON_VA),
      {
        matchedAddress: '2100 CLARENDON BLVD, ARLINGTON, VA, 22201',
        x: -77.08626,
        y: 38.88982,
        stateFips: '51',
        stusab: 'VA',
        stateName: 'Virginia',
        cd: '08',
        cdName: '8',
        zip: '22201',
      },
    ],
  ]);

  const sockets = new Set<import('node:net').Socket>();
  const fake: FakeCensusGeocoder = {
    url: '',
    requests: [],
    queries: [],
    paths: [],
    points: [],
    vintages: defaultVintages(),
    places,
    respond: (address: string, vintage: FakeVintage): FakeResponse => {
      const k = key(address);
      if (k.includes('HANG')) return { kind: 'hang' };
      if (k.includes('FAIL500')) return { kind: 'status', status: 500, body: 'Internal Server Error' };
      const place = places.get(k);
      if (!place) return { kind: 'json', body: noMatchBody(address, vintage) };
      const district = place.districts?.[vintage.congress] ?? { cd: place.cd, cdName: place.cdName };
      return {
        kind: 'json',
        body: matchBody(address, { ...place, ...district, congress: vintage.congress, vintage }),
      };
    },
    close: async () => {},
  };

  /** The vintage a request names; the default vintage of the default benchmark when it names none. */
  function vintageOf(params: URLSearchParams): FakeVintage | undefined {
    const name = params.get('vintage');
    const benchmark = params.get('benchmark');
    if (!name) return fake.vintages.find((v) => v.isDefault && v.benchmark === 'Public_AR_Current');
    return fake.vintages.find((v) => v.vintage === name && (!benchmark || v.benchmark === benchmark));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.paths.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/geocoder/benchmarks') {
      const names = [...new Set(fake.vintages.map((v) => v.benchmark))];
      json(res, 200, {
        benchmarks: names.map((name, i) => ({
          id: String(i + 4),
          benchmarkName: name,
          benchmarkDescription: `${name} benchmark`,
          isDefault: name === 'Public_AR_Current',
        })),
      });
      return;
    }
    if (url.pathname === '/geocoder/vintages') {
      const benchmark = url.searchParams.get('benchmark');
      const list = fake.vintages.filter((v) => v.benchmark === benchmark);
      if (list.length === 0) {
        json(res, 400, { errors: ['Invalid Benchmark'], status: '400' });
        return;
      }
      json(res, 200, {
        vintages: list.map((v, i) => ({
          id: String(i + 4),
          vintageName: v.vintage,
          vintageDescription: `${v.vintage} vintage`,
          isDefault: v.isDefault ?? false,
        })),
      });
      return;
    }
    const vintage = vintageOf(url.searchParams);
    if (url.pathname === '/geocoder/geographies/coordinates') {
      if (!vintage) {
        json(res, 400, { errors: ['Invalid Vintage'], status: '400' });
        return;
      }
      const x = Number(url.searchParams.get('x'));
      const y = Number(url.searchParams.get('y'));
      fake.points.push({ x, y, vintage: vintage.vintage });
      // A place at exactly this point answers with its district on the vintage's map; elsewhere DC.
      const place = [...fake.places.values()].find((p) => p.x === x && p.y === y);
      const onMap = place ? (place.districts?.[vintage.congress] ?? place) : undefined;
      json(res, 200, {
        result: {
          input: { location: { x, y }, ...inputOf(vintage) },
          geographies:
            place && onMap
              ? {
                  States: [stateEntry(place.stateFips, place.stusab, place.stateName)],
                  ...districtLayer(vintage.congress, place.stateFips, onMap.cd, onMap.cdName),
                }
              : {
                  States: [stateEntry('11', 'DC', 'District of Columbia')],
                  ...districtLayer(vintage.congress, '11', '98', 'Delegate District (at Large)'),
                },
        },
      });
      return;
    }
    if (url.pathname !== '/geocoder/geographies/onelineaddress') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const address = url.searchParams.get('address') ?? '';
    fake.requests.push(address);
    fake.queries.push(url.searchParams);
    if (!address.trim() || !vintage) {
      json(res, 400, {
        errors: [vintage ? 'Address cannot be empty and cannot exceed 100 characters' : 'Invalid Vintage'],
        status: '400',
      });
      return;
    }
    const answer = fake.respond(address, vintage);
    if (answer.kind === 'hang') return; // never answer; close() destroys the socket
    if (answer.kind === 'status') {
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      return;
    }
    json(res, answer.status ?? 200, answer.body);
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
