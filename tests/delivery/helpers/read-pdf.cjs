// Child process for tests: reads a PDF from stdin with pdf-parse v2 and prints {pages, pageTexts, text} as
// JSON. It runs outside Jest because pdf.js loads its worker with a dynamic import, which Jest's module
// sandbox refuses without --experimental-vm-modules.
const { Buffer } = require('node:buffer');
const { PDFParse } = require('pdf-parse');

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const result = await parser.getText();
    process.stdout.write(
      JSON.stringify({ pages: result.total, text: result.text, pageTexts: result.pages.map((p) => p.text) }),
    );
  } catch (err) {
    process.stderr.write(String(err && err.stack ? err.stack : err));
    process.exitCode = 1;
  } finally {
    await parser.destroy();
  }
});
