/**
 * Issue 23, a reintroduced bill: in February 2027 the data refresh finds the STOP CSAM Act's new numbers
 * (a local stand-in of the congress.gov API); the organiser sees them on the admin page and adopts them
 * with one button (admin session and CSRF token required; a bad or stale choice comes back with the error
 * at its field). From then on the write page, a new letter, the letter saved and its CWC document use the
 * new numbers; undo brings back the "reintroduce" ask. On PostgreSQL, a second instance on the same
 * database switches too, within its cache time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DISTRICT_SHAPES_FILE } from '../../src/civic-data/district-shapes';
import { INDEX_FILE_NAME } from '../../src/civic-data/load';
import { letterDocument } from '../../src/delivery/cwc/letter-document';
import { createTestApp, testLogFile, type TestApp } from '../helpers/app';
import { FIXTURE_DATA_DIR, importedDataDir } from '../helpers/civic-data';
import {
  startCongressGovStandIn,
  STOP_CSAM_119,
  STOP_CSAM_120,
  type CongressGovStandIn,
} from '../helpers/congress-gov-stand-in';
import { expectSchemaValid } from '../helpers/cwc-schema';
import { createTestPostgres, describePostgres, type TestPostgres } from '../helpers/postgres';
import { ADDRESS, SENDER } from '../helpers/sender';
import { adminSession, csrfSession } from './security-helpers';

const KEY = 'stand-in-key-0a1b2c3d';
const ADMIN_TOKEN = 'admin-token-for-the-reintroduced-bill-42';
const FEBRUARY_2027 = new Date('2027-02-01T15:00:00Z');
/** Illinois's senator in mid-term (her term runs to 2029): letters to her save and send after 3 January. */
const DUCKWORTH = 'D000622';

/** A data folder of its own (the search writes into it), with the fixture's members and boundaries. */
async function dataFolder(): Promise<string> {
  const source = await importedDataDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-reintroduced-'));
  for (const file of [INDEX_FILE_NAME, DISTRICT_SHAPES_FILE]) {
    fs.copyFileSync(path.join(source, file), path.join(dir, file));
  }
  return dir;
}

async function startApp(dataDir: string, api: CongressGovStandIn, env: Record<string, string> = {}) {
  const t = await createTestApp({
    DATA_DIR: dataDir,
    // Offline for the members (the fixture, as in service) and sponsor rolls; the search asks the stand-in.
    CIVIC_DATA_FROM: FIXTURE_DATA_DIR,
    CONGRESS_GOV_API_KEY: KEY,
    CONGRESS_GOV_API_URL: api.url,
    ADMIN_TOKEN,
    ...env,
  });
  t.clock.set(FEBRUARY_2027);
  return t;
}

const signIn = (t: TestApp) => adminSession(t.app, ADMIN_TOKEN);

async function preview(t: TestApp) {
  const res = await request(t.app)
    .post('/api/letters/preview')
    .send({ bioguide: DUCKWORTH, sender: SENDER })
    .expect(200);
  return res.body as { ask: string; bill: { id: string; label: string }; subject: string; body: string };
}

async function undo(t: TestApp, admin: { cookies: string; token: string }) {
  for (const chamber of ['senate', 'house']) {
    await request(t.app)
      .post('/admin/bills/undo')
      .set('Cookie', admin.cookies)
      .type('form')
      .send({ _csrf: admin.token, campaign: 'stop-csam', chamber })
      .expect(303);
  }
}

function adopt(t: TestApp, admin: { cookies: string; token: string }, form: Record<string, string>) {
  return request(t.app)
    .post('/admin/bills/adopt')
    .set('Cookie', admin.cookies)
    .type('form')
    .send({ _csrf: admin.token, campaign: 'stop-csam', ...form });
}

