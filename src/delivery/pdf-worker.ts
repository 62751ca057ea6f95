/**
 * delivery/pdf-worker: the worker thread's side of delivery/pdf-renderer. Draws in the worker what
 * delivery/pdf draws, and hands the bytes back.
 */
import { renderLettersPdf, type PrintableLetter, type RenderPdfOptions } from './pdf';

export interface PdfTask {
  letters: PrintableLetter[];
  options?: RenderPdfOptions;
}

export default function drawLettersPdf(task: PdfTask): Promise<Uint8Array> {
  return renderLettersPdf(task.letters, task.options);
}
