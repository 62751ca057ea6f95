/**
 * civic-data/data-files: the data folder's small JSON files (bill-status.json, reintroductions.json), read
 * checked against their schema and written whole, atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { DataError } from '../platform/errors';

/** The file checked against `schema`; `missing` while there is none. */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, missing: T, hint: string): T {
  if (!fs.existsSync(file)) return missing;
  const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new DataError(`${file} is invalid: ${parsed.error.issues[0]?.message}${hint}`);
  return parsed.data;
}

/** Writes `content` to `file` as indented JSON, its folder made if need be. */
export async function writeDataFile(file: string, content: unknown): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
}
