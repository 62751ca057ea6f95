/**
 * PDFs drawn in a worker thread: the same letters as the in-thread drawing, several at once, typed errors
 * for what the caller can fix, and a clean end.
 */
import { createPdfRenderer } from '../../src/delivery/pdf-renderer';
import type { PrintableLetter } from '../../src/delivery/pdf';
import { BusyError, ValidationError } from '../../src/platform/errors';
import { readPdf } from './helpers/pdf-text';

function letter(name: string): PrintableLetter {
  return {
    sender: { name, street: '1200 Pike Street', city: 'Seattle', state: 'WA', zip: '98101' },
    date: 'November 29, 2026',
    recipientAddress: ['The Honorable Maria Cantwell', 'United States Senate', 'Washington, DC 20510'],
    salutation: 'Dear Senator Cantwell:',
    body: 'Please support the bill.\n\nThank you.',
    closing: 'Sincerely,',
  };
}

describe('the PDF renderer with a worker thread', () => {
  const renderer = createPdfRenderer({ threads: 1, queueLimit: 30 });
  afterAll(() => renderer.close());

  test('when letters are drawn, then the PDF holds them, and several requests at once each get their own', async () => {
    const names = ['Zoë Łukasiewicz', 'Ελένη Παπαδοπούλου', 'Şükrü Öztürk'];
    const pdfs = await Promise.all(names.map((name) => renderer.render([letter(name)], { envelopes: true })));
    for (const [i, pdf] of pdfs.entries()) {
      expect(Buffer.isBuffer(pdf)).toBe(true);
      const { text, pages } = await readPdf(pdf);
      expect(pages).toBe(2);
      expect(text).toContain(names[i]);
      for (const other of names.filter((n) => n !== names[i])) expect(text).not.toContain(other);
    }
  });

  test('when there is nothing to print, then the error is the typed one the pages translate', async () => {
    await expect(renderer.render([])).rejects.toBeInstanceOf(ValidationError);
  });
});

test('when the renderer is closed, then drawing fails instead of hanging', async () => {
  const renderer = createPdfRenderer({ threads: 1, queueLimit: 30 });
  await renderer.render([letter('Ana Núñez')]);
  await renderer.close();
  await expect(renderer.render([letter('Ana Núñez')])).rejects.toThrow();
});

describe('the PDF queue (issue 28)', () => {
  test('when downloads pass the queue limit, then the next one is refused with a busy error and later ones are taken again', async () => {
    const renderer = createPdfRenderer({ threads: 0, queueLimit: 4 });
    try {
      const accepted = [1, 2, 3].map(() => renderer.download([letter('Ana Núñez')]));
      // Two more letters would make five: refused at once, before any drawing.
      await expect(renderer.download([letter('Ana Núñez'), letter('Ana Núñez')])).rejects.toMatchObject({
        status: 503,
        code: 'busy',
        retryAfterSeconds: 60,
      });
      await expect(renderer.download([letter('Ana Núñez'), letter('Ana Núñez')])).rejects.toBeInstanceOf(
        BusyError,
      );
      await Promise.all(accepted);
      await renderer.download([letter('Ana Núñez'), letter('Ana Núñez')]);
    } finally {
      await renderer.close();
    }
  });

  test('when a sender’s copy is asked for behind a queue of downloads, then it is drawn before every waiting download', async () => {
    const renderer = createPdfRenderer({ threads: 0, queueLimit: 30 });
    try {
      const order: string[] = [];
      const downloads = [1, 2, 3, 4, 5].map((i) =>
        renderer.download([letter(`Download ${i}`)]).then(() => order.push(`download ${i}`)),
      );
      const copy = renderer.render([letter('Sender copy')]).then(() => order.push('copy'));
      // Senders' copies are never refused, however full the download lane is.
      const more = [1, 2, 3].map(() => renderer.render([letter('Another copy')]));
      await Promise.all([...downloads, copy, ...more]);
      // Only the download already being drawn when the copy arrived goes before it.
      expect(order.indexOf('copy')).toBeLessThanOrEqual(1);
    } finally {
      await renderer.close();
    }
  });
});
