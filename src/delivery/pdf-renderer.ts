/**
 * delivery/pdf-renderer: draws PDFs in a worker thread (piscina) through one bounded queue with two lanes
 * (issue 28). Senders' copies (the outbox) go first and are never refused; downloads from the pages wait
 * behind them and are refused with a BusyError (503, "try again in a minute") once the letters of waiting
 * and drawing downloads pass `queueLimit`. Each letter's drawing is bounded too (src/delivery/pdf.ts), so
 * the wait behind the queue is bounded: a download flood can neither grow the queue nor hold up a copy.
 *
 * The worker thread keeps the request thread free: a letter takes milliseconds to draw, and nothing a
 * request sends may hold the event loop that long (docs/decisions.md). `PDF_THREADS=0` draws in the calling
 * thread instead, through the same queue.
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import { BusyError, ValidationError } from '../platform/errors';
import { renderLettersPdf, type PrintableLetter, type RenderPdfOptions } from './pdf';
import type { PdfTask } from './pdf-worker';

export interface PdfRenderer {
  /** A sender's copy (the outbox): drawn before any waiting download, never refused for load. */
  render(letters: PrintableLetter[], options?: RenderPdfOptions): Promise<Buffer>;
  /** A download from the pages: refused with BusyError when too many letters are queued already. */
  download(letters: PrintableLetter[], options?: RenderPdfOptions): Promise<Buffer>;
  /** Lets the drawings in progress finish, then ends the worker threads; drawing afterwards fails. */
  close(): Promise<void>;
}

interface PdfRendererOptions {
  /** Worker threads; 0 draws in the calling thread. */
  threads: number;
  /** PDF_QUEUE_LIMIT: the most letters of downloads waiting or being drawn at once; past it one is refused. */
  queueLimit: number;
}

/** A thread left idle this long ends (and its fonts with it); the next PDF starts one again. */
const IDLE_MS = 60_000;

interface Job {
  task: PdfTask;
  letters: number;
  lane: 'senderCopy' | 'download';
  resolve(pdf: Buffer): void;
  reject(error: unknown): void;
}

type Draw = (task: PdfTask) => Promise<Uint8Array>;

function workerPool(threads: number): { draw: Draw; close(): Promise<void> } {
  // Compiled, this file is dist/.../pdf-renderer.js beside pdf-worker.js; run from source (tsx, Jest),
  // the worker is the .ts file, loaded through tsx like the code that started it.
  const extension = path.extname(__filename);
  const pool = new Piscina<PdfTask, Uint8Array>({
    filename: path.join(__dirname, `pdf-worker${extension}`),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: IDLE_MS,
    ...(extension === '.ts' ? { execArgv: ['--import', 'tsx'] } : {}),
  });
  return { draw: (task) => pool.run(task), close: () => pool.close() };
}

export function createPdfRenderer(options: PdfRendererOptions): PdfRenderer {
  const pool =
    options.threads === 0
      ? {
          draw: (task: PdfTask) => renderLettersPdf(task.letters, task.options),
          close: async () => undefined,
        }
      : workerPool(options.threads);
  // The queue hands a thread one PDF at a time, so piscina's own queue stays empty and the lanes decide.
  const concurrency = Math.max(1, options.threads);
  const senderCopies: Job[] = [];
  const downloads: Job[] = [];
  let drawing = 0;
  let downloadLetters = 0;
  let closed = false;

  function pump(): void {
    while (drawing < concurrency) {
      const job = senderCopies.shift() ?? downloads.shift();
      if (!job) return;
      drawing += 1;
      pool
        .draw(job.task)
        .then(
          (bytes) => job.resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
          (error: unknown) => job.reject(error),
        )
        .finally(() => {
          drawing -= 1;
          if (job.lane === 'download') downloadLetters -= job.letters;
          pump();
        });
    }
  }

  async function enqueue(
    lane: Job['lane'],
    letters: PrintableLetter[],
    renderOptions: RenderPdfOptions | undefined,
  ): Promise<Buffer> {
    if (closed) throw new Error('the PDF renderer is closed');
    // Checked here: an error thrown in the worker comes back as a plain Error, not our typed one.
    if (letters.length === 0) throw new ValidationError('messages.nothingToPrint');
    if (lane === 'download') {
      if (downloadLetters + letters.length > options.queueLimit) throw new BusyError('abuse.pdfBusy');
      downloadLetters += letters.length;
    }
    const task: PdfTask = { letters, options: renderOptions };
    return new Promise<Buffer>((resolve, reject) => {
      (lane === 'download' ? downloads : senderCopies).push({
        task,
        letters: letters.length,
        lane,
        resolve,
        reject,
      });
      pump();
    });
  }

  return {
    render: (letters, renderOptions) => enqueue('senderCopy', letters, renderOptions),
    download: (letters, renderOptions) => enqueue('download', letters, renderOptions),
    // Drawings in progress finish first (the server has stopped taking requests by then).
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
