/**
 * delivery/pdf-renderer: draws PDFs in a worker thread (piscina). A letter takes about 5 ms to draw; in
 * the thread that answers requests, an outbox backlog (a PDF with every sender's copy) or a batch download
 * held every other visitor for that long, and the second core sat idle. `PDF_THREADS=0` draws in the
 * calling thread instead.
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import { ValidationError } from '../platform/errors';
import { renderLettersPdf, type PrintableLetter, type RenderPdfOptions } from './pdf';
import type { PdfTask } from './pdf-worker';

export interface PdfRenderer {
  render(letters: PrintableLetter[], options?: RenderPdfOptions): Promise<Buffer>;
  /** Lets the drawings in progress finish, then ends the worker threads; drawing afterwards fails. */
  close(): Promise<void>;
}

/** A thread left idle this long ends (and its fonts with it); the next PDF starts one again. */
const IDLE_MS = 60_000;

export function createPdfRenderer(options: { threads: number }): PdfRenderer {
  if (options.threads === 0) {
    return { render: renderLettersPdf, close: async () => undefined };
  }
  // Compiled, this file is dist/.../pdf-renderer.js beside pdf-worker.js; run from source (tsx, Jest),
  // the worker is the .ts file, loaded through tsx like the code that started it.
  const extension = path.extname(__filename);
  const pool = new Piscina<PdfTask, Uint8Array>({
    filename: path.join(__dirname, `pdf-worker${extension}`),
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: IDLE_MS,
    ...(extension === '.ts' ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  let closed = false;
  return {
    async render(letters, renderOptions) {
      if (closed) throw new Error('the PDF renderer is closed');
      // Checked here: an error thrown in the worker comes back as a plain Error, not our typed one.
      if (letters.length === 0) throw new ValidationError('messages.nothingToPrint');
      const bytes = await pool.run({ letters, ...(renderOptions ? { options: renderOptions } : {}) });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    // Drawings in progress finish first (the server has stopped taking requests by then).
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
