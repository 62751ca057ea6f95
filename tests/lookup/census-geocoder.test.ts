import {
  benchmarkOfVintage,
  createCensusGeocoder,
  districtFromGeographies,
  type CensusGeocoderOptions,
} from '../../src/lookup/census-geocoder';
import {
  ARLINGTON_VA,
  WHITE_HOUSE,
  startFakeCensusGeocoder,
  type FakeCensusGeocoder,
} from '../helpers/fake-census-geocoder';

let server: FakeCensusGeocoder;

beforeEach(async () => {
  server = await startFakeCensusGeocoder();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await server.close();
});

/** A generous budget: the tests about behaviour must not depend on how busy the machine is. */
function geocoder(options: Partial<CensusGeocoderOptions> = {}) {
  return createCensusGeocoder({ baseUrl: server.url, timeoutMs: 10_000, ...options });
}

const CHAPEL_HILL = '100 E Franklin St, Chapel Hill, NC 27514';
/** A place in a state that redrew its map for the 120th Congress. */
function addRedrawnPlace() {
  server.places.set(CHAPEL_HILL.toUpperCase(), {
    matchedAddress: '100 E FRANKLIN ST, CHAPEL HILL, NC, 27514',
    x: -79.05,
    y: 35.91,
    stateFips: '37',
    stusab: 'NC',
    stateName: 'North Carolina',
    cd: '04',
    cdName: '4',
    zip: '27514',
    districts: { 120: { cd: '06', cdName: '6' } },
  });
}

const discoveryPaths = () =>
  server.paths.filter((p) => !p.startsWith('/geocoder/geographies/onelineaddress'));

