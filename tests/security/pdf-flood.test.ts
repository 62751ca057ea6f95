/**
 * Attack (issue 28): "A PDF flood delays everyone's PDFs". Past the global bound on queued PDF work a
 * download answers 503 with Retry-After and a "try again in a minute" page in the person's language;
 * once the queue has drained, the same download works.
 */
import request from 'supertest';
import type { PrintableLetter } from '../../src/delivery/pdf';
import type { TestApp } from '../helpers/app';
import { createAttackedApp, csrfSession, membersFor, saveLetters } from './helpers';

let t: TestApp;
let letterPdf: string;
beforeAll(async () => {
  t = await createAttackedApp({ PDF_QUEUE_LIMIT: '5' });
  const session = await csrfSession(t.app);
  const batchUrl = await saveLetters(t.app, session, await membersFor(t.app), {
    email: 'flood@example.org',
    ip: '203.0.113.60',
  });
  const page = await request(t.app).get(batchUrl).expect(200);
  letterPdf = `/letters/${/href="\/letters\/([\w-]{22})\/print"/.exec(page.text)![1]!}.pdf`;
});
afterAll(() => t.close());

const heavy: PrintableLetter = {
  sender: { name: 'Flood Sender', street: '1 Main St', city: 'Springfield', state: 'IL', zip: '62704' },
  date: 'November 28, 2026',
  recipientAddress: ['The Honorable Someone'],
  salutation: 'Dear Someone:',
  body: 'W'.repeat(10_000),
  closing: 'Sincerely,',
};

test('when the PDF queue is full, then a download answers 503 with Retry-After in the person’s language, and works once it drained', async () => {
  const filling = t.runtime.deps.pdf.download([heavy, heavy, heavy, heavy, heavy], { envelopes: true });
  const pages = {
    en: await request(t.app).get(letterPdf).set('X-Forwarded-For', '203.0.113.61'),
    es: await request(t.app).get(letterPdf).query({ lang: 'es' }).set('X-Forwarded-For', '203.0.113.62'),
    ar: await request(t.app).get(letterPdf).query({ lang: 'ar' }).set('X-Forwarded-For', '203.0.113.63'),
  };
  for (const res of Object.values(pages)) {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.headers['cache-control']).toBe('no-store');
  }
  expect(pages.en.text).toContain('Please try again in a minute');
  expect(pages.en.text).toContain('Nothing is lost');
  expect(pages.es.text).toContain('Vuelva a intentarlo en un minuto');
  expect(pages.ar.text).toContain('يُرجى المحاولة مرة أخرى بعد دقيقة');
  const json = await request(t.app)
    .get(letterPdf)
    .set('Accept', 'application/json')
    .set('X-Forwarded-For', '203.0.113.64');
  expect(json.status).toBe(503);
  expect(json.body.error.code).toBe('busy');

  await filling;
  const pdf = await request(t.app).get(letterPdf).set('X-Forwarded-For', '203.0.113.65').buffer(true);
  expect(pdf.status).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
});
