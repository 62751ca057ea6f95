/**
 * The campaign's bills on the pages: status with its date, who signed on, and the expiry notice with the
 * between-Congresses ask once the bills' Congress has ended.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { SENDER } from '../helpers/sender';

let t: TestApp;
// Building the app imports the data mirror: a generous budget on a busy machine.
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(() => t.close());
afterEach(() => t.clock.set(new Date('2026-11-28T12:00:00Z')));

describe('bills on the pages', () => {
  test('when the home page loads, then each bill shows its status with the date it was checked, and no expiry notice', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).toContain('S. 1829, as of 9 December 2025:');
    expect(res.text).toContain('H.R. 3921, as of 9 December 2025:');
    expect(res.text).not.toContain('expired with');
  });

  test('when an Illinois address is looked up, then Senator Durbin is shown as having introduced the bill', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(res.text).toMatch(/Durbin[\s\S]*<dt>S\. 1829<\/dt><dd>Introduced the bill<\/dd>/);
    expect(res.text).toContain('<dt>H.R. 3921</dt><dd>Not a cosponsor yet</dd>');
  });

  test('when a Missouri address is looked up, then Senator Hawley is shown as a cosponsor since 21 May 2025', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '65101' })
      .expect(200);
    expect(res.text).toContain('Cosponsor since 21 May 2025');
    const es = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '65101', lang: 'es' })
      .expect(200);
    expect(es.text).toContain('Copatrocinador desde el 21 de mayo de 2025');
  });

  test('when Senator Durbin is previewed, then the API says it is the thank-you letter', async () => {
    const res = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: 'D000563', sender: SENDER })
      .expect(200);
    expect(res.body).toMatchObject({
      ask: 'thanks',
      bill: { id: '119-s-1829', label: 'S. 1829' },
      sponsorship: { role: 'sponsor', since: '2025-05-21' },
    });
    expect(res.body.subject).toBe('Thank you for introducing S. 1829: please press for a floor vote');
  });
});

describe('after the bills’ Congress has ended', () => {
  test('when any page loads, then it says the bills expired, and the letters ask to reintroduce', async () => {
    t.clock.set(new Date('2027-01-04T15:00:00Z'));
    for (const url of ['/', '/campaigns/stop-csam/members?address=62704', '/campaigns/stop-csam/progress']) {
      const res = await request(t.app).get(url).expect(200);
      expect(res.text).toContain(
        'S. 1829 and H.R. 3921 expired with the 119th Congress on 3 January 2027. Until the bill is introduced again with new numbers',
      );
    }
    const es = await request(t.app).get('/?lang=es').expect(200);
    expect(es.text).toContain(
      'S. 1829 y H.R. 3921 caducaron al terminar el 119.º Congreso, el 3 de enero de 2027.',
    );
    const compose = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(compose.text).toContain(
      'The bill&#x27;s Congress has ended, so the letter asks for it to be reintroduced.',
    );
    expect(compose.text).toContain('S. 1829 was not passed before the 119th Congress ended');
    // Senator Duckworth serves on (Senator Durbin's term ended with the Congress: no letter to him).
    const preview = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: 'D000622', sender: SENDER })
      .expect(200);
    expect(preview.body.ask).toBe('reintroduce');
    expect(preview.body.subject).toBe('Please reintroduce the STOP CSAM Act in the 120th Congress');
  });
});