describe('census geocoder: the vintage of the Congress in service', () => {
  test('119th index: the named vintage whose districts are the 119th, not the default (120th)', async () => {
    const result = await geocoder().geocodeDistrict(WHITE_HOUSE, 119);
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
    expect(query.get('vintage')).toBe('ACS2025_Current');
    expect(query.get('layers')).toBe('all');
    expect(query.get('format')).toBe('json');
  });

  test('120th index: the default vintage; a redrawn district comes from the map asked for', async () => {
    addRedrawnPlace();
    const g = geocoder();
    expect(await g.geocodeDistrict(CHAPEL_HILL, 120)).toMatchObject({
      status: 'matched',
      state: 'NC',
      district: 6,
      congress: 120,
    });
    expect(server.queries.at(-1)?.get('vintage')).toBe('Current_Current');
    expect(await g.geocodeDistrict(CHAPEL_HILL, 119)).toMatchObject({
      state: 'NC',
      district: 4,
      congress: 119,
    });
    expect(server.queries.at(-1)?.get('vintage')).toBe('ACS2025_Current');
  });

  test('the service is asked for its benchmarks and vintages once per Congress, then the choice is kept', async () => {
    const g = geocoder();
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    const asked = discoveryPaths();
    expect(asked[0]).toBe('/geocoder/benchmarks');
    expect(asked[1]).toBe('/geocoder/vintages?benchmark=Public_AR_Current');
    expect(asked.filter((p) => p.startsWith('/geocoder/geographies/coordinates'))).toHaveLength(2);
    await g.geocodeDistrict(ARLINGTON_VA, 119);
    expect(discoveryPaths()).toEqual(asked);
  });

  test('prepare() chooses ahead of the first lookup', async () => {
    const g = geocoder();
    expect(await g.prepare(119)).toEqual({ benchmark: 'Public_AR_Current', vintage: 'ACS2025_Current' });
    const before = discoveryPaths().length;
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    expect(discoveryPaths()).toHaveLength(before);
  });

  test('an answer naming another Congress makes it choose again, and the answer is never returned', async () => {
    addRedrawnPlace();
    const g = geocoder();
    await g.prepare(119);
    // The service moves the named vintage to the 120th and offers the 119th under another name.
    server.vintages = server.vintages.map((v) =>
      v.vintage === 'ACS2025_Current' ? { ...v, congress: 120 } : v,
    );
    server.vintages.push({ benchmark: 'Public_AR_Current', vintage: 'ACS2024_Current', congress: 119 });
    expect(await g.geocodeDistrict(CHAPEL_HILL, 119)).toMatchObject({
      state: 'NC',
      district: 4,
      congress: 119,
    });
    expect(server.queries.map((q) => q.get('vintage'))).toEqual(['ACS2025_Current', 'ACS2024_Current']);
  });

  test('no vintage for the Congress: unavailable (ZIP fallback), nothing from another map', async () => {
    addRedrawnPlace();
    server.vintages = server.vintages.filter((v) => v.congress !== 119);
    const result = await geocoder().geocodeDistrict(CHAPEL_HILL, 119);
    expect(result).toEqual({ status: 'unavailable', reason: 'no vintage for Congress 119' });
    expect(server.requests).toHaveLength(0);
  });

  test('no vintage found is remembered for a while, then asked again', async () => {
    let clock = 1_000_000;
    server.vintages = server.vintages.filter((v) => v.congress !== 119);
    const g = geocoder({ now: () => clock, rechooseAfterMs: 60_000 });
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    const asked = discoveryPaths().length;
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    expect(discoveryPaths()).toHaveLength(asked);
    server.vintages.push({ benchmark: 'Public_AR_Current', vintage: 'ACS2025_Current', congress: 119 });
    clock += 60_000;
    expect(await g.geocodeDistrict(WHITE_HOUSE, 119)).toMatchObject({ status: 'matched', congress: 119 });
  });

  test('CENSUS_GEOCODER_VINTAGE: that vintage without asking, and still never another map', async () => {
    addRedrawnPlace();
    const g = geocoder({ vintage: 'ACS2025_Current' });
    expect(await g.geocodeDistrict(CHAPEL_HILL, 119)).toMatchObject({ district: 4, congress: 119 });
    expect(discoveryPaths()).toEqual([]);
    expect(server.queries[0]?.get('benchmark')).toBe('Public_AR_Current');
    expect(server.queries[0]?.get('vintage')).toBe('ACS2025_Current');
    expect(await g.geocodeDistrict(CHAPEL_HILL, 120)).toEqual({
      status: 'unavailable',
      reason: 'vintage answers for Congress 119',
    });
  });

  test('benchmarkOfVintage: the part after "_" names the benchmark', () => {
    expect(benchmarkOfVintage('ACS2025_Current')).toBe('Public_AR_Current');
    expect(benchmarkOfVintage('Census2020_Census2020')).toBe('Public_AR_Census2020');
  });
});