describe('a reintroduced bill, on one instance (SQLite)', () => {
  let api: CongressGovStandIn;
  let dataDir: string;
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  const appLog = testLogFile();

  beforeAll(async () => {
    api = await startCongressGovStandIn({ apiKey: KEY, bills: [...STOP_CSAM_119, ...STOP_CSAM_120] });
    dataDir = await dataFolder();
    t = await startApp(dataDir, api, { LOG_LEVEL: 'debug', LOG_FILE: appLog.file });
    admin = await signIn(t);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await api.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when the refresh found the new numbers, then the admin page lists them with chamber, title, sponsor, date and Congress, and the reintroduce ask still stands', async () => {
    expect(await t.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: true });
    const page = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
    // A bill's label never breaks between its type and number (a no-break space).
    expect(page.text).toContain('Senate: the reintroduction of S.\u00a01829');
    expect(page.text).toContain('House: the reintroduction of H.R.\u00a03921');
    expect(page.text).toMatch(
      /value="120-s-41"[^]*S\.\u00a041<\/a><\/label><\/th><td>STOP CSAM Act of 2027<\/td><td>Sen\. Hawley, Josh \[R-MO\]<\/td><td>2027-01-09<\/td><td>120th<\/td><td>same short title<\/td>/,
    );
    expect(page.text).toContain('Rep. Wagner, Ann [R-MO-2]');
    expect(page.text).toContain('Adopt the chosen numbers');
    expect((await preview(t)).ask).toBe('reintroduce');
  });

  test('when the congress.gov API is down, then the refresh still succeeds, the admin page says the search failed and keeps the bills found, and no log line holds the key', async () => {
    api.down = true;
    t.clock.advance(60 * 60_000);
    expect(await t.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: true });
    const page = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
    expect(page.text).toContain(
      `The last search did not complete:</strong> search failed: 119-s-1829: ${api.url}/bill/119/s/1829?format&#x3D;json answered 503`,
    );
    expect(page.text).toContain('value="120-s-41"');
    expect(appLog.lines().some((l) => l.includes('civic_data.reintroduction_search_failed'))).toBe(true);
    expect(appLog.lines().filter((l) => l.includes(KEY) || l.includes('api_key'))).toEqual([]);
    api.down = false;
    t.clock.advance(60 * 60_000);
    await t.runtime.dataRefresh.refreshNow();
    const again = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
    expect(again.text).not.toContain('The last search did not complete');
  });

  test('when the adopt form comes without a CSRF token or without an admin session, then it is refused and nothing changes', async () => {
    await request(t.app)
      .post('/admin/bills/adopt')
      .set('Cookie', admin.cookies)
      .type('form')
      .send({ campaign: 'stop-csam', senate: '120-s-41', house: '120-hr-12' })
      .expect(403);
    const signedOut = await request(t.app)
      .post('/admin/bills/adopt')
      .set('Cookie', admin.csrfCookie)
      .type('form')
      .send({ _csrf: admin.token, campaign: 'stop-csam', senate: '120-s-41', house: '120-hr-12' })
      .expect(401);
    expect(signedOut.text).toContain('Please sign in with the admin token.');
    expect((await preview(t)).ask).toBe('reintroduce');
  });

  test('when a choice is not a stored candidate, then the page comes back with the error at that field and the other choice kept', async () => {
    const res = await adopt(t, admin, { senate: '120-s-41', house: '120-hr-999' }).expect(400);
    expect(res.text).toContain(
      '120-hr-999 is not a bill found for H.R. 3921. Choose one of the bills listed.',
    );
    expect(res.text).toMatch(/id="adopt-house-error"/);
    expect(res.text).toMatch(/value="120-s-41" id="adopt-120-s-41" checked/);
    const missing = await adopt(t, admin, {}).expect(400);
    expect(missing.text).toMatch(
      /id="adopt-senate-error" role="alert">Choose a bill to adopt in at least one chamber\./,
    );
    expect((await preview(t)).ask).toBe('reintroduce');
  });

  test('when the organiser adopts the new numbers, then the write page, a new letter, the saved letter and its CWC document use them', async () => {
    await adopt(t, admin, { senate: '120-s-41', house: '120-hr-12' }).expect(303);

    const letter = await preview(t);
    expect(letter).toMatchObject({ ask: 'support', bill: { id: '120-s-41', label: 'S. 41' } });
    expect(letter.body).toContain('support S. 41, the STOP CSAM Act of 2027');
    // The senator who introduced the new bill is thanked for it.
    const sponsor = await request(t.app)
      .post('/api/letters/preview')
      .send({ bioguide: 'H001089', sender: { ...SENDER, state: 'MO', zip: '65101', city: 'Jefferson City' } })
      .expect(200);
    expect(sponsor.body).toMatchObject({
      ask: 'thanks',
      bill: { id: '120-s-41' },
      sponsorship: { role: 'sponsor' },
    });
    const compose = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS })
      .expect(200);
    expect(compose.text).toContain('S. 41');
    expect(compose.text).not.toContain('asks for it to be reintroduced');
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).toContain('S. 41, as of 9 January 2027:');
    expect(home.text).toContain('H.R. 12, as of 6 January 2027:');

    const session = await csrfSession(t.app);
    await request(t.app)
      .post('/campaigns/stop-csam/letters')
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.token, ...SENDER, prefix: 'Ms.', address: ADDRESS, member: [DUCKWORTH] })
      .expect(303);
    const row = await t.runtime.deps.storage.db
      .selectFrom('letters')
      .selectAll()
      .where('bioguide', '=', DUCKWORTH)
      .executeTakeFirstOrThrow();
    expect(row.bill).toBe('120-s-41');

    const xml = letterDocument({
      letter: { ...row, sender_name: row.sender_name!, sender_email: row.sender_email!, body: row.body! },
      member: t.runtime.deps.civic.memberByBioguide(DUCKWORTH)!,
      campaign: t.runtime.deps.campaigns.get('stop-csam'),
      agent: {
        name: 'Dear Congress Test Vendor',
        ackEmail: 'ack@vendor.test',
        contactName: 'Pat Vendor',
        contactEmail: 'pat@vendor.test',
        contactPhone: '202-555-0100',
      },
      deliveryId: 'b'.repeat(32),
      deliveredAt: t.clock.now(),
    });
    const cited = [
      ...xml.matchAll(
        /<Bill>\s*<BillCongress>(\d+)<\/BillCongress>\s*<BillTypeAbbreviation>([^<]+)<\/BillTypeAbbreviation>\s*<BillNumber>(\d+)<\/BillNumber>/g,
      ),
    ];
    expect(cited.map((m) => `${m[1]} ${m[2]} ${m[3]}`)).toEqual(['120 S. 41', '120 H.R. 12']);
    await expectSchemaValid([{ name: 'adopted-bill-senate', xml }]);

    const page = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
    expect(page.text).toContain('Undo the Senate’s adoption');
    expect(page.text).toContain('Undo the House’s adoption');
    expect(page.text).not.toContain('Adopt the chosen numbers');
  });

  test('when the organiser undoes the adoption, then the reintroduce ask is back, and a stale adopt form is refused at its fields', async () => {
    await undo(t, admin);
    const letter = await preview(t);
    expect(letter).toMatchObject({ ask: 'reintroduce', bill: { id: '119-s-1829' } });
    // The letter saved while the adoption stood still cites its own bill.
    const row = await t.runtime.deps.storage.db
      .selectFrom('letters')
      .select(['bill'])
      .where('bioguide', '=', DUCKWORTH)
      .executeTakeFirstOrThrow();
    expect(row.bill).toBe('120-s-41');
    const page = await request(t.app).get('/admin').set('Cookie', admin.cookies).expect(200);
    expect(page.text).toContain('Adopt the chosen numbers');
    // Adopt again, then a second adopt form (opened before) arrives: its choices no longer apply.
    await adopt(t, admin, { senate: '120-s-41', house: '120-hr-12' }).expect(303);
    const stale = await adopt(t, admin, { senate: '120-s-41', house: '120-hr-12' }).expect(400);
    expect(stale.text).toContain('is not waiting for a reintroduction');
    expect((await preview(t)).bill.id).toBe('120-s-41');
  });
});

