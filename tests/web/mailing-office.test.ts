/**
 * The mailing office a person chooses on the print view is stored with the letter, and the print view,
 * the letter's PDF and the batch PDF are addressed to it from then on.
 */
import request from 'supertest';
import { decodeHTML } from 'entities';
import { readPdf } from '../delivery/helpers/pdf-text';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS, SENDER } from '../helpers/sender';
import { csrfSession } from './security-helpers';

let t: TestApp;
let csrf: { cookie: string; token: string };
beforeAll(async () => {
  t = await createTestApp();
  csrf = await csrfSession(t.app);
});
afterAll(() => t.close());

async function saveBatch(): Promise<{ batchUrl: string; letterId: string }> {
  const compose = await request(t.app)
    .get('/campaigns/stop-csam/write')
    .query({ address: ADDRESS })
    .expect(200);
  const hidden = Object.fromEntries(
    [...compose.text.matchAll(/<input type="hidden" name="(ref|address|district)" value="([^"]*)">/g)].map(
      (m) => [m[1]!, decodeHTML(m[2]!)],
    ),
  );
  const member = [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
  const saved = await request(t.app)
    .post('/campaigns/stop-csam/letters')
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, ...hidden, ...SENDER, member })
    .expect(303);
  const batchUrl = saved.headers.location as string;
  const batch = await request(t.app).get(batchUrl).expect(200);
  return { batchUrl, letterId: /href="\/letters\/([\w-]{22})\/print"/.exec(batch.text)![1]! };
}

interface Option {
  id: string;
  label: string;
  selected: boolean;
}

async function printView(letterId: string): Promise<{ options: Option[]; recipient: string }> {
  const page = await request(t.app).get(`/letters/${letterId}/print`).expect(200);
  const options = [...page.text.matchAll(/<option value="([^"]+)" ?(selected)?>([^<]*)<\/option>/g)].map(
    (m) => ({
      id: decodeHTML(m[1]!),
      selected: Boolean(m[2]),
      label: decodeHTML(m[3]!).trim(),
    }),
  );
  const recipient = decodeHTML(/<p class="dc-recipient">([\s\S]*?)<\/p>/.exec(page.text)![1]!).replace(
    /<br>/g,
    '\n',
  );
  return { options, recipient };
}

/** "Springfield, IL office (about 3 miles)" → "Springfield, IL": a line of that office's address. */
function placeOf(option: Option): string {
  return option.label.replace(/ office\b.*$/, '');
}

function choose(letterId: string, office: string) {
  return request(t.app)
    .post(`/letters/${letterId}/office`)
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, office });
}

describe('choosing the mailing office', () => {
  test('when the person chooses another office, then it is stored and the print view and both PDFs use it', async () => {
    const { batchUrl, letterId } = await saveBatch();
    const before = await printView(letterId);
    expect(before.options.length).toBeGreaterThanOrEqual(2);
    const recommended = before.options.find((o) => o.selected)!;
    const other = before.options.find((o) => !o.selected)!;
    expect(before.recipient).toContain(placeOf(recommended));

    const res = await choose(letterId, other.id).expect(303);
    expect(res.headers.location).toBe(`/letters/${letterId}/print`);

    const after = await printView(letterId);
    expect(after.options.find((o) => o.selected)?.id).toBe(other.id);
    expect(after.recipient).toContain(placeOf(other));
    expect(after.recipient).not.toContain(placeOf(recommended));

    const letterPdf = await request(t.app).get(`/letters/${letterId}.pdf`).buffer(true).expect(200);
    expect((await readPdf(letterPdf.body as Buffer)).text).toContain(placeOf(other));
    const batchPdf = await request(t.app).get(`${batchUrl}.pdf`).buffer(true).expect(200);
    expect((await readPdf(batchPdf.body as Buffer)).text).toContain(placeOf(other));
  });

  test('when the office is not one offered for the letter, then it is refused and the choice stays', async () => {
    const { letterId } = await saveBatch();
    const before = await printView(letterId);
    await choose(letterId, 'not-an-office').expect(400);
    expect(await printView(letterId)).toEqual(before);
  });

  test('when the form comes without its CSRF token, then nothing is stored', async () => {
    const { letterId } = await saveBatch();
    const before = await printView(letterId);
    const other = before.options.find((o) => !o.selected)!;
    await request(t.app)
      .post(`/letters/${letterId}/office`)
      .type('form')
      .send({ office: other.id })
      .expect(403);
    expect(await printView(letterId)).toEqual(before);
  });
});
