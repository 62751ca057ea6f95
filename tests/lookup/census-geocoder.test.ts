import {
  createCensusGeocoder,
  districtFromGeographies,
  normaliseAddress,
  type CensusGeocoderOptions,
} from '../../src/lookup/census-geocoder';
import { CircuitBreaker } from '../../src/lookup/circuit-breaker';
import {
  ARLINGTON_VA,
  WHITE_HOUSE,
  matchBody,
  startFakeCensusGeocoder,
  type FakeCensusGeocoder,
} from '../helpers/fake-census-geocoder';

let server: FakeCensusGeocoder;

beforeEach(async () => {
  server = await startFakeCensusGeocoder();
});

afterEach(async () => {
  await server.close();
});

function geocoder(options: CensusGeocoderOptions = {}) {
  return createCensusGeocoder({ baseUrl: server.url, timeoutMs: 1000, ...options });
}

describe('census geocoder client', () => {
  test('DC address: delegate district "98" is district 0, with Congress and coordinates', async () => {
    const result = await geocoder().geocodeDistrict(WHITE_HOUSE);
    expect(result).toEqual({
      status: 'matched',
      state: 'DC',
      district: 0,
      congress: 119,
      matchedAddress: '1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20500',
      lat: 38.89869893252,
      lon: -77.03518753691,
    });
    const query = server.queries[0]!;
    expect(query.get('benchmark')).toBe('Public_AR_Current');
    expect(query.get('vintage')).toBe('Current_Current');
    expect(query.get('layers')).toBe('all');
    expect(query.get('format')).toBe('json');
  });

  test('state address: VA district 08', async () => {
    const result = await geocoder().geocodeDistrict(ARLINGTON_VA);
    expect(result).toMatchObject({ status: 'matched', state: 'VA', district: 8, congress: 119 });
  });

  test('a later Congress layer is read and reported', async () => {
    server.matches.set(
      '1 MAIN ST, CHEYENNE, WY 82001',
      matchBody('1 Main St, Cheyenne, WY 82001', {
        matchedAddress: '1 MAIN ST, CHEYENNE, WY, 82001',
        x: -104.8,
        y: 41.13,
        stateFips: '56',
        stusab: 'WY',
        stateName: 'Wyoming',
        cd: '00',
        cdName: 'At Large',
        congress: 120,
        zip: '82001',
      }),
    );
    const result = await geocoder().geocodeDistrict('1 Main St, Cheyenne, WY 82001');
    expect(result).toMatchObject({ status: 'matched', state: 'WY', district: 0, congress: 120 });
  });

  test('no match: addressMatches is empty', async () => {
    expect(await geocoder().geocodeDistrict('1 Nowhere Lane, Atlantis, ZZ 00000')).toEqual({
      status: 'no_match',
    });
  });

  test('blank or absurd input is no_match without a request', async () => {
    const g = geocoder();
    expect(await g.geocodeDistrict('   ')).toEqual({ status: 'no_match' });
    expect(await g.geocodeDistrict('x'.repeat(400))).toEqual({ status: 'no_match' });
    expect(server.requests).toHaveLength(0);
  });

  test('HTTP 500 is unavailable after one retry, and never throws', async () => {
    const result = await geocoder().geocodeDistrict('1 FAIL500 St, Denver, CO 80202');
    expect(result).toEqual({ status: 'unavailable', reason: 'HTTP 500' });
    expect(server.requests).toHaveLength(2);
  });

  test('a hanging server times out to unavailable within the timeout', async () => {
    const started = Date.now();
    const result = await geocoder({ timeoutMs: 200 }).geocodeDistrict('1 HANG St, Denver, CO 80202');
    const elapsed = Date.now() - started;
    expect(result).toEqual({ status: 'unavailable', reason: 'timed out after 200 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(700);
  });

  test('connection refused is unavailable', async () => {
    const url = server.url;
    await server.close();
    const result = await createCensusGeocoder({ baseUrl: url, retries: 0 }).geocodeDistrict(WHITE_HOUSE);
    expect(result.status).toBe('unavailable');
    server = await startFakeCensusGeocoder();
  });

  test('an unexpected body shape is unavailable', async () => {
    server.respond = () => ({ kind: 'json', body: { hello: 'world' } });
    expect(await geocoder().geocodeDistrict(WHITE_HOUSE)).toEqual({
      status: 'unavailable',
      reason: 'unexpected response shape',
    });
  });

  test('cache: same address with other spacing and case calls the server once; no_match is cached too', async () => {
    const g = geocoder();
    const a = await g.geocodeDistrict(WHITE_HOUSE);
    const b = await g.geocodeDistrict('  1600   pennsylvania ave nw ,washington,  DC 20500 ');
    expect(b).toEqual(a);
    await g.geocodeDistrict('1 Nowhere Lane, Atlantis');
    await g.geocodeDistrict('1 NOWHERE LANE,  ATLANTIS');
    expect(server.requests).toEqual([normaliseAddress(WHITE_HOUSE), '1 NOWHERE LANE, ATLANTIS']);
  });

  test('cache: failures are not cached; LRU evicts the oldest entry', async () => {
    const g = geocoder({ cacheSize: 1, retries: 0 });
    await g.geocodeDistrict('1 FAIL500 St');
    await g.geocodeDistrict('1 FAIL500 St');
    expect(server.requests).toHaveLength(2);
    await g.geocodeDistrict(WHITE_HOUSE);
    await g.geocodeDistrict(ARLINGTON_VA);
    await g.geocodeDistrict(WHITE_HOUSE);
    expect(server.requests).toHaveLength(5);
    expect(g.stats().cacheEntries).toBe(1);
  });

  test('identical concurrent requests share one upstream call', async () => {
    const g = geocoder();
    const results = await Promise.all([
      g.geocodeDistrict(WHITE_HOUSE),
      g.geocodeDistrict(WHITE_HOUSE.toLowerCase()),
    ]);
    expect(results[0]).toEqual(results[1]);
    expect(server.requests).toHaveLength(1);
  });

  test('breaker: opens after N failed calls, then the server is not called; half-open after resetAfterMs', async () => {
    let clock = 1_000_000;
    const g = geocoder({
      retries: 0,
      breaker: { failureThreshold: 3, resetAfterMs: 60_000 },
      now: () => clock,
    });
    for (let i = 0; i < 3; i++) {
      expect((await g.geocodeDistrict(`${i} FAIL500 St`)).status).toBe('unavailable');
    }
    expect(server.requests).toHaveLength(3);
    expect(g.stats().breaker).toBe('open');
    expect(await g.geocodeDistrict(WHITE_HOUSE)).toEqual({ status: 'unavailable', reason: 'circuit open' });
    expect(server.requests).toHaveLength(3);

    clock += 60_000;
    expect(g.stats().breaker).toBe('half-open');
    // The trial call fails: open again without further calls.
    expect((await g.geocodeDistrict('9 FAIL500 St')).status).toBe('unavailable');
    expect(server.requests).toHaveLength(4);
    expect(await g.geocodeDistrict(WHITE_HOUSE)).toMatchObject({ reason: 'circuit open' });
    expect(server.requests).toHaveLength(4);

    clock += 60_000;
    expect(await g.geocodeDistrict(WHITE_HOUSE)).toMatchObject({ status: 'matched', state: 'DC' });
    expect(g.stats().breaker).toBe('closed');
  });

  test('retries count as one failure for the breaker', async () => {
    const g = geocoder({ retries: 1, breaker: { failureThreshold: 2, resetAfterMs: 60_000 } });
    await g.geocodeDistrict('1 FAIL500 St');
    await g.geocodeDistrict('2 FAIL500 St');
    await g.geocodeDistrict('3 FAIL500 St');
    expect(server.requests).toHaveLength(4);
  });
});

describe('districtFromGeographies', () => {
  test('falls back to GEOID when there is no CDnnn field, and to States.STUSAB for the state', () => {
    expect(districtFromGeographies({ '118th Congressional Districts': [{ GEOID: '3612' }] })).toEqual({
      state: 'NY',
      district: 12,
      congress: 118,
    });
    expect(
      districtFromGeographies({
        States: [{ STUSAB: 'PR' }],
        'Congressional Districts': [{ CD119: '98', CDSESSN: '119' }],
      }),
    ).toEqual({ state: 'PR', district: 0, congress: 119 });
  });

  test('no district layer or an unusable code is null', () => {
    expect(districtFromGeographies({ States: [{ STUSAB: 'CO' }] })).toBeNull();
    expect(districtFromGeographies({ '119th Congressional Districts': [] })).toBeNull();
    expect(
      districtFromGeographies({ '119th Congressional Districts': [{ GEOID: '06ZZ', STATE: '06' }] }),
    ).toBeNull();
  });
});

describe('CircuitBreaker', () => {
  test('half-open allows one trial at a time', () => {
    let t = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 10, now: () => t });
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.tryAcquire()).toBe(false);
    t = 10;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });
});
