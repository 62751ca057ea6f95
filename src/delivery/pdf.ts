/**
 * delivery/pdf: printable letters as one PDF, drawn with PDFKit (no browser). Every letter starts on a new
 * US Letter page; an optional last section carries their address labels. A PDF whose text the PDF
 * standard fonts can show (WinAnsi: English, Spanish and the other Western European languages) uses Times,
 * which every PDF reader has, so nothing is embedded; any other PDF embeds DejaVu Serif, so a Polish,
 * Greek or Cyrillic name prints too. User text is only ever drawn as plain text, after control and
 * bidi-override characters are removed.
 */
import * as fontkit from 'fontkit';
import fs from 'node:fs';
import { buffer } from 'node:stream/consumers';
import PDFDocument from 'pdfkit';
import { oneLine, replaceControlCharacters, trimBoth, trimEnd } from '../platform/text';

export interface PrintableLetter {
  sender: { name: string; street: string; city: string; state: string; zip: string };
  /** Already formatted, e.g. "November 28, 2026". */
  date: string;
  /** Lines of the recipient address block, "The Honorable ..." first. */
  recipientAddress: string[];
  salutation: string;
  /** Plain text; paragraphs separated by blank lines. */
  body: string;
  closing: string;
  subject?: string;
}

export interface RenderPdfOptions {
  /**
   * Append the envelopes' address labels: one US Letter page per five letters of 4x2 in labels (Avery
   * 5163/8163 layout), recipient on the left, return address on the right.
   */
  envelopes?: boolean;
}

const PT_PER_IN = 72;
const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = PT_PER_IN;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
// 11 pt with a small gap fits a typical 300-word campaign letter on one US Letter page.
const BODY_SIZE = 11;
const LINE_GAP = 1;
/** Space between body paragraphs, in lines. */
const PARAGRAPH_SPACE = 0.7;
const FOOTER_SIZE = 9;

const FONT_REGULAR = 'DC-Serif';
const FONT_BOLD = 'DC-Serif-Bold';

/**
 * Text from a person made safe to draw: NFC, CRLF to LF, no control or bidi-override characters, tabs as
 * spaces. With `multiline: false` every line break becomes a space and runs of whitespace collapse.
 */
export function sanitizePrintText(input: string, options: { multiline?: boolean } = {}): string {
  let s = String(input ?? '').normalize('NFC');
  s = s.replace(/\r\n?/g, '\n').replace(/[\u2028\u2029]/g, '\n');
  s = replaceControlCharacters(s, '', { direction: true });
  s = s.replace(/\t/g, '    ');
  if (!options.multiline) return oneLine(s);
  return s
    .split('\n')
    .map((line) => trimEnd(line, ' \u00A0'))
    .join('\n')
    .trim();
}

/** Paragraphs of a body: split at blank lines, single line breaks kept inside a paragraph. */
export function splitParagraphs(body: string): string[] {
  return sanitizePrintText(body, { multiline: true })
    .split(/\n[ \u00A0]*\n/u)
    .map((p) => trimBoth(p, '\n'))
    .filter((p) => p.trim().length > 0);
}

/** The most line breaks a letter keeps; past them line breaks become spaces, so no text is dropped. */
export const MAX_LINE_BREAKS = 120;

/**
 * 40 characters without a break opportunity, followed by another. PDFKit splits a word wider than the line
 * by measuring it again one character shorter at a time, so one 10,000-character word cost seconds; a
 * zero-width space after every 40 characters (no glyph of DejaVu Serif at 11 pt is wider than 468/40 pt)
 * lets the line wrapper break it like any other text, at the same places, in time linear in its length.
 */
const LONG_RUN = /\S{40}(?=\S)/g;
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * A letter's paragraphs with bounded drawing work (issue 28): at most MAX_LINE_BREAKS line breaks
 * (paragraph breaks included), and a break opportunity at least every 40 characters (LONG_RUN).
 * Normal letters come back unchanged.
 */
export function boundedParagraphs(body: string): string[] {
  let budget = MAX_LINE_BREAKS;
  const paragraphs: string[] = [];
  for (const paragraph of splitParagraphs(body)) {
    const lines = paragraph.split('\n');
    const kept = Math.min(lines.length - 1, budget);
    budget -= kept;
    const text = [...lines.slice(0, kept), lines.slice(kept).join(' ')]
      .join('\n')
      .replace(LONG_RUN, (run) => `${run}${ZERO_WIDTH_SPACE}`);
    // Out of line breaks, further paragraphs run on in the last one.
    if (paragraphs.length > 0 && budget <= 0) {
      paragraphs[paragraphs.length - 1] += ` ${text}`;
    } else {
      if (paragraphs.length > 0) budget -= 1;
      paragraphs.push(text);
    }
  }
  return paragraphs;
}

type ParsedFont = fontkit.Font;
let parsedFonts: { regular: ParsedFont; bold: ParsedFont } | undefined;

