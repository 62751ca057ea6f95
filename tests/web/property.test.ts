/**
 * Property-based tests (fast-check): the address parser, the letter schemas and letter composition
 * fail only with ValidationError, whatever they are given; and no route answers 500 to about a thousand
 * generated requests (random paths, query strings and form bodies, with and without a CSRF token).
 */
import http, { type Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { composeLetter, LetterBody, PersonalNote, SenderInput } from '../../src/letters/letter';
import { parseAddress } from '../../src/lookup/address';
import { NotFoundError, ValidationError } from '../../src/platform/errors';
import { createTestApp, fromManyClients, type TestApp } from '../helpers/app';
import { csrfSession } from './security-helpers';

let t: TestApp;
let server: Server;
let csrf: { cookie: string; token: string };
beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: 'loopback' });
  // Each generated request from a client of its own: the rate limits would answer most of them with 429.
  server = http.createServer(fromManyClients(t.app)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  csrf = await csrfSession(t.app);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** Text that likes the awkward cases: markup, template syntax, controls, RTL, astral characters. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom(
    '',
    ' ',
    '\u202E',
    '{{sender.name}}',
    '<script>x</script>',
    '\0',
    '62704',
    'IL',
    'Springfield IL 62704',
    '100 Main St, Springfield, IL 62704-1234',
    'x'.repeat(600),
  ),
  fc
    .array(
      fc.constantFrom(
        '100',
        'Main',
        'St',
        ',',
        'Springfield',
        'IL',
        'il',
        '62704',
        '62704-1234',
        'PO Box',
        'DC',
        '#',
        '  ',
        '\n',
        'Apt 4',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(' ')),
);

function onlyValidationErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
}

