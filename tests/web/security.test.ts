/**
 * Security of the web layer: headers, hashed static assets, CSRF, body limits, the letter form's bot
 * guard, rate limits (and their database store), escaping, and a database outage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { openStorage } from '../../src/storage/database';
import { KyselyRateLimitStore, clientKey } from '../../src/web/rate-limits';
import { signStartedAt } from '../../src/web/csrf';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { readPdf } from '../delivery/helpers/pdf-text';
import { csrfSession } from './security-helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const sender = SENDER;

let t: TestApp;
let csrf: Awaited<ReturnType<typeof csrfSession>>;
beforeAll(async () => {
  t = await createTestApp();
  csrf = await csrfSession(t.app);
});
afterAll(() => t.close());

async function membersFor(app = t.app): Promise<string[]> {
  const compose = await request(app)
    .get('/campaigns/stop-csam/write')
    .query({ address: ADDRESS })
    .expect(200);
  return [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
}

describe('security headers', () => {
  test('when a page is served over http, then CSP forbids inline code and framing, and there is no HSTS', async () => {
    const res = await request(t.app).get('/').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  test('when the JSON API or a probe answers, then it gets the headers for a response no browser renders', async () => {
    for (const path of ['/api/representatives?zip=62704', '/api/campaigns/stop-csam/stats', '/healthz']) {
      const res = await request(t.app).get(path).expect(200);
      expect({ path, csp: res.headers['content-security-policy'] }).toEqual({
        path,
        csp: "default-src 'none';frame-ancestors 'none'",
      });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      // Document-only headers are left to pages.
      expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
      expect(res.headers['x-dns-prefetch-control']).toBeUndefined();
    }
    const page = await request(t.app).get('/').expect(200);
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  test('when PUBLIC_URL is https, then HSTS is sent and the CSRF cookie is __Host- and Secure', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://letters.example.org' });
    try {
      const res = await request(https.app).get('/').expect(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      const api = await request(https.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
      expect(api.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
      expect(cookie).toMatch(/__Host-dc\.csrf=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict/);
    } finally {
      await https.close();
    }
  });

  test('when templates are checked, then no page has inline <script> or style="" (the CSP would block them)', () => {
    const files = fs
      .globSync('templates/**/*.hbs', { cwd: ROOT })
      .filter((f) => !f.includes(`${path.sep}email${path.sep}`));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, inlineScript: /<script(?![^>]*\bsrc=)[^>]*>/i.test(text) }).toEqual({
        file,
        inlineScript: false,
      });
      expect({ file, style: /\sstyle=|<style/i.test(text) }).toEqual({ file, style: false });
      expect({ file, handlers: /\son[a-z]+=/i.test(text) }).toEqual({ file, handlers: false });
    }
  });
});

describe('static assets', () => {
  test('when the layout links CSS and JS, then the URLs carry a content hash served with an immutable cache', async () => {
    const page = await request(t.app).get('/').expect(200);
    const css = /href="(\/static\/css\/app\.css\?v=([\w-]+))"/.exec(page.text);
    expect(css).not.toBeNull();
    expect(page.text).toMatch(/src="\/static\/js\/app\.js\?v=[\w-]+"/);
    expect(page.text).toMatch(/href="\/static\/uswds\/css\/uswds\.min\.css\?v=[\w-]+"/);
    const hashed = await request(t.app).get(css![1]!).expect(200);
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const stale = await request(t.app).get('/static/css/app.css?v=old').expect(200);
    expect(stale.headers['cache-control']).toBe('public, max-age=3600');
    const bare = await request(t.app).get('/static/css/app.css').expect(200);
    expect(bare.headers['cache-control']).not.toContain('immutable');
  });
});

