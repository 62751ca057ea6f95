/**
 * The two questions CWC needs, on the letter form: how to address the person (required once the form
 * asks) and an optional phone. Errors appear at the field, in the page's language, with the text kept.
 */
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

let t: TestApp;
let csrf: { cookie: string; token: string };
beforeAll(async () => {
  t = await createTestApp();
  csrf = await csrfSession(t.app);
});
afterAll(async () => {
  await t.close();
});

async function review(lang: string, fields: Record<string, string>) {
  const compose = await request(t.app).get('/campaigns/stop-csam/write').query({ address: ADDRESS });
  const member = /name="member" value="([A-Z]\d{6})"/.exec(compose.text)![1]!;
  return request(t.app)
    .post(`/campaigns/stop-csam/review?lang=${lang}`)
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, ...SENDER, address: ADDRESS, member, ...fields });
}

describe('prefix and phone on the letter form', () => {
  test.each([
    ['en', 'Choose how to address you', 'Enter a 10-digit US phone number'],
    ['es', 'Elija un tratamiento', 'Escriba un número de teléfono de EE. UU. de 10 dígitos'],
    ['ar', 'اختر لقبًا', 'أدخل رقم هاتف أمريكيًا من 10 أرقام'],
  ])(
    'when the prefix is not chosen and the phone is wrong (%s), then both fields say so in the page language',
    async (lang, prefixError, phoneError) => {
      const res = await review(lang, { prefix: '', phone: '555-12' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(new RegExp(`id="prefix-error">${prefixError}`));
      expect(res.text).toMatch(new RegExp(`id="phone-error">${phoneError}`));
      expect(res.text).toContain('value="555-12"');
      expect(res.text).toContain('aria-invalid="true"');
    },
  );

  test('when a prefix is chosen and the phone is written any usual way, then the review shows the letter', async () => {
    const res = await review('en', { prefix: 'none', phone: '+1 (217) 555-0100' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="prefix" value="none"');
  });
});
