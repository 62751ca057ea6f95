/**
 * Interface languages: every catalogue has the keys English has (and no others), and pages come back in
 * the language the browser asks for, or the one picked with `?lang=`, with `<html lang dir>` to match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CampaignDefinition } from '../../src/campaign/campaign';
import { SenderInput } from '../../src/letters/letter';
import { parseAddress } from '../../src/lookup/address';
import { fieldErrorsFromZod, ValidationError } from '../../src/platform/errors';
import { readCatalogue } from '../../src/platform/messages';
import { PROJECT_ROOT } from '../../src/platform/paths';
import { createI18n, LANGUAGES, urlsWithLanguages } from '../../src/web/i18n';
import { createTestApp, type TestApp } from '../helpers/app';
import { csrfSession } from './security-helpers';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Flattened keys, `a.b.c`, of a nested catalogue. */
function keysOf(catalogue: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    value !== null && typeof value === 'object'
      ? keysOf(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/** Keys with plural suffixes folded: languages differ in how many plural forms they need. */
function baseKeys(lng: string): Set<string> {
  return new Set(keysOf(readCatalogue(lng)).map((k) => k.replace(PLURAL, '')));
}

describe('catalogues', () => {
  const english = baseKeys('en');
  test.each(LANGUAGES.filter((l) => l.code !== 'en').map((l) => l.code))(
    'when %s is compared with English, then no key is missing and none is extra',
    (lng) => {
      const other = baseKeys(lng);
      expect([...english].filter((k) => !other.has(k))).toEqual([]);
      expect([...other].filter((k) => !english.has(k))).toEqual([]);
    },
  );

  test.each(LANGUAGES.map((l) => l.code))(
    'when %s has a plural key, then it has every plural form the language uses',
    (lng) => {
      const keys = keysOf(readCatalogue(lng));
      const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
      const plurals = new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
      for (const base of plurals) {
        expect(categories.filter((c) => !keys.includes(`${base}_${c}`))).toEqual([]);
      }
    },
  );

  test.each(LANGUAGES.map((l) => l.code))('when %s has a string, then it is not empty', (lng) => {
    const walk = (node: unknown): string[] =>
      typeof node === 'string' ? [node] : Object.values(node as object).flatMap(walk);
    expect(walk(readCatalogue(lng)).filter((s) => s.trim() === '')).toEqual([]);
  });
});

describe('campaign texts', () => {
  const CAMPAIGNS = path.resolve(__dirname, '..', '..', 'campaigns');
  const declared = fs
    .readdirSync(CAMPAIGNS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const definition = CampaignDefinition.parse(
        JSON.parse(fs.readFileSync(path.join(CAMPAIGNS, d.name, 'campaign.json'), 'utf8')),
      );
      return definition.languages.map((lng) => ({ slug: d.name, lng, definition }));
    });

  /** The keys a translation must have: every English text in campaign.json, list items by position. */
  function expectedKeys(definition: CampaignDefinition): string[] {
    const cited = (list: string, n: number) =>
      Array.from({ length: n }, (_, i) => [`${list}.${i}.text`, `${list}.${i}.source`]).flat();
    return [
      'title',
      'shortTitle',
      'summary',
      ...definition.explainer.map((_, i) => `explainer.${i}`),
      ...cited('talkingPoints', definition.talkingPoints.length),
      ...cited('criticism', definition.criticism.length),
      ...definition.sources.map((_, i) => `sources.${i}`),
      'personalNotePrompt',
      'shareText',
      ...Object.keys(definition.asks).flatMap((ask) => [`letters.${ask}.senate`, `letters.${ask}.house`]),
      ...definition.congresses.flatMap((c) => [
        `billStatus.${c.congress}.senate`,
        `billStatus.${c.congress}.house`,
      ]),
    ].sort();
  }

  test.each(declared.filter((d) => d.lng !== 'en').map((d) => [d.slug, d.lng, d.definition] as const))(
    'when campaign %s declares %s, then its content file has every text campaign.json has, and no other',
    (slug, lng, definition) => {
      const file = path.join(CAMPAIGNS, slug, 'content', `${lng}.json`);
      const keys = keysOf(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>).sort();
      const expected = expectedKeys(definition);
      expect(expected.filter((k) => !keys.includes(k))).toEqual([]);
      expect(keys.filter((k) => !expected.includes(k))).toEqual([]);
    },
  );

  test.each(declared.map((d) => [d.slug, d.lng] as const))(
    'when campaign %s declares %s, then the interface has that language',
    (_slug, lng) => {
      expect(LANGUAGES.map((l) => l.code)).toContain(lng);
    },
  );
});

describe('pages in the person’s language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  test('when the browser asks for nothing in particular, then the home page is English, left to right', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.text).toContain('<html lang="en" dir="ltr">');
    expect(res.text).toContain('Find your members of Congress');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^lang=/)]),
    );
  });

  test('when the browser asks for Spanish, then the home page is in Spanish', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'es-MX,es;q=0.9,en;q=0.5').expect(200);
    expect(res.text).toContain('<html lang="es" dir="ltr">');
    expect(res.text).toContain('Encuentre a sus legisladores en el Congreso');
    expect(res.text).toContain('Buscar a mis legisladores');
    expect(res.text).not.toContain('Find my members');
    // The campaign's own texts come in Spanish too (campaigns/stop-csam/content/es.json).
    expect(res.text).toMatch(
      /<h1>Pida al Congreso que apruebe el proyecto de ley STOP CSAM Act of 2025<\/h1>/,
    );
    expect(res.text).toContain('Qué dicen los críticos');
    expect(res.text).toContain('La Electronic Frontier Foundation sostiene');
    expect(res.text).toContain('El Comité Judicial del Senado lo aprobó por unanimidad (22 a 0)');
    expect(res.text).not.toContain('Los textos de esta campaña solo están disponibles en inglés');
  });

  test('when the browser asks for Arabic, then the home page is in Arabic, right to left', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'ar-EG,ar;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="ar" dir="rtl">');
    expect(res.text).toContain('اعثر على ممثليك في الكونغرس');
    expect(res.text).toContain('انتقل إلى المحتوى الرئيسي');
  });

  test('when a language the interface lacks is asked for, then the page is English', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'fr-FR,fr;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="en" dir="ltr">');
  });

  test('when ?lang=ar is given, then it wins over Accept-Language and is remembered in a cookie', async () => {
    const agent = request.agent(t.app);
    const res = await agent.get('/?lang=ar').set('Accept-Language', 'es').expect(200);
    expect(res.text).toContain('<html lang="ar" dir="rtl">');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lang='));
    expect(cookie).toMatch(/^lang=ar;.*HttpOnly/i);
    const next = await agent.get('/campaigns/stop-csam').set('Accept-Language', 'es').expect(200);
    expect(next.text).toContain('<html lang="ar" dir="rtl">');
  });

  test('when ?lang= names an unknown language, then it is ignored', async () => {
    const res = await request(t.app).get('/?lang=xx').set('Accept-Language', 'es').expect(200);
    expect(res.text).toContain('<html lang="es" dir="ltr">');
  });

  test('when a page is shown, then the switcher links every language, keeping the path and query', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '100 Main St, Springfield, IL 62704' })
      .expect(200);
    expect(res.text).toMatch(/<nav class="dc-languages" aria-label="Language">/);
    const html = res.text.replace(/&#x3D;/g, '=');
    for (const { code } of LANGUAGES) {
      expect(html).toContain(
        `href="/campaigns/stop-csam/members?address=100+Main+St%2C+Springfield%2C+IL+62704&amp;lang=${code}" hreflang="${code}" lang="${code}"`,
      );
    }
    expect(res.text).toMatch(/hreflang="en" lang="en" dir="ltr" aria-current="true"/);
  });

  test('when the compose page is in Spanish, then it says, in Spanish, that letters are written in English', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704', lang: 'es' })
      .expect(200);
    expect(res.text).toContain('Las cartas al Congreso se escriben en inglés');
    expect(res.text).toContain('Escriba sus cartas');
    expect(res.text).toMatch(/<textarea[^>]+name="body_[A-Z]\d{6}"[^>]+lang="en" dir="ltr"/);
    // Beside each English letter, the campaign's translation of it, marked as not sent.
    expect(res.text).toContain('Leer esta carta en español (traducción; no se envía)');
    expect(res.text).toContain('Los cambios que usted haga en el texto en inglés no se traducen aquí');
    expect(res.text).toMatch(/le escribo para pedirle que apoye el S\. 1829/);
    expect(res.text).toMatch(/le escribo para pedirle que apoye el H\.R\. 3921/);
    expect(res.text).toContain('desde Springfield, IL');
    // Beside the thank-you letter to a sponsor, the translation of that letter (not of the support letter).
    expect(res.text).toContain('quiero darle las gracias por presentar el S. 1829');
  });

  test('when page titles built by routes are asked for in turn in each language, then each keeps its own', async () => {
    const address = '100 Main St, Springfield, IL 62704';
    for (const [lang, title] of [
      ['es', 'Escriba sus cartas'],
      ['en', 'Write your letters'],
      ['es', 'Escriba sus cartas'],
    ]) {
      const res = await request(t.app).get('/campaigns/stop-csam/write').query({ address, lang }).expect(200);
      expect(res.text).toContain(`<title>${title}: `);
    }
  });

  test('when the progress page is asked for in Spanish or Arabic, then its text, title and map are translated', async () => {
    const es = await request(t.app).get('/campaigns/stop-csam/progress').query({ lang: 'es' }).expect(200);
    expect(es.text).toContain('<title>Avance: ');
    expect(es.text).toContain('Cómo se entregaron las cartas');
    expect(es.text).toMatch(/<title id="progress-map-title">Cartas por estado: /);
    expect(es.text).toContain('Sin cartas');
    expect(es.text).not.toContain('How letters were delivered');
    const ar = await request(t.app)
      .get('/campaigns/stop-csam/progress')
      .set('Accept-Language', 'ar')
      .expect(200);
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    expect(ar.text).toContain('كيف سُلّمت الرسائل');
    expect(ar.text).toContain('class="dc-progress__total"');
  });

  test('when a Spanish speaker leaves fields empty, then the errors are in Spanish at the summary and the fields', async () => {
    const csrf = await csrfSession(t.app);
    const res = await request(t.app)
      .post('/campaigns/stop-csam/review')
      .query({ lang: 'es' })
      .set('Cookie', csrf.cookie)
      .set('Accept-Language', 'es')
      .type('form')
      .send({ _csrf: csrf.token, address: '100 Main St, Springfield, IL 62704', member: 'D000622' })
      .expect(400);
    expect(res.text).toContain('<a href="#name">Escriba su nombre completo.</a>');
    expect(res.text).toContain('id="name-error">Escriba su nombre completo.</span>');
    expect(res.text).toContain(
      'id="email-error">Escriba un correo electrónico como nombre@ejemplo.com.</span>',
    );
    expect(res.text).not.toContain('Enter your full name.');
  });

  test('when an Arabic speaker types garbage as an address, then the error at the field is in Arabic', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: 'hello', lang: 'ar' })
      .expect(400);
    expect(res.text).toContain('id="address-error">');
    expect(res.text).toMatch(/id="address-error">[^<]*أدخل/);
  });

  test('when the compose page is in Arabic, then the US address fields stay left to right and the name follows its script', async () => {
    const res = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: '100 Main St, Springfield, IL 62704', lang: 'ar' })
      .expect(200);
    expect(res.text).toContain('<html lang="ar" dir="rtl">');
    for (const field of ['street', 'city', 'state', 'zip', 'email']) {
      expect(res.text).toMatch(new RegExp(`<input[^>]+id="${field}"[^>]+dir="ltr"`));
    }
    expect(res.text).toMatch(/<input[^>]+id="name"[^>]+dir="auto"/);
  });

  test('when a campaign has no Arabic texts, then the Arabic page shows them in English, marked and said plainly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-english-only-'));
    fs.cpSync(path.resolve(__dirname, '..', '..', 'campaigns', 'stop-csam'), path.join(dir, 'stop-csam'), {
      recursive: true,
    });
    const file = path.join(dir, 'stop-csam', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...definition, languages: ['en', 'es'] }));
    const englishOnly = await createTestApp({ CAMPAIGNS_DIR: dir });
    try {
      const res = await request(englishOnly.app).get('/?lang=ar').expect(200);
      expect(res.text).toContain('نصوص هذه الحملة متاحة بالإنجليزية فقط.');
      expect(res.text).toMatch(
        /<h1 lang="en" dir="ltr">Ask Congress to pass the STOP CSAM Act of 2025<\/h1>/,
      );
      const compose = await request(englishOnly.app)
        .get('/campaigns/stop-csam/write')
        .query({ address: '100 Main St, Springfield, IL 62704', lang: 'ar' })
        .expect(200);
      expect(compose.text).not.toContain('dc-translation');
      const spanish = await request(englishOnly.app).get('/?lang=es').expect(200);
      expect(spanish.text).not.toContain('solo están disponibles en inglés');
    } finally {
      await englishOnly.close();
    }
  });

  test('when an unknown page is asked for in Arabic, then the not-found page is in Arabic', async () => {
    const res = await request(t.app).get('/nope').set('Accept-Language', 'ar').expect(404);
    expect(res.text).toContain('الصفحة غير موجودة');
  });

  test('when an email is rendered, then the shared Handlebars instance still renders English', async () => {
    const hbs = t.runtime.deps.hbs;
    expect(hbs.compile('{{t "errorSummary.title"}}')({})).toBe('There is a problem');
    expect(hbs.compile('{{t "errorSummary.title"}}')({ lang: 'es' })).toBe('Hay un problema');
  });

  test('when a translation needs escaping, then pages get it escaped exactly once and plain text gets it as written', async () => {
    const hbs = t.runtime.deps.hbs;
    const stale = '{{t "layout.staleData" date="May 1"}}';
    const escaped = 'The new Congress&#x27;s member list';
    for (let render = 0; render < 2; render++) {
      expect(hbs.compile(stale)({ lang: 'en' })).toContain(escaped);
      expect(hbs.compile(`<p title="{{t "layout.skipLink"}}">${stale}</p>`)({ lang: 'en' })).toContain(
        escaped,
      );
      expect(hbs.compile(stale)({})).toContain(escaped);
      expect(hbs.compile(stale, { noEscape: true })({})).toContain("The new Congress's member list");
    }
  });
});

