/**
 * The glossary (docs/i18n.md) gives each campaign term one form per language and the forms to avoid;
 * every Spanish and Arabic string of the interface catalogues and of each campaign's content files
 * follows it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCatalogue } from '../../src/platform/messages';
import { PROJECT_ROOT } from '../../src/platform/paths';

interface Avoided {
  /** As written in the glossary. */
  form: string;
  test: (text: string) => boolean;
}
interface Entry {
  english: string;
  preferred: Record<'es' | 'ar', string>;
  avoid: Record<'es' | 'ar', Avoided[]>;
}

/** One avoided form: `/regex/flags`, or text (case-insensitive in Spanish). */
function avoided(form: string, lng: 'es' | 'ar'): Avoided {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(form);
  if (regex) {
    const pattern = new RegExp(regex[1]!, `${regex[2]!}u`);
    return { form, test: (text) => pattern.test(text) };
  }
  const needle = lng === 'es' ? form.toLocaleLowerCase('es') : form;
  return { form, test: (text) => (lng === 'es' ? text.toLocaleLowerCase('es') : text).includes(needle) };
}

/** The glossary table: English | Español | العربية | Avoid in Spanish | Avoid in Arabic. */
function readGlossary(): Entry[] {
  const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'i18n.md'), 'utf8');
  const section = doc.split(/^## Glossary$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and its rule
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  const forms = (cell: string | undefined) => [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return rows.map(([english, es, ar, avoidEs, avoidAr]) => ({
    english: english ?? '',
    preferred: { es: es ?? '', ar: ar ?? '' },
    avoid: {
      es: forms(avoidEs).map((f) => avoided(f, 'es')),
      ar: forms(avoidAr).map((f) => avoided(f, 'ar')),
    },
  }));
}

function strings(node: unknown, prefix: string): Array<[string, string]> {
  if (typeof node === 'string') return [[prefix, node]];
  return Object.entries(node as object).flatMap(([k, v]) => strings(v, `${prefix}.${k}`));
}

/** Every string in the language: the interface catalogue and each campaign's content file. */
function textsIn(lng: 'es' | 'ar'): Array<[string, string]> {
  const campaigns = path.join(PROJECT_ROOT, 'campaigns');
  const content = fs
    .readdirSync(campaigns)
    .map((slug) => path.join(campaigns, slug, 'content', `${lng}.json`))
    .filter((file) => fs.existsSync(file))
    .flatMap((file) => strings(JSON.parse(fs.readFileSync(file, 'utf8')), path.relative(PROJECT_ROOT, file)));
  return [...strings(readCatalogue(lng), `locales/${lng}`), ...content];
}

/** "key: avoided form (use: preferred)" for each string that uses an avoided form. */
function offences(entries: Entry[], lng: 'es' | 'ar', texts: Array<[string, string]>): string[] {
  return texts.flatMap(([key, text]) =>
    entries.flatMap((entry) =>
      entry.avoid[lng]
        .filter((a) => a.test(text))
        .map((a) => `${key}: ${a.form} (glossary: ${entry.english} = ${entry.preferred[lng]})`),
    ),
  );
}

const glossary = readGlossary();

describe('the glossary', () => {
  test('when docs/i18n.md is read, then it has the campaign’s terms, each with a Spanish and an Arabic form', () => {
    const english = glossary.map((e) => e.english);
    for (const term of ['constituent', 'member of Congress', 'sponsor', 'cosponsor', 'floor', 'markup']) {
      expect(english.some((e) => e.startsWith(term))).toBe(true);
    }
    for (const name of ['NCMEC', 'IJM', 'CBO', 'Communications Decency Act', 'Wyden', 'Congress N']) {
      expect(english.some((e) => e.includes(name))).toBe(true);
    }
    expect(glossary.filter((e) => !e.preferred.ar)).toEqual([]);
    expect(glossary.filter((e) => !e.preferred.es && e.english !== 'tanwin with alif')).toEqual([]);
  });

  test('when a text uses a form the glossary avoids, then the check names it (control)', () => {
    const texts: Array<[string, string]> = [
      ['sample.es', 'Como elector o electora de su distrito, pido al próximo Congreso...'],
      ['sample.ar', 'بصفتي من الناخبين، أطلب طرحه في القاعة. أرسلنا إلى NCMEC رابطاً.'],
    ];
    expect(offences(glossary, 'es', texts.slice(0, 1)).map((o) => o.split(' (')[0])).toEqual([
      'sample.es: /\\belector[aes]{0,2}\\b/i',
      'sample.es: próximo Congreso',
    ]);
    expect(offences(glossary, 'ar', texts.slice(1)).map((o) => o.split(' (')[0])).toEqual([
      'sample.ar: ناخب',
      'sample.ar: قاعة',
      'sample.ar: /(?<!\\()NCMEC/',
      'sample.ar: اً',
    ]);
  });

  test.each(['es', 'ar'] as const)(
    'when every %s string of the catalogues and campaigns is read, then none uses a form the glossary avoids',
    (lng) => {
      expect(offences(glossary, lng, textsIn(lng))).toEqual([]);
    },
  );
});
