import { stringify } from 'csv-stringify/sync';
import request from 'supertest';
import { insertLetters } from '../../src/letters/letter-store';
import { recordAction } from '../../src/tracking/actions';
import type { Express } from 'express';
import { CSV_OPTIONS } from '../../src/web/handlers/admin';
import { percentOfGoal } from '../../src/tracking/progress-page';
import { csrfSession } from '../web/security-helpers';
import { letterRow } from '../helpers/letter-row';
import { action, buildApp, openTarget, type Target, type TrackingApp } from './helpers';
import { describeEachStorage } from '../helpers/postgres';

const TOKEN = 'correct-horse-battery-staple-42';

/** POST /admin/login with the form's CSRF token, as the sign-in page sends it. */
async function postLogin(app: Express, fields: Record<string, string>): Promise<request.Response> {
  const csrf = await csrfSession(app, '/admin');
  return request(app)
    .post('/admin/login')
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ ...fields, _csrf: csrf.token });
}

function cookieFrom(res: request.Response): string {
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = set?.find((c) => c.startsWith('dc_admin='));
  if (!cookie) throw new Error('no admin cookie');
  return cookie.split(';')[0]!;
}

describeEachStorage('progress and admin routes on %s', (kind) => {
  let target: Target | null = null;
  const opened: TrackingApp[] = [];
  /** The app on this suite's database, closed after the test. */
  async function openApp(env: Record<string, string> = {}): Promise<TrackingApp> {
    const built = await buildApp(target!, env);
    opened.push(built);
    return built;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((built) => built.close()));
  });

  beforeAll(async () => {
    target = await openTarget(kind);
    if (!target) return;
    const db = target.storage.db;
    const sharing = letterRow({
      sender_key: 'sharer',
      share_with_campaign: 1,
      sender_name: 'Sharing Sam',
      sender_email: 'sam@example.org',
      sender_street: '9 Share St',
      sender_city: 'Spokane',
      body: 'I care, "deeply", about this.\nSecond line',
    });
    const private1 = letterRow({
      sender_key: 'private',
      sender_name: 'Private Pat',
      sender_email: 'pat@example.org',
      body: 'Private text',
    });
    const house = letterRow({
      sender_key: 'sharer',
      share_with_campaign: 1,
      chamber: 'house',
      bioguide: 'J000298',
      district: 7,
      body: '=HYPERLINK("x")',
    });
    await insertLetters(db, [sharing, private1, house]);
    for (const l of [sharing, private1, house]) {
      await recordAction(
        db,
        action({
          letterId: l.id,
          senderKey: l.sender_key,
          bioguide: l.bioguide,
          chamber: l.chamber,
          district: l.district,
        }),
      );
    }
    await recordAction(db, action({ letterId: sharing.id, senderKey: 'sharer', action: 'emailed' }));
  });
  afterAll(async () => {
    await target?.close();
  });

  test('when a person asks for their district, then the page shows its letters toward its goal and the closest districts', async () => {
    if (!target) return;
    const { app } = await openApp();
    const res = await request(app)
      .get('/campaigns/stop-csam/progress')
      .query({ district: 'wa-07' })
      .expect(200);
    expect(res.text).toContain('<strong>1</strong> letter from <bdi>WA-7</bdi> toward a goal of 100.');
    expect(res.text).toMatch(/<h2 id="closest-districts">Districts closest to their goal<\/h2>/);
    expect(res.text).toMatch(
      />WA-7<\/a><\/th><td class="text-right">1<\/td><td class="text-right">100<\/td>/,
    );
    const none = await request(app)
      .get('/campaigns/stop-csam/progress')
      .query({ district: 'WA-9' })
      .expect(200);
    expect(none.text).toContain('<strong>0</strong> letters from <bdi>WA-9</bdi> toward a goal of 100.');
    const spanish = await request(app)
      .get('/campaigns/stop-csam/progress')
      .query({ district: 'WA-7', lang: 'es' })
      .expect(200);
    expect(spanish.text).toContain('<strong>1</strong> carta desde <bdi>WA-7</bdi>; la meta es 100.');
  });

  test('when the district typed is not a House district, then the page says so at the field', async () => {
    if (!target) return;
    const { app } = await openApp();
    for (const typed of ['ZZ-99', 'WA-70', '<script>']) {
      const res = await request(app)
        .get('/campaigns/stop-csam/progress')
        .query({ district: typed })
        .expect(400);
      expect(res.text).toContain('id="district-error">Enter a House district like IL-13.</span>');
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).not.toContain('<script>');
    }
  });

  test('when the progress page is requested, then it shows the total towards the goal, the map, the table and member names', async () => {
    if (!target) return;
    const { app } = await openApp();
    const res = await request(app).get('/campaigns/stop-csam/progress').expect(200);
    expect(res.text).toContain('3 of 10,000 verified letters');
    expect(res.text).toMatch(
      /dc-progress__total">3<\/strong> verified letters written to members of the 119th Congress so far/,
    );
    expect(res.text).toContain('Since the campaign began: 3 verified letters.');
    expect(res.text).toMatch(/Counts as of Nov 28, 2026, 12:00\sPM \(UTC\)/);
    expect(res.text).toContain('(less than 1% of the goal)');
    expect(res.text).toContain('value="3"');
    expect(res.text).toContain('<progress');
    expect(res.text).toContain('counts once per member');
    expect(res.text).toContain('role="img"');
    expect(res.text).toContain('<title>Washington: 3 letters</title>');
    expect(res.text).toMatch(/<th scope="row">Washington<\/th><td class="text-right">3<\/td>/);
    expect(res.text).toContain('Senator Maria Cantwell');
    expect(res.text).toContain('Representative Pramila Jayapal');
    expect(res.text).not.toContain('Sharing Sam');
  });

  test('when the stats API is requested, then it answers JSON with names; an unknown campaign is 404', async () => {
    if (!target) return;
    const { app } = await openApp();
    const res = await request(app).get('/api/campaigns/stop-csam/stats').expect(200);
    expect(res.body).toMatchObject({
      campaign: 'stop-csam',
      total: 3,
      goal: 10000,
      byChamber: { senate: 2, house: 1 },
      // Only what verified letters did (issue 28): no saved, printed or web-form figures in public.
      byChannel: { verified: 3, delivered: 0, emailed: 1 },
      reportedByWriters: 0,
      byState: [{ state: 'WA', count: 3, name: 'Washington' }],
    });
    expect(Object.keys(res.body.byChannel as object)).toHaveLength(3);
    expect(res.body.topMembers[0]).toEqual({ bioguide: 'C000127', count: 2, name: 'Senator Maria Cantwell' });
    await request(app).get('/api/campaigns/nope/stats').expect(404);
    await request(app).get('/campaigns/nope/progress').expect(404);
    await request(app).get('/campaigns/..%2Fetc/progress').expect(404);
  });

  test('when ADMIN_TOKEN is not set, then /admin answers 404 saying it is disabled', async () => {
    if (!target) return;
    const { app } = await openApp();
    const res = await request(app).get('/admin').expect(404);
    expect(res.text).toContain('disabled');
    await request(app).get('/admin/export/counts.csv').expect(404);
    await request(app).get('/api/admin/stats').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });

  test('when no or a wrong token is given, then the admin answers 401; the right one opens it', async () => {
    if (!target) return;
    const { app, logs } = await openApp({ ADMIN_TOKEN: TOKEN });
    const login = await request(app).get('/admin').expect(200);
    expect(login.text).toContain('name="token"');
    expect((await postLogin(app, {})).status).toBe(401);
    expect((await postLogin(app, { token: 'wrong-token-wrong-token' })).status).toBe(401);
    await request(app).get('/admin/export/counts.csv').expect(401);
    await request(app)
      .get('/admin/export/counts.csv')
      .set('Cookie', 'dc_admin=99999999999999.forged')
      .expect(401);
    await request(app).get('/api/admin/stats').expect(401);
    await request(app).get('/api/admin/stats').set('Authorization', 'Bearer wrong-token-wrong').expect(401);

    const ok = await postLogin(app, { token: TOKEN });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin');
    const setCookie = (ok.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = cookieFrom(ok);

    const dashboard = await request(app).get('/admin').set('Cookie', cookie).expect(200);
    expect(dashboard.headers['cache-control']).toBe('no-store');
    expect(dashboard.text).toContain('Recent letters');
    expect(dashboard.text).toContain('Senator Maria Cantwell');
    expect(dashboard.text).toContain('Washington, district 7');
    expect(dashboard.text).toContain('emailed');
    // Times written for people, not as ISO strings.
    expect(dashboard.text).toMatch(/Counts as of Nov 28, 2026, 12:00\sPM \(UTC\)/);
    expect(dashboard.text).toMatch(/<td>Nov 28, 2026, 12:00\sPM<\/td>/);
    expect(dashboard.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    // Recent letters carry no personal data.
    for (const personal of [
      'Sharing Sam',
      'sam@example.org',
      '9 Share St',
      'Private Pat',
      'Private text',
      'Spokane',
    ]) {
      expect(dashboard.text).not.toContain(personal);
    }

    const api = await request(app)
      .get('/api/admin/stats')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(api.body.total).toBe(3);
    expect(api.body.byMember[0].name).toBe('Senator Maria Cantwell');

    const all = logs().join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(cookie.split('=')[1]);
  });

  test('when an admin exports, then counts.csv holds every counter and letters.csv only sharing senders, without email or street', async () => {
    if (!target) return;
    const { app } = await openApp({ ADMIN_TOKEN: TOKEN });
    const cookie = cookieFrom(await postLogin(app, { token: TOKEN }));
    const counts = await request(app).get('/admin/export/counts.csv').set('Cookie', cookie).expect(200);
    expect(counts.headers['content-type']).toMatch(/^text\/csv/);
    expect(counts.text.split('\r\n')[0]).toBe('campaign,congress,dimension,key,count');
    expect(counts.text).toContain('stop-csam,,total,all,3\r\n');
    expect(counts.text).toContain('stop-csam,119,congress,119,3\r\n');
    expect(counts.text).toContain('stop-csam,119,district,119:WA-7,1\r\n');

    const letters = await request(app)
      .get('/admin/export/letters.csv?campaign=stop-csam')
      .set('Cookie', cookie)
      .expect(200);
    expect(letters.headers['content-disposition']).toContain('attachment');
    expect(letters.text).toContain('Sharing Sam');
    expect(letters.text).toContain('Spokane');
    expect(letters.text).toContain('"I care, ""deeply"", about this.\nSecond line"');
    expect(letters.text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(letters.text).not.toContain('Private Pat');
    expect(letters.text).not.toContain('Private text');
    expect(letters.text).not.toContain('sam@example.org');
    expect(letters.text).not.toContain('9 Share St');
    expect(letters.text.trim().split('\r\n')).toHaveLength(3);
  });

  test('when login is attempted more than 10 times from one address, then it is rate-limited', async () => {
    if (!target) return;
    // A database of its own: on PostgreSQL the attempts are counted in the database, shared by instances.
    const own = await openTarget(kind);
    const built = await buildApp(own, { ADMIN_TOKEN: TOKEN });
    try {
      for (let i = 0; i < 10; i += 1) {
        expect((await postLogin(built.app, { token: `wrong-${i}-xxxxxxxxxxxx` })).status).toBe(401);
      }
      const limited = await postLogin(built.app, { token: TOKEN });
      expect(limited.status).toBe(429);
      expect(limited.text).toContain('Too many sign-in attempts');
    } finally {
      await built.close();
      await own.close();
    }
  });
});

describe('admin CSV cells', () => {
  test.each(['=1+2', '+1', '-1+1', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'when a cell from the public starts like a formula (%j), then it gets a leading quote',
    (cell) => {
      const line = stringify([[cell, 'plain']], CSV_OPTIONS);
      expect([`'${cell},plain\r\n`, `"'${cell}",plain\r\n`]).toContain(line);
    },
  );

  test('when a cell is a negative number or ordinary text, then it is written as it is', () => {
    expect(stringify([[-5, 'a, "b"', 'x=1']], CSV_OPTIONS)).toBe('-5,"a, ""b""",x=1\r\n');
  });
});

describe('percentOfGoal', () => {
  test('when the total is compared with the goal, then the share is honest at both ends', () => {
    expect(percentOfGoal(0, 10000)).toBe(0);
    expect(percentOfGoal(3, 10000)).toBe('lessThanOne');
    expect(percentOfGoal(3700, 10000)).toBe(37);
    expect(percentOfGoal(25000, 10000)).toBe(100);
  });
});
