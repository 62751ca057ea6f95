/**
 * Plurals and numbers by the language's rules: i18next's plural forms (Arabic's six), `Intl` in `en-US`,
 * `es-US` and Arabic with Western digits, for 0, 1, 2, 3, 11, 100 and 10,000.
 */
import { createHandlebars } from '../../src/platform/handlebars';
import { englishText } from '../../src/platform/messages';
import { FSI, PDI, formatLongDate, formatNumber } from '../../src/platform/i18n-format';
import { translatorIn } from '../../src/platform/messages';
import { createI18n, type LanguageCode } from '../../src/web/i18n';

const COUNTS = [0, 1, 2, 3, 11, 100, 10000] as const;
const i18n = createI18n();
/** The page translator without the isolates, to read the words. */
const say = (lng: LanguageCode, key: string, values: Record<string, unknown>) =>
  String(translatorIn(i18n, lng, false)(key, values)).replace(new RegExp(`[${FSI}${PDI}]`, 'g'), '');

describe('numbers', () => {
  test('when a number is written, then Spanish uses U.S. grouping and Arabic Western digits', () => {
    expect(COUNTS.map((n) => formatNumber('es', n))).toEqual(['0', '1', '2', '3', '11', '100', '10,000']);
    expect(COUNTS.map((n) => formatNumber('ar', n))).toEqual(['0', '1', '2', '3', '11', '100', '10,000']);
    expect(COUNTS.map((n) => formatNumber('en', n))).toEqual(['0', '1', '2', '3', '11', '100', '10,000']);
    expect(formatNumber('es', 1234.5)).toBe('1,234.5');
  });

  test('when a catalogue formats a number, then it is the language’s locale, not bare "es" (10.000)', () => {
    expect(say('es', 'messages.bodyTooLong', { max: 10000 })).toBe(
      'Su carta debe tener 10,000 caracteres o menos.',
    );
    expect(say('en', 'campaign.home.totalHtml', { count: 10000, formatted: 10000 })).toContain(
      '<strong>10,000</strong> verified letters',
    );
  });

  test('when a page shows a number with the number helper, then it is written in the page’s language', () => {
    const hbs = createHandlebars();
    const render = hbs.compile('{{number n}}');
    expect(render({ n: 10000, lang: 'es' })).toBe('10,000');
    expect(render({ n: 10000, lang: 'ar' })).toBe(`${FSI}10,000${PDI}`);
    expect(render({ n: 10000 })).toBe('10,000');
  });

  test('when a date is written in Arabic, then its digits are Western, like every other number', () => {
    expect(formatLongDate('ar', '2027-01-03')).toMatch(/^3 يناير 2027$/);
    expect(formatLongDate('es', '2027-01-03')).toBe('3 de enero de 2027');
  });
});

