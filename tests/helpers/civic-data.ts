/**
 * The public-data mirror for tests: `CIVIC_DATA_FROM`, else `<repo>/../shared/data` (where CI lays it).
 * `importedDataDir()` imports it once per test process into a temp folder shared by the test files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importCivicData } from '../../src/civic-data/import';

/** The mirror's files carry no date: this manifest gives the member snapshot's (see the fixture). */
export const MIRROR_MANIFEST = path.resolve(__dirname, '..', 'fixtures', 'civic', 'mirror-manifest.json');

export const MIRROR_DIR =
  process.env.CIVIC_DATA_FROM ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

let imported: Promise<string> | undefined;

/** A data folder holding the member index and district boundaries imported from the mirror. */
export function importedDataDir(): Promise<string> {
  imported ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-data-'));
    await importCivicData({ from: MIRROR_DIR, outDir: dir, manifest: MIRROR_MANIFEST });
    return dir;
  })();
  return imported;
}