/**
 * A font parsed once and shared by every document: parsing DejaVu again for each PDF, with the shaping
 * tables fontkit decodes on first use, cost more than drawing the letter.
 *
 * fontkit remembers each glyph with the characters it was first reached from, and PDFKit writes those into
 * the PDF's text layer (what copy-and-paste and screen readers get). A shared font must not let one
 * document decide that for the next (a glyph first reached as part of an accented letter has no characters
 * at all), so every glyph is first reached from its own character, in code point order. Compatibility
 * characters are left out, so the "fi" ligature's glyph keeps the text the layout reaches it from, "fi",
 * rather than the presentation form U+FB01.
 */
function parseSharedFont(file: string): ParsedFont {
  const font = fontkit.create(fs.readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
  if (!('glyphForCodePoint' in font)) throw new Error(`${file} is a font collection, not one font`);
  for (const codePoint of [...font.characterSet].sort((a, b) => a - b)) {
    const character = String.fromCodePoint(codePoint);
    if (character.normalize('NFKC') === character) font.glyphForCodePoint(codePoint);
  }
  return font;
}

function dejaVuFonts(): { regular: ParsedFont; bold: ParsedFont } {
  parsedFonts ??= {
    regular: parseSharedFont('DejaVuSerif.ttf'),
    bold: parseSharedFont('DejaVuSerif-Bold.ttf'),
  };
  return parsedFonts;
}

/**
 * What PDFKit's standard fonts encode (WinAnsiEncoding): printable ASCII, Latin-1 and the 27 characters
 * it maps into 0x80-0x9F (curly quotes, dashes, the euro sign...). The soft hyphen is left out: PDFKit
 * would print it as a hyphen.
 */
const WIN_ANSI_TEXT =
  /^[\n\x20-\x7E\xA0-\xAC\xAE-\xFF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201A\u201C-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]*$/;

/**
 * Times when every character drawn is in WinAnsi: nothing to embed, so a typical letter draws in about a
 * quarter of the time and weighs 3 KB instead of 22 KB (docs/decisions.md). Otherwise DejaVu Serif,
 * embedded.
 */
function fontsFor(letters: DrawnLetter[]): { regular: string | ParsedFont; bold: string | ParsedFont } {
  const everyText = letters.flatMap((letter) => Object.values(letter).flat());
  if (everyText.every((text) => WIN_ANSI_TEXT.test(text))) {
    return { regular: 'Times-Roman', bold: 'Times-Bold' };
  }
  return dejaVuFonts();
}

/** A letter's text as drawn: every field made safe to print, the body in bounded paragraphs. */
interface DrawnLetter {
  senderLines: string[];
  date: string;
  recipientLines: string[];
  subject: string;
  salutation: string;
  paragraphs: string[];
  closing: string;
  name: string;
}

function drawnLetter(letter: PrintableLetter): DrawnLetter {
  const { sender } = letter;
  const cityLine = [
    sanitizePrintText(sender.city),
    [sanitizePrintText(sender.state), sanitizePrintText(sender.zip)].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  const name = sanitizePrintText(sender.name);
  return {
    senderLines: [name, sanitizePrintText(sender.street), cityLine].filter(Boolean),
    date: sanitizePrintText(letter.date),
    recipientLines: letter.recipientAddress.map((l) => sanitizePrintText(l)).filter(Boolean),
    subject: letter.subject ? sanitizePrintText(letter.subject) : '',
    salutation: sanitizePrintText(letter.salutation),
    paragraphs: boundedParagraphs(letter.body),
    closing: sanitizePrintText(letter.closing),
    name,
  };
}

type Doc = PDFKit.PDFDocument;

/** Draws one entry per line (a long one wraps inside the content width), then `linesAfter` blank lines. */
function drawLines(doc: Doc, lines: string[], linesAfter = 1, font = FONT_REGULAR): void {
  doc.font(font).fontSize(BODY_SIZE);
  for (const line of lines) {
    doc.text(line, MARGIN, doc.y, { width: CONTENT_WIDTH, lineGap: LINE_GAP });
  }
  if (linesAfter > 0) blankLines(doc, linesAfter);
}

function blankLines(doc: Doc, n: number): void {
  doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
  doc.moveDown(n);
}

function lineHeight(doc: Doc): number {
  doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
  return doc.currentLineHeight(true) + LINE_GAP;
}

function spaceLeft(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom - doc.y;
}

function newLetterPage(doc: Doc): void {
  doc.addPage({ size: 'LETTER', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } });
}

function drawLetter(doc: Doc, letter: DrawnLetter): void {
  drawLines(doc, letter.senderLines);
  drawLines(doc, [letter.date]);
  drawLines(doc, letter.recipientLines);
  if (letter.subject) drawLines(doc, [`Re: ${letter.subject}`], 1, FONT_BOLD);
  drawLines(doc, [letter.salutation]);

  // PDFKit wraps at spaces and splits a word wider than the line (a long URL) across lines by itself.
  const closingBlock = lineHeight(doc) * 5;
  const { paragraphs } = letter;
  paragraphs.forEach((paragraph, index) => {
    doc.font(FONT_REGULAR).fontSize(BODY_SIZE);
    const options = { width: CONTENT_WIDTH, lineGap: LINE_GAP, align: 'left' as const };
    // The last paragraph (the ask) travels with the closing, so a signature never stands alone on a page.
    if (index === paragraphs.length - 1) {
      const needed =
        doc.heightOfString(paragraph, options) + lineHeight(doc) * PARAGRAPH_SPACE + closingBlock;
      const fullPage = doc.page.height - doc.page.margins.top - doc.page.margins.bottom;
      if (needed < fullPage && spaceLeft(doc) < needed) newLetterPage(doc);
    }
    doc.text(paragraph, MARGIN, doc.y, options);
    blankLines(doc, PARAGRAPH_SPACE);
  });

  // Closing, signature space and printed name stay together on one page.
  if (spaceLeft(doc) < closingBlock) newLetterPage(doc);
  drawLines(doc, [letter.closing], 3);
  drawLines(doc, [letter.name], 0);
}

function drawPageNumbers(doc: Doc, first: number, last: number): void {
  const total = last - first + 1;
  if (total < 2) return;
  for (let i = first; i <= last; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // drawing inside the margin must not trigger a new page
    doc
      .font(FONT_REGULAR)
      .fontSize(FOOTER_SIZE)
      .text(`Page ${i - first + 1} of ${total}`, MARGIN, PAGE_HEIGHT - MARGIN / 2 - FOOTER_SIZE, {
        width: CONTENT_WIDTH,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

const LABEL = {
  width: 4 * PT_PER_IN,
  height: 2 * PT_PER_IN,
  top: 0.5 * PT_PER_IN,
  left: 0.15625 * PT_PER_IN,
  columnGap: 0.1875 * PT_PER_IN,
  padding: 0.2 * PT_PER_IN,
  rows: 5,
};

function drawLabels(doc: Doc, letters: DrawnLetter[]): void {
  // Text inside a fixed box, cut with an ellipsis: it never spills into the next label.
  const box = {
    width: LABEL.width - 2 * LABEL.padding,
    height: LABEL.height - 2 * LABEL.padding,
    ellipsis: true,
    lineGap: 1,
  };
  letters.forEach((letter, index) => {
    const row = index % LABEL.rows;
    if (row === 0) doc.addPage({ size: 'LETTER', margin: 0 });
    const y = LABEL.top + row * LABEL.height + LABEL.padding;
    const recipientX = LABEL.left + LABEL.padding;
    const returnX = recipientX + LABEL.width + LABEL.columnGap;
    doc.font(FONT_REGULAR).fontSize(11);
    doc.text(letter.recipientLines.join('\n'), recipientX, y, box);
    doc.fontSize(10).text(letter.senderLines.join('\n'), returnX, y, box);
  });
}

/**
 * Renders the letters (one or more pages each) and, on request, their address sheets into one PDF. The
 * caller (delivery/pdf-renderer) refuses an empty list; this file imports nothing of the app's beyond
 * platform/text, so the PDF thread does not load the message catalogue and its libraries.
 */
export async function renderLettersPdf(
  letters: PrintableLetter[],
  options: RenderPdfOptions = {},
): Promise<Buffer> {
  const drawn = letters.map(drawnLetter);
  const fonts = fontsFor(drawn);
  const doc = new PDFDocument({
    // No default font (PDFKit would load Helvetica): the two below are registered under our names, and
    // PDFKit opens a font again at every switch to a name when the same font is already open by another.
    font: null as unknown as string,
    autoFirstPage: false,
    bufferPages: true,
    size: 'LETTER',
    margin: MARGIN,
    info: { Title: 'Letters to Congress', Creator: 'Dear Congress', Producer: 'Dear Congress' },
    lang: 'en-US',
  });
  const done = buffer(doc);

  // PDFKit 0.20 takes an already parsed fontkit font wherever it takes a font file; @types/pdfkit (0.17)
  // only knows file sources.
  doc.registerFont(FONT_REGULAR, fonts.regular as string);
  doc.registerFont(FONT_BOLD, fonts.bold as string);

  try {
    const ranges: Array<[number, number]> = [];
    for (const letter of drawn) {
      newLetterPage(doc);
      const first = doc.bufferedPageRange().count - 1;
      drawLetter(doc, letter);
      ranges.push([first, doc.bufferedPageRange().count - 1]);
    }
    for (const [first, last] of ranges) drawPageNumbers(doc, first, last);

    if (options.envelopes) drawLabels(doc, drawn);
    doc.flushPages();
    doc.end();
  } catch (err) {
    doc.end();
    await done.catch(() => undefined);
    throw err;
  }
  return done;
}
