/**
 * bench/pdf: PDFs per second drawn in this process by a `renderLettersPdf` (this checkout's, or another
 * compiled checkout's when comparing), one typical letter at a time.
 */
import type { PrintableLetter } from '../src/delivery/pdf';

export type RenderLettersPdf = (letters: PrintableLetter[]) => Promise<Uint8Array>;

const LETTER: PrintableLetter = {
  sender: { name: 'Ana Núñez', street: '100 Main St', city: 'Springfield', state: 'IL', zip: '62704' },
  date: 'November 28, 2026',
  recipientAddress: ['The Honorable Jane Doe', 'United States Senate', 'Washington, DC 20510'],
  salutation: 'Dear Senator Doe:',
  body: Array.from(
    { length: 6 },
    (_, i) => `Paragraph ${i + 1}. ${'I am writing as your constituent. '.repeat(8)}`,
  ).join('\n\n'),
  closing: 'Sincerely,',
  subject: 'A letter from a constituent',
};

export async function pdfsPerSecond(render: RenderLettersPdf, ms = 3000): Promise<number> {
  await render([LETTER]);
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < ms) {
    await render([LETTER]);
    count += 1;
  }
  return Math.round((count / (performance.now() - started)) * 10_000) / 10;
}