describe('CSRF', () => {
  test('when every page with a POST form is shown, then each form carries the token', async () => {
    const compose = await csrf.agent
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS })
      .expect(200);
    const forms = compose.text.match(
      /<form[^>]*method="post"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)">/g,
    );
    expect(forms).toHaveLength(1);
    expect(compose.text).toContain(`name="_csrf" value="${csrf.token}"`);
  });

  test('when the admin sign-in page is shown, then its form has a token and sign-in needs it', async () => {
    const admin = await createTestApp({ ADMIN_TOKEN: 'a-very-secret-admin-token' });
    try {
      const page = await request(admin.app).get('/admin').expect(200);
      expect(page.text).toMatch(/name="_csrf" value="[0-9a-f]+\.[0-9a-f]+"/);
      await request(admin.app)
        .post('/admin/login')
        .type('form')
        .send({ token: 'a-very-secret-admin-token' })
        .expect(403);
      const s = await csrfSession(admin.app, '/admin');
      await s.agent
        .post('/admin/login')
        .type('form')
        .send({ token: 'a-very-secret-admin-token', _csrf: s.token })
        .expect(303);
    } finally {
      await admin.close();
    }
  });

  test('when a letter is posted without a valid token, then 403 keeps the typed letter, escaped, with a fresh form', async () => {
    const members = await membersFor();
    const body = 'My <script>alert(1)</script> letter & "quotes" {{sender.name}} stay.';
    const res = await request(t.app)
      .post('/campaigns/stop-csam/letters')
      .type('form')
      .send({
        ...sender,
        address: ADDRESS,
        member: members,
        [`body_${members[0]}`]: body,
        _csrf: 'forged.token',
      })
      .expect(403);
    expect(res.text).toContain('nothing was saved');
    expect(res.text).toContain(
      'My &lt;script&gt;alert(1)&lt;/script&gt; letter &amp; &quot;quotes&quot; {{sender.name}} stay.',
    );
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('action="/campaigns/stop-csam/letters"');
    expect(res.text).toContain(`name="name" value="Ana Núñez"`);
    expect(res.text).toMatch(/name="_csrf" value="[0-9a-f]+\.[0-9a-f]+"/);
    expect(res.text).not.toContain('forged.token');
  });

  test('when the token from another cookie, or no cookie, is sent, then it is refused; the right pair passes', async () => {
    const other = await csrfSession(t.app);
    const members = await membersFor();
    const form = { ...sender, address: ADDRESS, member: members };
    await csrf.agent
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ ...form, _csrf: other.token })
      .expect(403);
    await request(t.app)
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ ...form, _csrf: csrf.token })
      .expect(403);
    await csrf.agent
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ ...form, _csrf: csrf.token })
      .expect(200);
  });

  test('when a form is posted to a path starting with //, then no route takes it and no form posts elsewhere', async () => {
    const res = await request(t.app)
      .post('//evil.example/campaigns/x/letters')
      .type('form')
      .send({ personalNote: 'hi' })
      .expect(404);
    expect(res.text).not.toContain('action="//');
  });

  test('when JSON is posted to the letters form without a token, then the answer is JSON 403', async () => {
    const res = await request(t.app)
      .post('/letters/batch/x/email')
      .set('Accept', 'application/json')
      .send({})
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  test('when the preview API is called without cookies, then it is exempt; with a bad x-csrf-token it is 403, a good one passes', async () => {
    const lookup = await request(t.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    const payload = { bioguide: lookup.body.members[0].bioguide, sender };
    await request(t.app).post('/api/letters/preview').send(payload).expect(200);
    const bad = await request(t.app)
      .post('/api/letters/preview')
      .set('x-csrf-token', 'nope')
      .send(payload)
      .expect(403);
    expect(bad.body.error.code).toBe('forbidden');
    await csrf.agent.post('/api/letters/preview').set('x-csrf-token', csrf.token).send(payload).expect(200);
  });

  test('when a JSON API GET is made, then no CSRF cookie is set', async () => {
    const res = await request(t.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('input limits', () => {
  test('when a form body is larger than 256 kB or a JSON body larger than 64 kB, then 413 says it is too large (page and JSON)', async () => {
    const page = await request(t.app)
      .post('/campaigns/stop-csam/review')
      .type('form')
      .send({ personalNote: 'x'.repeat(270_000) })
      .expect(413);
    expect(page.text).toContain('too large');
    const json = await request(t.app)
      .post('/api/letters/preview')
      .send({ body: 'x'.repeat(70_000) })
      .expect(413);
    expect(json.body.error).toMatchObject({ code: 'too_large' });
  });
});

describe('bot guard on the letter form', () => {
  test('when the compose page is shown, then it has a hidden honeypot and a signed start time', async () => {
    const compose = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS })
      .expect(200);
    expect(compose.text).toMatch(
      /<div class="usa-sr-only" aria-hidden="true">\s*<label>[^<]*<input type="text" name="website" value="" tabindex="-1" autocomplete="off">/,
    );
    expect(compose.text).toMatch(/name="startedAt" value="\d+\.[0-9a-f]{32}"/);
  });

  test('when the honeypot is filled, then review and save answer 400 and keep the letter', async () => {
    const members = await membersFor();
    for (const step of ['review', 'letters']) {
      const res = await csrf.agent
        .post(`/campaigns/stop-csam/${step}`)
        .type('form')
        .send({
          ...sender,
          address: ADDRESS,
          member: members,
          personalNote: 'Kept note',
          website: 'http://spam.example',
          _csrf: csrf.token,
        })
        .expect(400);
      expect(res.text).toContain('Kept note');
      expect(res.text).toContain('quicker than we expected');
    }
  });

  test('when MIN_FORM_FILL_MS is set, then a form sent too soon (or unsigned) is refused and one sent later is accepted', async () => {
    const slow = await createTestApp({ MIN_FORM_FILL_MS: '5000' });
    try {
      const s = await csrfSession(slow.app);
      const compose = await s.agent.get('/campaigns/stop-csam/write').query({ address: ADDRESS }).expect(200);
      const startedAt = /name="startedAt" value="([^"]+)"/.exec(compose.text)![1]!;
      const members = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
      const form = { ...sender, address: ADDRESS, member: members, _csrf: s.token };
      const early = await s.agent
        .post('/campaigns/stop-csam/review')
        .type('form')
        .send({ ...form, startedAt })
        .expect(400);
      expect(early.text).toContain('quicker than we expected');
      await s.agent.post('/campaigns/stop-csam/review').type('form').send(form).expect(400);
      const forged = `${slow.clock.now().getTime() - 60_000}.${'0'.repeat(32)}`;
      await s.agent
        .post('/campaigns/stop-csam/review')
        .type('form')
        .send({ ...form, startedAt: forged })
        .expect(400);
      slow.clock.advance(6000);
      const review = await s.agent
        .post('/campaigns/stop-csam/review')
        .type('form')
        .send({ ...form, startedAt })
        .expect(200);
      // The original start time travels on through the review page to the save.
      expect(review.text).toContain(`name="startedAt" value="${startedAt}"`);
      expect(review.text.match(/name="startedAt"/g)).toHaveLength(2);
      await s.agent
        .post('/campaigns/stop-csam/letters')
        .type('form')
        .send({ ...form, startedAt })
        .expect(303);
      expect(signStartedAt('x', 1, 'visitor')).toMatch(/^1\.[0-9a-f]{32}$/);
    } finally {
      await slow.close();
    }
  });
});

describe('rate limits', () => {
  test('when one address looks up more than 60 times a minute, then it gets a friendly 429 (JSON and page)', async () => {
    const limited = await createTestApp();
    try {
      for (let i = 0; i < 60; i += 1)
        await request(limited.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
      const json = await request(limited.app).get('/api/representatives').query({ zip: '62704' }).expect(429);
      expect(json.body.error).toMatchObject({ code: 'rate_limited' });
      // Seconds until the window ends, from the limiter.
      expect(Number(json.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(json.headers['retry-after'])).toBeLessThanOrEqual(60);
      const page = await request(limited.app)
        .get('/campaigns/stop-csam/members')
        .query({ address: ADDRESS })
        .expect(429);
      expect(page.text).toContain('Please wait a minute');
      // Other kinds of request keep their own budget.
      await request(limited.app).get('/').expect(200);
    } finally {
      await limited.close();
    }
  });

  test('when confirmation emails are asked for more than 5 times an hour, then the sixth is refused', async () => {
    const limited = await createTestApp();
    try {
      const s = await csrfSession(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (await s.agent.post('/letters/batch/no-such-batch/email').type('form').send({ _csrf: s.token }))
            .status,
        );
      }
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      expect(statuses[5]).toBe(429);
    } finally {
      await limited.close();
    }
  });

  test('when the database store counts hits, then it increments atomically, keys by an HMAC and restarts expired windows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-rl-'));
    const storage = await openStorage({ kind: 'sqlite', path: path.join(dir, 'rl.sqlite') });
    // The store reads the system clock, which this file's apps set (tests/helpers/clock SystemTime).
    const clock = t.clock;
    const store = new KyselyRateLimitStore(storage.db, 'test');
    store.init({ windowMs: 60_000 } as never);
    try {
      const key = clientKey('secret-secret-secret-secret-secret', '203.0.113.9');
      expect(key).not.toContain('203.0.113');
      const results = await Promise.all(Array.from({ length: 10 }, () => store.increment(key)));
      expect(results.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await store.get(key))?.totalHits).toBe(10);
      await store.decrement(key);
      expect((await store.get(key))?.totalHits).toBe(9);
      clock.advance(61_000);
      expect(await store.get(key)).toBeUndefined();
      const fresh = await store.increment(key);
      expect(fresh).toEqual({ totalHits: 1, resetTime: new Date(clock.now().getTime() + 60_000) });
      await store.resetKey(key);
      expect(await store.get(key)).toBeUndefined();
      const rows = await storage.db.selectFrom('rate_limits').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain('203.0.113');
    } finally {
      await storage.close();
    }
  });
});

