/**
 * Reads a PDF back with pdf-parse v2 in a child Node process (see read-pdf.cjs for why not in Jest).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface PdfText {
  text: string;
  pages: number;
  pageTexts: string[];
}

export function readPdf(buffer: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(__dirname, 'read-pdf.cjs')],
      { maxBuffer: 64 * 1024 * 1024, timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`pdf-parse failed: ${stderr || err.message}`));
        try {
          resolve(JSON.parse(stdout) as PdfText);
        } catch (parseErr) {
          reject(parseErr as Error);
        }
      },
    );
    child.stdin?.end(buffer);
  });
}
