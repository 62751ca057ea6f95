/**
 * Right-to-left by construction: every Arabic string (the interface catalogue and each campaign's
 * content) is filled in with sample values the way pages fill it in, then laid out with the Unicode
 * Bidirectional Algorithm (bidi-js), and addresses, ZIP codes, phone numbers, districts and bill numbers
 * must display in their own order (a Latin run reads left to right as a unit inside the Arabic).
 */
import fs from 'node:fs';
import path from 'node:path';
import bidiFactory from 'bidi-js';
import { createAskResolver } from '../../src/campaign/asks';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import type { Member } from '../../src/civic-data/types';
import { renderLetterTranslation } from '../../src/letters/letter';
import { createHandlebars } from '../../src/platform/handlebars';
import { EXAMPLES, withoutIsolatesInTags } from '../../src/platform/i18n-format';
import { readCatalogue } from '../../src/platform/messages';
import { translatorIn } from '../../src/platform/messages';
import { createI18n, registerI18nHelpers } from '../../src/web/i18n';
import { ManualClock } from '../helpers/clock';

const bidi = bidiFactory();

/** What a reader sees, left to right: the text after the bidi algorithm, markup and isolates dropped. */
function displayed(text: string): string {
  const plain = text.replace(/<[^<>]*>/g, '');
  const levels = bidi.getEmbeddingLevels(plain, 'rtl');
  return bidi.getReorderedString(plain, levels).replace(/[\u2066-\u2069\u200e\u200f]/g, '');
}

/** Sample values by placeholder name: the Latin-script and numeric values pages interpolate. */
const ADDRESS = '123 Main St, Springfield, IL 62704';
const SAMPLES: Record<string, unknown> = {
  address: ADDRESS,
  example: ADDRESS,
  place: ADDRESS,
  zip: '62704-1234',
  district: 'IL-13',
  districts: ['IL-13', 'IL-18'],
  choices: ['IL-13', 'IL-18'],
  seats: ['IL-13', 'IL-18'],
  states: ['IL', 'IN'],
  zipStates: 'Illinois',
  state: 'Illinois',
  written: 'Indiana',
  bill: 'S. 1829',
  bills: 'S. 1829, H.R. 3921',
  senate: 'S. 1829',
  house: 'H.R. 3921',
  senateUrl: 'https://www.congress.gov/bill/119th-congress/senate-bill/1829',
  houseUrl: 'https://www.congress.gov/bill/119th-congress/house-bill/3921',
  name: 'Jane Q. Doe',
  addressee: 'Sen. Jane Q. Doe',
  party: 'D',
  campaign: 'STOP CSAM Act',
  id: 'CWC-2026-0042',
  reason: 'HTTP 503',
  time: 'Dec 7, 2026, 4:32 PM',
  count: 10000,
  formatted: 10000,
  max: 10000,
};
/** Values that must keep their order wherever they are shown (lists: each item). */
const MUST_KEEP = new Set([
  ADDRESS,
  '62704-1234',
  'IL-13',
  'IL-18',
  'S. 1829',
  'H.R. 3921',
  'Jane Q. Doe',
  'CWC-2026-0042',
  '10,000',
  ...Object.values(EXAMPLES),
]);

const sampleFor = (name: string) => SAMPLES[name] ?? (/url$/i.test(name) ? 'https://example.org/a' : 'x1 y2');
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]!).filter((n) => !n.includes('.'));

function strings(node: unknown, prefix = ''): Array<[string, string]> {
  if (typeof node === 'string') return [[prefix, node]];
  return Object.entries(node as object).flatMap(([k, v]) => strings(v, prefix ? `${prefix}.${k}` : k));
}

/** The values from MUST_KEEP the text shows, each checked in the displayed text. */
function misordered(text: string): string[] {
  const shown = displayed(text);
  const logical = text.replace(/[\u2066-\u2069\u200e\u200f]/g, '');
  return [...MUST_KEEP].filter((v) => logical.includes(v) && !shown.includes(v));
}

const i18n = createI18n();
const arabic = translatorIn(i18n, 'ar', false);
const arabicMarkup = translatorIn(i18n, 'ar', true);