describe('counted nouns in Arabic', () => {
  test.each([
    // [count, characters, hours, minutes]
    [0, '0 حرف', '0 ساعة', '0 دقيقة'],
    [1, 'حرف واحد', 'ساعة واحدة', 'دقيقة واحدة'],
    [2, 'حرفين', 'ساعتين', 'دقيقتين'],
    [3, '3 أحرف', '3 ساعات', '3 دقائق'],
    [11, '11 حرفًا', '11 ساعة', '11 دقيقة'],
    [100, '100 حرف', '100 ساعة', '100 دقيقة'],
    [10000, '10,000 حرف', '10,000 ساعة', '10,000 دقيقة'],
  ])('when the count is %i, then the noun takes its form', (n, characters, hours, minutes) => {
    expect(say('ar', 'messages.bodyTooLong', { max: n })).toBe(`يجب ألا تزيد رسالتك على ${characters}.`);
    expect(say('ar', 'messages.recipientRateLimited', { max: 5, hours: n })).toContain(
      `حاول مرة أخرى بعد ${hours}.`,
    );
    expect(say('ar', 'messages.confirmationsPerHour', { sent: 5, minutes: n })).toContain(
      `المحاولة مرة أخرى بعد ${minutes}.`,
    );
  });

  test.each([
    // [count, days after "قبل" (ago), writers as the subject]
    [1, 'يوم واحد', 'كاتب واحد'],
    [2, 'يومين', 'كاتبان'],
    [3, '3 أيام', '3 كُتّاب'],
    [10, '10 أيام', '10 كُتّاب'],
    [14, '14 يومًا', '14 كاتبًا'],
    [100, '100 يوم', '100 كاتب'],
  ])(
    'when the reply question counts %i days or writers, then the noun takes its form',
    (n, days, writers) => {
      expect(say('ar', 'replies.email.introReminder', { days: n })).toMatch(
        new RegExp(`^قبل ${days} أخبرتنا`),
      );
      expect(say('ar', 'replies.progress.honesty', { min: n })).toContain(`يجيب عنه ${writers} على الأقل`);
    },
  );

  test.each([
    [0, 'لا توجد رسائل موثقة حتى الآن.'],
    [1, 'رسالة موثقة واحدة حتى الآن.'],
    [2, 'رسالتان موثقتان حتى الآن.'],
    [3, '<strong>3</strong> رسائل موثقة حتى الآن.'],
    [11, '<strong>11</strong> رسالة موثقة حتى الآن.'],
    [100, '<strong>100</strong> رسالة موثقة حتى الآن.'],
    [10000, '<strong>10,000</strong> رسالة موثقة حتى الآن.'],
  ])('when the campaign has %i letters, then the home page’s total agrees with it', (n, text) => {
    expect(say('ar', 'campaign.home.totalHtml', { count: n, formatted: n })).toBe(text);
  });

  test.each([
    [1, 'Illinois: رسالة واحدة'],
    [2, 'Illinois: رسالتان'],
    [3, 'Illinois: 3 رسائل'],
    [11, 'Illinois: 11 رسالة'],
    [100, 'Illinois: 100 رسالة'],
    [10000, 'Illinois: 10,000 رسالة'],
  ])('when a state on the map has %i letters, then its label counts them the Arabic way', (n, label) => {
    expect(`Illinois: ${say('ar', 'tracking.progress.mapCount', { count: n })}`).toBe(label);
  });
});

describe('counted nouns in Spanish and English', () => {
  test('when the reply question counts one day or one writer, then English and Spanish say it in the singular', () => {
    expect(say('en', 'replies.email.introReminder', { days: 1 })).toMatch(/^1 day ago/);
    expect(say('en', 'replies.email.introReminder', { days: 28 })).toMatch(/^28 days ago/);
    expect(say('es', 'replies.email.introReminder', { days: 1 })).toMatch(/^Hace 1 día nos/);
    expect(say('es', 'replies.progress.honesty', { min: 10 })).toContain('al menos 10 personas');
  });
  test.each([
    [0, '0 caracteres', '0 characters'],
    [1, '1 carácter', '1 character'],
    [2, '2 caracteres', '2 characters'],
    [3, '3 caracteres', '3 characters'],
    [11, '11 caracteres', '11 characters'],
    [100, '100 caracteres', '100 characters'],
    [10000, '10,000 caracteres', '10,000 characters'],
  ])('when the limit is %i, then the noun agrees', (n, es, en) => {
    expect(say('es', 'messages.noteTooLong', { max: n })).toBe(`Su nota personal debe tener ${es} o menos.`);
    expect(say('en', 'messages.noteTooLong', { max: n })).toBe(`Keep your personal note to ${en} or fewer.`);
  });

  test('when the JSON API gives a message in English, then it is written the same way as the page', () => {
    expect(englishText({ key: 'messages.bodyTooLong', values: { max: 10000 } })).toBe(
      'Your letter must be 10,000 characters or fewer.',
    );
    expect(englishText({ key: 'messages.zipFormat' })).toBe(
      'Enter a 5-digit ZIP code, like 62704 or 62704-1234.',
    );
  });
});
