/**
 * civic-data/data-files: the data folder's JSON files, read (a DataError naming the file when it cannot be
 * read or parsed) and written whole, atomically; the small ones (bill-status.json, reintroductions.json)
 * checked against their schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { DataError } from '../platform/errors';

/** The file's JSON; undefined when there is no such file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataError(`${file}: cannot be read`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: not valid JSON`, { cause: error });
  }
}

/** The file checked against `schema`; `missing` while there is none. */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, missing: T, hint: string): T {
  const json = readJsonFile(file);
  if (json === undefined) return missing;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DataError(`${file} is invalid: ${parsed.error.issues[0]?.message}${hint}`);
  return parsed.data;
}

/** Writes `content` to `file` as indented JSON (one line when `compact`), its folder made if need be. */
export async function writeDataFile(file: string, content: unknown, { compact = false } = {}): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, compact ? JSON.stringify(content) : `${JSON.stringify(content, null, 2)}\n`);
}
