import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/representatives', () => {
  test('when a ZIP+4 address is given, then senators and the House member come back with the documented fields', async () => {
    const res = await request(t.app)
      .get('/api/representatives')
      .query({ address: '100 main st   springfield il 62704-1234' })
      .expect(200);
    expect(res.body).toMatchObject({
      state: 'IL',
      precision: 'zip',
      ambiguous: false,
      districts: [{ state: 'IL', district: 13 }],
    });
    expect(res.body.members.filter((m: { chamber: string }) => m.chamber === 'senate')).toHaveLength(2);
    expect(res.body.members.filter((m: { chamber: string }) => m.chamber === 'house')).toHaveLength(1);
    for (const member of res.body.members) {
      expect(member).toEqual(
        expect.objectContaining({
          bioguide: expect.stringMatching(/^[A-Z]\d{6}$/),
          name: expect.any(String),
          formalName: expect.any(String),
          party: expect.any(String),
          contactUrl: expect.stringMatching(/^https:\/\//),
        }),
      );
    }
    expect(res.body.data).toMatchObject({ congress: 119, validUntil: '2027-01-03' });
  });

  test('when only a ZIP is given, then it is looked up the same way', async () => {
    const res = await request(t.app).get('/api/representatives').query({ zip: '99501' }).expect(200);
    expect(res.body.state).toBe('AK');
    expect(res.body.members).toHaveLength(3);
  });

  test('when the ZIP spans two states, then the answer is ambiguous and lists every candidate', async () => {
    const res = await request(t.app).get('/api/representatives').query({ zip: '42223' }).expect(200);
    const states = new Set(res.body.districts.map((d: { state: string }) => d.state));
    expect(states.size).toBeGreaterThan(1);
    expect(res.body.ambiguous).toBe(true);
  });

  test('when the input is empty or 10 kB, then 400 names the address field', async () => {
    const empty = await request(t.app).get('/api/representatives').query({ address: '' }).expect(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid_input', field: 'address' });
    const huge = await request(t.app)
      .get('/api/representatives')
      .query({ address: 'x'.repeat(10_000) })
      .expect(400);
    expect(huge.body.error.field).toBe('address');
  });

  test('when the database is closed, then the lookup still answers (it never touches the database)', async () => {
    const other = await createTestApp();
    await other.close();
    await request(other.app).get('/api/representatives').query({ zip: '80202' }).expect(200);
    await request(other.app).get('/readyz').expect(503);
  });
});

describe('POST /api/letters/preview', () => {
  test('when a senator is previewed, then the letter names S. 1829 and addresses the senator properly', async () => {
    const lookup = await request(t.app).get('/api/representatives').query({ zip: '62704' });
    const senator = lookup.body.members.find((m: { chamber: string }) => m.chamber === 'senate');
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({
        bioguide: senator.bioguide,
        sender: {
          name: 'Ana Núñez',
          email: 'ana@example.org',
          street: '1 Main St',
          city: 'Springfield',
          state: 'IL',
          zip: '62704',
        },
        personalNote: 'I am a teacher.',
      })
      .expect(200);
    expect(res.body.salutation).toBe(`Dear Senator ${senator.lastName}:`);
    expect(res.body.addressBlock[0]).toBe(`The Honorable ${senator.name}`);
    expect(res.body.addressBlock).toContain('Washington, DC 20510');
    expect(res.body.subject).toContain('S. 1829');
    expect(res.body.body).toContain('S. 1829');
    expect(res.body.body).toContain('I am a teacher.');
    expect(res.body.body).not.toContain('H.R. 3921, the STOP');
  });

  test('when a House member is previewed with an edited body, then the edit is kept verbatim, Handlebars and all', async () => {
    const lookup = await request(t.app).get('/api/representatives').query({ zip: '62704' });
    const rep = lookup.body.members.find((m: { chamber: string }) => m.chamber === 'house');
    const body = 'Please support H.R. 3921. {{sender.name}} <script>alert(1)</script> stays as typed.';
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({
        bioguide: rep.bioguide,
        sender: {
          name: 'Bo',
          email: 'bo@example.org',
          street: '1 Main St',
          city: 'Springfield',
          state: 'IL',
          zip: '62704',
        },
        body,
      })
      .expect(200);
    expect(res.body.salutation).toBe(`Dear Representative ${rep.lastName}:`);
    expect(res.body.body).toBe(body);
    expect(res.body.addressBlock).toContain('Washington, DC 20515');
  });

  test('when the sender email is bad, then 400 names the field', async () => {
    const lookup = await request(t.app).get('/api/representatives').query({ zip: '62704' });
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({
        bioguide: lookup.body.members[0].bioguide,
        sender: { name: 'Bo', email: 'nope', street: '1 Main St', city: 'X', state: 'IL', zip: '62704' },
      })
      .expect(400);
    expect(res.body.error.field).toBe('sender.email');
  });
});