describe('census geocoder client', () => {
  test('state address: VA district 08', async () => {
    const result = await geocoder().geocodeDistrict(ARLINGTON_VA, 119);
    expect(result).toMatchObject({ status: 'matched', state: 'VA', district: 8, congress: 119 });
  });

  test('no match: addressMatches is empty', async () => {
    expect(await geocoder().geocodeDistrict('1 Nowhere Lane, Atlantis, ZZ 00000', 119)).toEqual({
      status: 'no_match',
    });
  });

  test('blank or absurd input is no_match without a request', async () => {
    const g = geocoder();
    expect(await g.geocodeDistrict('   ', 119)).toEqual({ status: 'no_match' });
    expect(await g.geocodeDistrict('x'.repeat(400), 119)).toEqual({ status: 'no_match' });
    expect(server.paths).toHaveLength(0);
  });

  test('HTTP 500 is unavailable after one retry, and never throws', async () => {
    const result = await geocoder().geocodeDistrict('1 FAIL500 St, Denver, CO 80202', 119);
    expect(result).toEqual({ status: 'unavailable', reason: 'HTTP 500' });
    expect(server.requests).toHaveLength(2);
  });

  test('a hanging server times out to unavailable', async () => {
    // A named vintage: the one call to time out is the address's.
    const g = geocoder({ timeoutMs: 200, vintage: 'ACS2025_Current' });
    const result = await g.geocodeDistrict('1 HANG St, Denver, CO 80202', 119);
    expect(result).toEqual({ status: 'unavailable', reason: 'timed out after 200 ms' });
  });

  test('connection refused is unavailable', async () => {
    const url = server.url;
    await server.close();
    const result = await createCensusGeocoder({ baseUrl: url, retries: 0 }).geocodeDistrict(WHITE_HOUSE, 119);
    expect(result.status).toBe('unavailable');
    server = await startFakeCensusGeocoder();
  });

  test('an unexpected body shape is unavailable', async () => {
    server.respond = () => ({ kind: 'json', body: { hello: 'world' } });
    expect(await geocoder().geocodeDistrict(WHITE_HOUSE, 119)).toEqual({
      status: 'unavailable',
      reason: 'unexpected response shape',
    });
  });

  test('cache: same address with other spacing and case calls the server once; no_match is cached too', async () => {
    const g = geocoder();
    const a = await g.geocodeDistrict(WHITE_HOUSE, 119);
    const b = await g.geocodeDistrict('  1600   pennsylvania ave nw ,washington,  DC 20500 ', 119);
    expect(b).toEqual(a);
    await g.geocodeDistrict('1 Nowhere Lane, Atlantis', 119);
    await g.geocodeDistrict('1 NOWHERE LANE,  ATLANTIS', 119);
    expect(server.requests).toEqual([
      '1600 PENNSYLVANIA AVE NW, WASHINGTON, DC 20500',
      '1 NOWHERE LANE, ATLANTIS',
    ]);
  });

  test('cache: failures are not cached; LRU evicts the oldest entry', async () => {
    const g = geocoder({ cacheSize: 1, retries: 0 });
    await g.geocodeDistrict('1 FAIL500 St', 119);
    await g.geocodeDistrict('1 FAIL500 St', 119);
    expect(server.requests).toHaveLength(2);
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    await g.geocodeDistrict(ARLINGTON_VA, 119);
    await g.geocodeDistrict(WHITE_HOUSE, 119);
    expect(server.requests).toHaveLength(5);
  });

  test('identical concurrent requests share one upstream call', async () => {
    const g = geocoder();
    await g.prepare(119);
    const results = await Promise.all([
      g.geocodeDistrict(WHITE_HOUSE, 119),
      g.geocodeDistrict(WHITE_HOUSE.toLowerCase(), 119),
    ]);
    expect(results[0]).toEqual(results[1]);
    expect(server.requests).toHaveLength(1);
  });

  test('breaker: opens after N failed calls, then the server is not called; half-open after resetAfterMs', async () => {
    let clock = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    const g = geocoder({ retries: 0, breaker: { failureThreshold: 3, resetAfterMs: 60_000 } });
    await g.prepare(119);
    for (let i = 0; i < 3; i++) {
      expect((await g.geocodeDistrict(`${i} FAIL500 St`, 119)).status).toBe('unavailable');
    }
    expect(server.requests).toHaveLength(3);
    expect(await g.geocodeDistrict(WHITE_HOUSE, 119)).toEqual({
      status: 'unavailable',
      reason: 'circuit open',
    });
    expect(server.requests).toHaveLength(3);

    clock += 60_000;
    // The trial call fails: open again without further calls.
    expect((await g.geocodeDistrict('9 FAIL500 St', 119)).status).toBe('unavailable');
    expect(server.requests).toHaveLength(4);
    expect(await g.geocodeDistrict(WHITE_HOUSE, 119)).toMatchObject({ reason: 'circuit open' });
    expect(server.requests).toHaveLength(4);

    clock += 60_000;
    expect(await g.geocodeDistrict(WHITE_HOUSE, 119)).toMatchObject({ status: 'matched', state: 'DC' });
  });

  test('retries count as one failure for the breaker', async () => {
    const g = geocoder({ retries: 1, breaker: { failureThreshold: 2, resetAfterMs: 60_000 } });
    await g.prepare(119);
    await g.geocodeDistrict('1 FAIL500 St', 119);
    await g.geocodeDistrict('2 FAIL500 St', 119);
    await g.geocodeDistrict('3 FAIL500 St', 119);
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