describe('escaping what people type', () => {
  const nasty = [
    '<script>alert("x")</script> & <b>bold</b> &amp; &lt;',
    'Dear {{sender.name}}, {{{campaign.title}}} {{#each x}}loop{{/each}}',
    'Right-to-left \u202Egnp.exe\u202C override and \u200F marks',
    `${'W'.repeat(3000)} very long word`,
  ].join('\n\n');

  test('when a letter with markup, template syntax, RTL overrides and a huge word is reviewed, printed and made a PDF, then it is shown literally', async () => {
    const members = await membersFor();
    const form = {
      ...sender,
      address: ADDRESS,
      member: [members[0]!],
      [`body_${members[0]}`]: nasty,
      personalNote: '<i>note</i> {{sender.email}}',
      _csrf: csrf.token,
    };
    const review = await csrf.agent.post('/campaigns/stop-csam/review').type('form').send(form).expect(200);
    for (const html of [review.text]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).toContain(
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &amp;amp; &amp;lt;',
      );
      expect(html).toContain('{{sender.name}}');
      expect(html).toContain('{{{campaign.title}}}');
      expect(html).toContain('{{#each x}}loop{{/each}}');
      expect(html).toContain('&lt;i&gt;note&lt;/i&gt; {{sender.email}}');
      expect(html).not.toContain('Dear Ana Núñez, ');
      expect(html).toContain('W'.repeat(3000));
    }
    const saved = await csrf.agent.post('/campaigns/stop-csam/letters').type('form').send(form).expect(303);
    const batch = await request(t.app)
      .get(saved.headers.location as string)
      .expect(200);
    expect(batch.text).not.toContain('<script>alert');
    expect(batch.text).toContain('{{sender.name}}');
    const id = /href="\/letters\/([\w-]{22})\/print"/.exec(batch.text)![1]!;
    const print = await request(t.app).get(`/letters/${id}/print`).expect(200);
    expect(print.text).not.toContain('<script>alert');
    expect(print.text).toContain('&lt;script&gt;');
    expect(print.text).toContain('{{sender.name}}');
    expect(print.text).toContain('\u202Egnp.exe');
    const pdf = await request(t.app)
      .get(`/letters/${id}.pdf`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const text = (await readPdf(pdf.body as Buffer)).text.replace(/\s+/g, ' ');
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).toContain('{{sender.name}}');
    expect(text).toContain('{{#each x}}loop{{/each}}');
  });
});

describe('database outage', () => {
  test('when the database is closed, then pages that need it answer 503 kindly while the lookup keeps working', async () => {
    const down = await createTestApp();
    const s = await csrfSession(down.app);
    const members = await membersFor(down.app);
    await down.close();
    await request(down.app).get('/api/representatives').query({ zip: '62704' }).expect(200);
    await request(down.app).get('/campaigns/stop-csam/members').query({ address: ADDRESS }).expect(200);
    const save = await s.agent
      .post('/campaigns/stop-csam/letters')
      .type('form')
      .send({ ...sender, address: ADDRESS, member: members, _csrf: s.token })
      .expect(503);
    expect(save.text).toContain('briefly unavailable');
    const json = await request(down.app)
      .get('/api/campaigns/stop-csam/stats')
      .expect((r) => expect([200, 503]).toContain(r.status));
    if (json.status === 503) expect(json.body.error.code).toBe('unavailable');
    await request(down.app).get('/letters/batch/some-batch-id-000000000').expect(503);
  });
});