describe('urlsWithLanguages', () => {
  test.each([
    ['/', '/?lang=es'],
    ['/campaigns/x?a=1&lang=ar', '/campaigns/x?a=1&lang=es'],
    ['//evil.example/path', '/evil.example/path?lang=es'],
    ['/\\evil.example/path', '/evil.example/path?lang=es'],
    ['/.//evil.example/path', '/evil.example/path?lang=es'],
    ['http://evil.example/path', '/http://evil.example/path?lang=es'],
    ['///', '/?lang=es'],
    ['/x?lang=ar&a=1&lang=en&b=%20two', '/x?a=1&b=+two&lang=es'],
  ])('when the page is %s, then the Spanish link is %s and stays on this site', (from, to) => {
    expect(urlsWithLanguages(from)[1]).toBe(to);
  });
});

describe('messages from components', () => {
  const i18n = createI18n();
  const es = i18n.getFixedT('es');
  const ar = i18n.getFixedT('ar');

  /** Every `'messages.x'` / `'errors.x'` literal in src/. */
  function keysInSource(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return keysInSource(file);
      const text = fs.readFileSync(file, 'utf8');
      return [...text.matchAll(/'((?:messages|errors)\.[A-Za-z]+)'/g)].map((m) => m[1]!);
    });
  }

  test('when the code names a message key, then every language has it', () => {
    const keys = [...new Set(keysInSource(path.join(PROJECT_ROOT, 'src')))];
    expect(keys.length).toBeGreaterThan(40);
    for (const { code } of LANGUAGES) {
      expect(keys.filter((key) => !i18n.exists(key, { lng: code }))).toEqual([]);
    }
  });

  test('when a sender field is wrong, then its message is a key with its limit, in every language', () => {
    const parsed = SenderInput.safeParse({
      name: '',
      email: 'x',
      street: 'a'.repeat(201),
      city: 'C',
      state: 'ZZ',
      zip: '1',
    });
    expect(parsed.success).toBe(false);
    const fields = fieldErrorsFromZod(parsed.error!, 'sender');
    expect(fields['sender.name']).toEqual({ key: 'messages.enterName', values: { min: 1 } });
    expect(fields['sender.street']).toEqual({ key: 'messages.streetTooLong', values: { max: 200 } });
    expect(es(fields['sender.name']!.key)).toBe('Escriba su nombre completo.');
    expect(es(fields['sender.street']!.key, { ...fields['sender.street']!.values })).toBe(
      'Su dirección (calle y número) debe tener 200 caracteres o menos.',
    );
  });

  test('when an address is refused, then the error carries its key and values, and English for the API', () => {
    let caught: unknown;
    try {
      parseAddress(`${'1 Main St '.repeat(60)}62704`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.userMessage).toEqual({
      key: 'messages.addressTooLong',
      values: { max: 500, example: '123 Main St, Springfield, IL 62704' },
    });
    expect(error.fields).toEqual({ address: error.userMessage });
    expect(error.message).toBe(
      'That address is too long (more than 500 characters). Enter your street address, city, state and ZIP code, for example "123 Main St, Springfield, IL 62704".',
    );
    expect(ar(error.messageKey, error.values)).toBe(
      'هذا العنوان طويل جدًا (أكثر من 500 حرف). أدخل عنوان الشارع والمدينة والولاية والرمز البريدي، مثلًا "123 Main St, Springfield, IL 62704".',
    );
  });

  test('when a note lists districts, then the list is written the language’s way', () => {
    const note = {
      key: 'messages.splitZipLikely',
      values: { zip: '20001', count: 2, districts: ['DC-AL', 'MD-4'] },
    };
    expect(es(note.key, note.values)).toBe(
      'El código postal 20001 está repartido entre 2 distritos del Congreso (DC-AL y MD-4). Elija el suyo; el primero es el más probable.',
    );
  });
});