describePostgres('a reintroduced bill, two instances on one PostgreSQL', () => {
  let pg: TestPostgres;
  let api: CongressGovStandIn;
  let dataDir: string;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    pg = await createTestPostgres();
    api = await startCongressGovStandIn({ apiKey: KEY, bills: [...STOP_CSAM_119, ...STOP_CSAM_120] });
    dataDir = await dataFolder();
    // One after the other: the second finds the migrations applied. The cache time is the default's.
    a = await startApp(dataDir, api, { DATABASE_URL: pg.url, ADOPTED_BILLS_CACHE_MS: '5000' });
    b = await startApp(dataDir, api, { DATABASE_URL: pg.url, ADOPTED_BILLS_CACHE_MS: '5000' });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await api?.close();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when the organiser adopts on one instance, then the other asks about the new numbers once its cache time has passed, and undo reaches it too', async () => {
    expect(await a.runtime.dataRefresh.refreshNow()).toMatchObject({ ok: true });
    expect((await preview(b)).ask).toBe('reintroduce');
    const admin = await signIn(a);
    await adopt(a, admin, { senate: '120-s-41', house: '120-hr-12' }).expect(303);
    expect((await preview(a)).bill.id).toBe('120-s-41');

    b.clock.advance(5000);
    expect(await preview(b)).toMatchObject({ ask: 'support', bill: { id: '120-s-41', label: 'S. 41' } });

    await undo(a, admin);
    b.clock.advance(5000);
    expect(await preview(b)).toMatchObject({ ask: 'reintroduce', bill: { id: '119-s-1829' } });
  });
});
