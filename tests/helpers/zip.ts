/**
 * Zip archives for import tests, written with fflate: Census downloads (cd<nnn>.zip, shapefile zips) in
 * small. `stored: true` writes members uncompressed, as the Bureau's block equivalency zip holds its file.
 */
import { zipSync, type Zippable } from 'fflate';

export function zipOf(members: Record<string, string | Buffer>, options: { stored?: boolean } = {}): Buffer {
  const files: Zippable = {};
  for (const [name, content] of Object.entries(members)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    files[name] = [new Uint8Array(data), { level: options.stored ? 0 : 6 }];
  }
  return Buffer.from(zipSync(files));
}
