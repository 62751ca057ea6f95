import PDFDocument from 'pdfkit';
import {
  boundedParagraphs,
  MAX_LINE_BREAKS,
  renderLettersPdf,
  sanitizePrintText,
  splitParagraphs,
  type PrintableLetter,
} from '../../src/delivery/pdf';
import { readPdf } from './helpers/pdf-text';

const SENDER_NAME = 'Zoë Łukasiewicz-Núñez';

function letter(overrides: Partial<PrintableLetter> = {}): PrintableLetter {
  return {
    sender: {
      name: SENDER_NAME,
      street: '1200 Pike Street Apt 4',
      city: 'Seattle',
      state: 'WA',
      zip: '98101',
    },
    date: 'November 28, 2026',
    recipientAddress: [
      'The Honorable Maria Cantwell',
      '511 Hart Senate Office Building',
      'United States Senate',
      'Washington, DC 20510',
    ],
    salutation: 'Dear Senator Cantwell:',
    body:
      'As your constituent in Seattle, I urge you to support S. 1829.\n\n' +
      'Children deserve protection online, and this bill gives law enforcement the tools it needs.\n\n' +
      'Thank you for your time.',
    closing: 'Sincerely,',
    subject: 'S. 1829',
    ...overrides,
  };
}

describe('renderLettersPdf', () => {
  it('prints the sender, date, recipient block, subject, body and signature of a short letter on one page', async () => {
    const pdf = await renderLettersPdf([letter()]);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages } = await readPdf(pdf);
    expect(pages).toBe(1);
    for (const line of [
      'The Honorable Maria Cantwell',
      '511 Hart Senate Office Building',
      'United States Senate',
      'Washington, DC 20510',
      '1200 Pike Street Apt 4',
      'Seattle, WA 98101',
      'November 28, 2026',
      'Re: S. 1829',
      'Dear Senator Cantwell:',
      'Sincerely,',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('I urge you to support S. 1829.');
    // The name prints twice: in the sender block and under the signature space.
    expect(text.split(SENDER_NAME).length - 1).toBe(2);
    // Order: sender block, date, recipient, salutation, body, closing.
    const order = [
      '1200 Pike Street',
      'November 28, 2026',
      'The Honorable',
      'Dear Senator',
      'S. 1829.',
      'Sincerely,',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('starts every letter on its own page', async () => {
    const house = letter({
      recipientAddress: [
        'The Honorable Pramila Jayapal',
        '2346 Rayburn House Office Building',
        'United States House of Representatives',
        'Washington, DC 20515',
      ],
      salutation: 'Dear Representative Jayapal:',
    });
    const { pages, pageTexts } = await readPdf(await renderLettersPdf([letter(), house, letter()]));
    expect(pages).toBe(3);
    expect(pageTexts[0]).toContain('Maria Cantwell');
    expect(pageTexts[1]).toContain('Dear Representative Jayapal:');
    expect(pageTexts[1]).toContain('Washington, DC 20515');
    expect(pageTexts[2]).toContain('Maria Cantwell');
  });

  it('paginates a long letter and numbers its pages', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) =>
        `Paragraph ${i + 1}. I ask you to support S. 1829 because online safety matters to my family and to ` +
        'the families in our community, and I would like to know where you stand on this bill.',
    );
    const { pages, pageTexts, text } = await readPdf(
      await renderLettersPdf([letter({ body: paragraphs.join('\n\n') })]),
    );
    expect(pages).toBeGreaterThan(1);
    expect(pageTexts[0]).toContain(`Page 1 of ${pages}`);
    expect(pageTexts[pages - 1]).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain('Paragraph 40.');
    // The closing and printed name stay together on the last page.
    expect(pageTexts[pages - 1]).toContain('Sincerely,');
    expect(pageTexts[pages - 1]).toContain(SENDER_NAME);
  });

  it('appends one page of labels for up to five letters, with recipient and return addresses', async () => {
    const { pages, pageTexts } = await readPdf(
      await renderLettersPdf([letter(), letter()], { envelopes: true }),
    );
    expect(pages).toBe(3);
    const labels = pageTexts[2]!;
    expect(labels).toContain('The Honorable Maria Cantwell');
    expect(labels).toContain('Washington, DC 20510');
    expect(labels).toContain(SENDER_NAME);
    expect(labels).toContain('Seattle, WA 98101');
    expect(labels).not.toContain('zoe@example.com');

    const six = await readPdf(
      await renderLettersPdf(
        Array.from({ length: 6 }, () => letter()),
        { envelopes: true },
      ),
    );
    expect(six.pages).toBe(6 + 2);
  });

  describe('the fonts', () => {
    const westernSender = { ...letter().sender, name: 'José Müller-O’Brien' };

    it('when every character is in WinAnsi, then the letter is set in Times and no font is embedded', async () => {
      const body = 'Curly “quotes”, a dash — the euro €5, œuvre and Æsir: all in WinAnsi.';
      const pdf = await renderLettersPdf([letter({ sender: westernSender, body })], { envelopes: true });
      const raw = pdf.toString('latin1');
      expect(raw).toContain('/BaseFont /Times-Roman');
      expect(raw).toContain('/BaseFont /Times-Bold');
      expect(raw).not.toContain('/FontFile2');
      const { text } = await readPdf(pdf);
      expect(text).toContain(body);
      expect(text.split('José Müller-O’Brien').length - 1).toBe(3);
    });

    it('when one character is outside WinAnsi, then the whole PDF embeds DejaVu Serif', async () => {
      const pdf = await renderLettersPdf([
        letter({ sender: westernSender }),
        letter({ sender: { ...westernSender, name: 'Łucja Nowak' } }),
      ]);
      const raw = pdf.toString('latin1');
      expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSerif/);
      expect(raw).toContain('/FontFile2');
      expect(raw).not.toContain('/Times-Roman');
      const { pageTexts } = await readPdf(pdf);
      expect(pageTexts[0]).toContain('José Müller-O’Brien');
      expect(pageTexts[1]).toContain('Łucja Nowak');
    });

    it('when a soft hyphen or a very long word is in a Western letter, then DejaVu draws it', async () => {
      const word = 'https://example.com/' + 'a'.repeat(100);
      const pdf = await renderLettersPdf([
        letter({ sender: westernSender, body: `We co\u00ADoperate. See ${word} please.` }),
      ]);
      expect(pdf.toString('latin1')).toContain('/FontFile2');
      const { text } = await readPdf(pdf);
      // Times would print the soft hyphen as a hyphen; DejaVu does not print it.
      expect(text).toMatch(/We co\s?operate\./);
      expect(text.replace(/\s+/g, '')).toContain(word);
    });
  });

  it('prints Greek, Cyrillic and Latin Extended names with the embedded fonts', async () => {
    const name = 'Ελένη Παπαδοπούλου Жанна Ковальчук Şükrü Öztürk';
    const { text } = await readPdf(
      await renderLettersPdf([letter({ sender: { ...letter().sender, name } })], { envelopes: true }),
    );
    expect(text).toContain(name);
  });

  it("keeps each letter's text layer right whatever was printed before it in the same process", async () => {
    // Accented capitals and Greek letters are drawn from other glyphs (E, O, N...); printing them first
    // must not leave those glyphs without their characters in later PDFs.
    await renderLettersPdf([letter({ sender: { ...letter().sender, name: 'Ελένη Ëvä Ölaf Ñúñez Ÿ Ç' } })], {
      envelopes: true,
    });
    const body = 'Every office, official and fine fellow: End of letter.\u00A0Noted.';
    const { text } = await readPdf(await renderLettersPdf([letter({ body })]));
    expect(text).toContain('Every office, official and fine fellow: End of letter.');
    expect(text).toMatch(/letter\.\s+Noted\./);
  });

  it('draws user text as plain text, without control or bidi-override characters', async () => {
    const { text } = await readPdf(
      await renderLettersPdf([
        letter({
          sender: { ...letter().sender, name: 'Mallory\u202Egnp.exe\u0007 Test\u2066x\u2069' },
          body: '<b>bold?</b> **not markdown** {{handlebars}} %PDF-1.4 \\n \u0000\u001b[31m\n\nEnd of letter.',
        }),
      ]),
    );
    expect(text).toContain('Mallorygnp.exe Testx');
    expect(text).toContain('<b>bold?</b> **not markdown** {{handlebars}} %PDF-1.4 \\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u0000\u0007\u001b]/);
    expect(text).toContain('End of letter.');
  });

  it('breaks a very long word so the letter still renders and keeps every character', async () => {
    const word = 'https://example.com/' + 'a'.repeat(600);
    const { text } = await readPdf(await renderLettersPdf([letter({ body: `See ${word} please.` })]));
    expect(text.replace(/\s+/g, '')).toContain(word);
    const lines = text.split('\n').filter((l) => l.includes('aaaa'));
    expect(lines.length).toBeGreaterThan(3);
  });

  describe('pathological text is drawn with bounded work (issue 28)', () => {
    // The work is what PDFKit measures: before the bound, a 10,000-character word had PDFKit measure
    // millions of characters (quadratic), and 5,000 one-letter lines made about a hundred pages.
    async function drawingWork(body: string): Promise<{ measured: number; pages: number; text: string }> {
      const measure = jest.spyOn(PDFDocument.prototype, 'widthOfString');
      try {
        const pdf = await renderLettersPdf([letter({ body })]);
        const measured = measure.mock.calls.reduce((sum, call) => sum + String(call[0]).length, 0);
        const { pages, text } = await readPdf(pdf);
        return { measured, pages, text };
      } finally {
        measure.mockRestore();
      }
    }

    it.each([
      ['a 10,000-character word', 'W'.repeat(10_000)],
      ['5,000 one-letter lines', 'a\n'.repeat(5_000)],
      ['3,000 one-letter paragraphs', 'a\n\n'.repeat(3_000)],
      ['33 words of 300 characters', `${'x'.repeat(300)} `.repeat(33)],
    ])(
      'when the body is %s, then drawing measures about as much text as the body and makes a few pages',
      async (_name, body) => {
        const { measured, pages, text } = await drawingWork(body);
        expect(measured).toBeLessThan(2 * body.length + 2_000);
        expect(pages).toBeLessThanOrEqual(8);
        // Nothing is dropped: every character of the body is still in the letter.
        const drawn = text.split(/[aWx]/).length - 1;
        expect(drawn).toBeGreaterThanOrEqual(body.replace(/\s+/g, '').length);
      },
    );

    it('when a letter is ordinary, then bounding changes nothing in it', () => {
      const body = 'As your constituent, I urge you to act.\nLine two.\n\nSecond paragraph.';
      expect(boundedParagraphs(body)).toEqual(splitParagraphs(body));
    });

    it('when a body has more line breaks than the bound, then the rest run on as spaces', () => {
      const paragraphs = boundedParagraphs('a\n'.repeat(MAX_LINE_BREAKS * 3));
      const breaks = paragraphs.join('\n\n').split('\n').length - 1;
      expect(breaks).toBeLessThanOrEqual(MAX_LINE_BREAKS);
      expect(paragraphs.join(' ').replace(/\s+/g, '')).toBe('a'.repeat(MAX_LINE_BREAKS * 3));
    });
  });
});

describe('sanitizePrintText and splitParagraphs', () => {
  it('strips controls and bidi overrides, keeps line breaks only when multiline', () => {
    expect(sanitizePrintText('a\u202Eb\u2067c\u0000d\r\ne')).toBe('abcd e');
    expect(sanitizePrintText('a\r\nb\tc', { multiline: true })).toBe('a\nb    c');
  });

  it('splits at blank lines, including blank lines with spaces and CRLF', () => {
    expect(splitParagraphs('One\r\n\r\nTwo\nstill two\n   \nThree\n\n\n')).toEqual([
      'One',
      'Two\nstill two',
      'Three',
    ]);
  });
});

describe('the campaign letter on paper', () => {
  it.each([
    ['Times', 'José Müller-O’Brien'],
    ['DejaVu Serif', SENDER_NAME],
  ])(
    'fits the full STOP CSAM letter with a personal sentence on one page in %s, closing and all',
    async (font, name) => {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const template = fs.readFileSync(
        path.resolve(__dirname, '../../campaigns/stop-csam/letter-senate.hbs'),
        'utf8',
      );
      const body = template
        .replace('{{sender.city}}', 'Springfield')
        .replace('{{sender.state}}', 'IL')
        .replace(
          /\n\nPlease support/,
          '\n\nMy daughter is twelve and uses these apps every day.\n\nPlease support',
        );
      const pdf = await renderLettersPdf([letter({ body, sender: { ...letter().sender, name } })]);
      expect(pdf.toString('latin1').includes('/FontFile2')).toBe(font === 'DejaVu Serif');
      const { pages, text } = await readPdf(pdf);
      expect(pages).toBe(1);
      expect(text).toContain('Sincerely,');
      expect(text).toContain(name);
    },
  );
});
