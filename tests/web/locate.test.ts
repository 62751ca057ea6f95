/**
 * Exact districts through the app: the Census geocoder (a local fake speaking its JSON) settles an
 * ambiguous ZIP, failures fall back to the ZIP answer, and a location is looked up in the boundaries.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { matchBody, startFakeCensusGeocoder, type FakeCensusGeocoder } from '../helpers/fake-census-geocoder';

const LINCOLN_PARK = '2430 N Cannon Dr, Chicago, IL 60614';

let geocoder: FakeCensusGeocoder;
let t: TestApp;
beforeAll(async () => {
  geocoder = await startFakeCensusGeocoder();
  // On the 120th map (the service's default vintage) this address is in another district.
  geocoder.places.set('2430 N CANNON DR, CHICAGO, IL 60614', {
    matchedAddress: '2430 N CANNON DR, CHICAGO, IL, 60614',
    x: -87.6354,
    y: 41.9257,
    stateFips: '17',
    stusab: 'IL',
    stateName: 'Illinois',
    cd: '05',
    cdName: '5',
    zip: '60614',
    districts: { 120: { cd: '07', cdName: '7' } },
  });
  const original = geocoder.respond;
  geocoder.respond = (address, vintage) =>
    address.toUpperCase().includes('OLD CONGRESS')
      ? {
          kind: 'json',
          body: matchBody(address, {
            matchedAddress: '1 OLD CONGRESS RD, CHICAGO, IL, 60614',
            x: -87.6354,
            y: 41.9257,
            stateFips: '17',
            stusab: 'IL',
            stateName: 'Illinois',
            cd: '07',
            cdName: '7',
            congress: 118,
            zip: '60614',
          }),
        }
      : original(address, vintage);
  t = await createTestApp({ CENSUS_GEOCODER_ENABLED: 'true', CENSUS_GEOCODER_URL: geocoder.url });
});
afterAll(async () => {
  await t.close();
  await geocoder.close();
});

describe('street addresses through the Census geocoder', () => {
  test('when the ZIP spans districts and the geocoder matches on the map in service, then one district comes back with precision "address"', async () => {
    const res = await request(t.app).get('/api/representatives').query({ address: LINCOLN_PARK }).expect(200);
    expect(res.body).toMatchObject({
      precision: 'address',
      ambiguous: false,
      districts: [{ state: 'IL', district: 5 }],
    });
    expect(res.body.members.filter((m: { chamber: string }) => m.chamber === 'house')).toHaveLength(1);
    expect(res.body.members.filter((m: { chamber: string }) => m.chamber === 'senate')).toHaveLength(2);
    expect(geocoder.queries.at(-1)?.get('benchmark')).toBe('Public_AR_Current');
    // The index is the 119th Congress: the named vintage of the 119th, not the default (120th) one.
    expect(geocoder.queries.at(-1)?.get('vintage')).toBe('ACS2025_Current');
  });

  test('when the ZIP settles the district alone, then the geocoder is not asked', async () => {
    const before = geocoder.requests.length;
    await request(t.app)
      .get('/api/representatives')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(geocoder.requests.length).toBe(before);
  });

  test('when the geocoder finds no match, fails or answers for another Congress, then the ZIP answer comes back honestly', async () => {
    for (const address of [
      '999 Nowhere St, Chicago, IL 60614',
      'FAIL500 Main St, Chicago, IL 60614',
      '1 Old Congress Rd, Chicago, IL 60614',
    ]) {
      const res = await request(t.app).get('/api/representatives').query({ address }).expect(200);
      expect(res.body).toMatchObject({ precision: 'zip', ambiguous: true });
      expect(res.body.districts.length).toBe(3);
    }
  });

  test('when the page looks up a geocoded address, then it says how and carries the district to the letter page', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: LINCOLN_PARK })
      .expect(200);
    expect(res.text).toContain('U.S. Census Bureau');
    expect(res.text).not.toContain('more than one congressional district');
    expect(res.text).toContain('name="district" value="IL-5"');
  });
});

describe('"use my location" through the district boundaries', () => {
  test('when a point in downtown Denver is given, then CO-1 comes back with precision "point"', async () => {
    const res = await request(t.app)
      .get('/api/representatives')
      .query({ lat: 39.7392, lon: -104.9903 })
      .expect(200);
    expect(res.body).toMatchObject({ precision: 'point', state: 'CO' });
    expect(res.body.districts[0]).toEqual({ state: 'CO', district: 1 });
    expect(typeof res.body.nearBoundary).toBe('boolean');
  });

  test('when a point lies on a district line, then the neighbouring member is listed as a candidate', async () => {
    // Downtown Chicago: several districts meet within a kilometre.
    const res = await request(t.app)
      .get('/api/representatives')
      .query({ lat: 41.8781, lon: -87.6298 })
      .expect(200);
    if (res.body.nearBoundary) {
      expect(res.body.districts.length).toBeGreaterThan(1);
      expect(res.body.members.filter((m: { chamber: string }) => m.chamber === 'house').length).toBe(
        res.body.districts.length - res.body.vacancies.length,
      );
    } else {
      expect(res.body.districts).toHaveLength(1);
    }
  });

  test('when a point is in the ocean or malformed, then 400 names the field', async () => {
    const ocean = await request(t.app).get('/api/representatives').query({ lat: 30, lon: -40 }).expect(400);
    expect(ocean.body.error.field).toBe('location');
    const bad = await request(t.app).get('/api/representatives').query({ lat: 'north', lon: 1 }).expect(400);
    expect(bad.body.error.field).toBe('lat');
    const half = await request(t.app).get('/api/representatives').query({ lat: 40 }).expect(400);
    expect(half.body.error.field).toBe('lon');
  });

  test('when the ZIP is ambiguous, then the page offers "Use my location", explained, for JavaScript only', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'Chicago IL 60614' })
      .expect(200);
    expect(res.text).toMatch(/<div id="use-location"[^>]*hidden/);
    expect(res.text).toContain('do not store it');
    const located = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'Chicago IL 60614', lat: 39.7392, lon: -104.9903 })
      .expect(200);
    expect(located.text).toContain('from your location');
  });
});