describe('pure functions fail only with ValidationError', () => {
  test('parseAddress', () => {
    fc.assert(
      fc.property(nastyText, (text) => onlyValidationErrors(() => parseAddress(text))),
      { seed: 26, numRuns: 2000 },
    );
  });

  test('the Zod schemas never throw from safeParse, and composing a valid letter never throws', () => {
    const campaign = t.runtime.deps.campaigns.get('stop-csam');
    const members = t.runtime.deps.civic.members;
    const sender = fc.record({
      name: nastyText,
      email: fc.oneof(fc.emailAddress(), nastyText),
      street: nastyText,
      city: nastyText,
      state: fc.oneof(fc.constantFrom('IL', 'CA', 'DC', 'il'), nastyText),
      zip: fc.oneof(fc.constantFrom('62704', '62704-1234'), nastyText),
    });
    fc.assert(
      fc.property(sender, nastyText, nastyText, fc.nat(members.length - 1), (raw, note, body, index) => {
        const s = SenderInput.safeParse(raw);
        const n = PersonalNote.safeParse(note);
        const b = LetterBody.safeParse(body);
        if (s.success && n.success) {
          const member = members[index]!;
          const ask = t.runtime.deps.asks.forMember(campaign, member);
          const letter = composeLetter(t.runtime.deps.hbs, campaign, member, s.data, ask, {
            personalNote: n.data,
            body: b.success ? b.data : undefined,
          });
          expect(typeof letter.body).toBe('string');
        }
        // Unknown shapes, too.
        SenderInput.safeParse(note);
        SenderInput.safeParse({ ...raw, extra: [body] });
      }),
      { seed: 26, numRuns: 1000 },
    );
  });

  test('validateDraft (the letter service entry point) throws only ValidationError (NotFoundError for an unknown campaign)', async () => {
    const members = t.runtime.deps.civic.members.map((m) => m.bioguide);
    const input = fc.record({
      campaign: fc.oneof(fc.constant('stop-csam'), nastyText),
      sender: fc.record({
        name: nastyText,
        email: nastyText,
        street: nastyText,
        city: nastyText,
        state: nastyText,
        zip: nastyText,
      }),
      personalNote: nastyText,
      address: fc.option(nastyText, { nil: undefined }),
      district: fc.option(fc.oneof(fc.constantFrom('IL-13', 'NY-12', 'AK-AL', 'NY-99'), nastyText), {
        nil: undefined,
      }),
      letters: fc.array(
        fc.record({
          bioguide: fc.oneof(fc.constantFrom(...members.slice(0, 20)), nastyText),
          body: fc.option(nastyText, { nil: undefined }),
        }),
        { maxLength: 4 },
      ),
      shareWithCampaign: fc.boolean(),
      ref: fc.option(nastyText, { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(input, async (draft) => {
        try {
          await t.runtime.deps.letters.validateDraft(draft as never);
        } catch (error) {
          if (error instanceof NotFoundError && draft.campaign !== 'stop-csam') return;
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      { seed: 26, numRuns: 1000 },
    );
  });
});

describe('no route answers 500', () => {
  const segment = fc.oneof(
    fc.constantFrom(
      'campaigns',
      'stop-csam',
      'nope',
      'members',
      'write',
      'review',
      'compose',
      'letters',
      'batch',
      'email',
      'delete',
      'print',
      'webform',
      'api',
      'representatives',
      'preview',
      'stats',
      'progress',
      'admin',
      'login',
      'static',
      'css',
      'app.css',
      'healthz',
      'readyz',
      'x.pdf',
      '..',
      '%2e%2e',
      '%00',
      '%',
      '%E0%A4%A',
      'confirm',
    ),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  const pathArb = fc.array(segment, { minLength: 0, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
  const key = fc.oneof(
    fc.constantFrom(
      'address',
      'zip',
      'district',
      'lat',
      'lon',
      'ref',
      'office',
      'notice',
      'campaign',
      'member',
      'name',
      'email',
      'state',
      'personalNote',
      'body_X000001',
      'website',
      'startedAt',
      '__proto__',
      'constructor',
    ),
    fc.string({ maxLength: 10 }),
  );
  const value = fc.oneof(
    nastyText,
    fc.double().map(String),
    fc.constantFrom('1e400', '-0', 'NaN', '62704', 'IL-13', 'yes'),
  );
  const fields = fc.dictionary(key, fc.oneof(value, fc.array(value, { maxLength: 3 })), { maxKeys: 8 });
  const requestArb = fc.record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'HEAD'),
    path: pathArb,
    query: fields,
    body: fields,
    withToken: fc.boolean(),
    json: fc.boolean(),
  });

  // A fixed seed and a fixed number of runs, no time limit: every run checks the same requests, and a slow
  // machine makes the test slower, never shorter.
  test('a thousand generated requests', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        let call =
          r.method === 'POST'
            ? request(server).post(r.path)
            : r.method === 'HEAD'
              ? request(server).head(r.path)
              : request(server).get(r.path);
        call = call.query(r.query as Record<string, string>);
        if (r.withToken) call = call.set('Cookie', csrf.cookie).set('x-csrf-token', csrf.token);
        if (r.method === 'POST') {
          const body = r.withToken ? { ...r.body, _csrf: csrf.token } : r.body;
          call = r.json ? call.send(body) : call.type('form').send(body as Record<string, string>);
        }
        const res = await call.ok(() => true);
        if (res.status >= 500 && res.status !== 503) {
          throw new Error(`${r.method} ${r.path} answered ${res.status}: ${res.text?.slice(0, 300)}`);
        }
      }),
      { seed: 26, numRuns: 1000 },
    );
  }, 300_000);

  test('every campaign page with generated lookups and letter forms', async () => {
    const form = fc.record({
      address: nastyText,
      district: fc.oneof(fc.constantFrom('IL-13', 'DC-0', 'AK-0', 'XX-99'), nastyText),
      name: nastyText,
      email: nastyText,
      street: nastyText,
      city: nastyText,
      state: nastyText,
      zip: nastyText,
      member: fc.array(fc.constantFrom('D000563', 'X000000', ''), { maxLength: 3 }),
      body_D000563: nastyText,
      personalNote: nastyText,
    });
    await fc.assert(
      fc.asyncProperty(
        form,
        fc.constantFrom('members', 'write', 'review', 'compose', 'letters'),
        async (f, step) => {
          const res =
            step === 'members' || step === 'write'
              ? await request(server)
                  .get(`/campaigns/stop-csam/${step}`)
                  .query({ address: f.address, district: f.district })
                  .ok(() => true)
              : await request(server)
                  .post(`/campaigns/stop-csam/${step}`)
                  .set('Cookie', csrf.cookie)
                  .type('form')
                  .send({ ...f, _csrf: csrf.token })
                  .ok(() => true);
          if (res.status >= 500) throw new Error(`${step} answered ${res.status}: ${res.text.slice(0, 300)}`);
        },
      ),
      { seed: 26, numRuns: 300 },
    );
  }, 300_000);
});