describe('the Arabic interface catalogue', () => {
  const keys = strings(readCatalogue('ar')).map(
    ([key, value]) => [key.replace(/_(zero|one|two|few|many|other)$/, ''), key, value] as const,
  );

  test.each(keys)(
    'when %s (%s) is shown with sample values, then they keep their order',
    (base, key, raw) => {
      const values: Record<string, unknown> = Object.fromEntries(
        placeholders(raw).map((n) => [n, sampleFor(n)]),
      );
      const count = /_(zero|one|two|few|many|other)$/.exec(key)?.[1];
      // Each plural form is shown with a count of its own category.
      const counts: Record<string, number> = { zero: 0, one: 1, two: 2, few: 3, many: 11, other: 10000 };
      if (count) values.count = counts[count];
      // Markup: only the text between tags is displayed (a value inside an href is never shown).
      const text = base.endsWith('Html')
        ? withoutIsolatesInTags(String(arabicMarkup(base, values))).replace(/<[^>]*>/g, '')
        : String(arabic(base, values));
      expect(misordered(text)).toEqual([]);
    },
  );

  test('when an address is interpolated without the isolates, then the check sees it break (control)', () => {
    const unisolated = String(
      i18n.getFixedT('ar')('messages.addressHelp', {
        example: ADDRESS,
        interpolation: { escapeValue: false },
      }),
    );
    expect(misordered(unisolated)).toEqual([ADDRESS]);
    expect(displayed(unisolated)).toContain('Main St, Springfield, IL 62704 123');
    expect(displayed('أدخل رمزًا بريديًا من 5 أرقام، مثل 62704 أو 62704-1234.')).toContain('1234-62704');
  });

  test('when a markup key holds a link, then its href carries no isolates, and the link text does', () => {
    const hbs = createHandlebars();
    registerI18nHelpers(hbs, i18n);
    const html = hbs.compile('{{t "campaign.home.billsHtml" senate=s senateUrl=su house=h houseUrl=hu}}')({
      lang: 'ar',
      s: 'S. 1829',
      su: SAMPLES.senateUrl,
      h: 'H.R. 3921',
      hu: SAMPLES.houseUrl,
    });
    expect(html).toContain(`<a href="${String(SAMPLES.senateUrl)}">\u2068S. 1829\u2069</a>`);
    expect(html).toContain(`<a href="${String(SAMPLES.houseUrl)}">\u2068H.R. 3921\u2069</a>`);
  });

  test('when an English page is rendered, then nothing is isolated', () => {
    const text = String(translatorIn(i18n, 'en', false)('messages.addressHelp', { example: ADDRESS }));
    expect(text).toBe(`Enter your street address, city, state and ZIP code, for example "${ADDRESS}".`);
  });
});

describe('the Arabic campaign texts', () => {
  const CAMPAIGNS = path.resolve(__dirname, '..', '..', 'campaigns');
  const slugs = fs
    .readdirSync(CAMPAIGNS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(CAMPAIGNS, d.name, 'content', 'ar.json')))
    .map((d) => d.name);
  const campaigns = loadCampaigns(CAMPAIGNS, slugs[0]!);

  test.each(slugs)('when campaign %s is shown in Arabic, then its bill numbers keep their order', (slug) => {
    const content = JSON.parse(
      fs.readFileSync(path.join(CAMPAIGNS, slug, 'content', 'ar.json'), 'utf8'),
    ) as Record<string, unknown>;
    const { letters: _letters, ...texts } = content;
    const broken = strings(texts).filter(([, text]) => misordered(text).length > 0);
    expect(broken).toEqual([]);
  });

  test.each(slugs)(
    'when campaign %s’s letters are read in Arabic, then names, town and bill keep their order',
    (slug) => {
      const campaign = campaigns.get(slug);
      const hbs = createHandlebars();
      const ask = createAskResolver({ clock: new ManualClock(), sponsors: createSponsorRoll(new Map()) });
      const letters = campaign.textsIn('ar').letters!;
      const sender = { city: 'Springfield', state: 'IL' };
      for (const chamber of ['senate', 'house'] as const) {
        const member = {
          name: 'Jane Q. Doe',
          lastName: 'Doe',
          title: chamber === 'senate' ? 'Sen.' : 'Rep.',
          state: 'IL',
          chamber,
        } as Member;
        const resolved = ask.forMember(campaign, member);
        // Each of the three letters, filled in with this member's bills (the template is what differs).
        for (const kind of ['support', 'thanks', 'reintroduce'] as const) {
          const source = letters[kind][chamber];
          const text = renderLetterTranslation(hbs, source, campaign, member, resolved, sender, {
            rightToLeft: true,
          });
          const logical = text.replace(/[\u2066-\u2069]/g, '');
          const values = [resolved.bill.label, resolved.companion.label, resolved.bill.title, 'Springfield'];
          const shown = displayed(text);
          expect(values.filter((v) => logical.includes(v) && !shown.includes(v))).toEqual([]);
          expect(logical).toContain('Springfield');
          expect(renderLetterTranslation(hbs, source, campaign, member, resolved, sender)).not.toMatch(
            /[\u2066-\u2069]/,
          );
        }
      }
    },
  );
});
