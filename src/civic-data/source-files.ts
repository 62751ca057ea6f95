/**
 * civic-data/source-files: reading the public sources, from a local folder or their canonical URLs, with
 * each source's own date (HTTP Last-Modified, a manifest, the operator's --data-date, or a known file's
 * checksum; never a file's modification time), and the error messages that name file, record and field.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { congressDates } from './congress';
import knownFiles from './known-files.json';
import type { SourceInfo } from './types';

/** What is recorded of a source: what it says of itself, and the window of its Congress. */
export function sourceInfo(read: Omit<SourceInfo, 'validFrom' | 'validUntil'>): SourceInfo {
  const window = congressDates(read.congress);
  return { ...read, validFrom: window.start, validUntil: window.end };
}

/** The raw text of one source and the name used for it in messages (a URL or a path in the folder). */
export interface SourceText {
  name: string;
  text: string;
  /** The source's own date when its origin says it (HTTP Last-Modified). */
  date?: string | null;
}

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-06-15');

const ManifestEntrySchema = z.object({
  date: IsoDay.optional(),
  /** The Congress of a source that does not say it itself (zccd.csv). */
  congress: z.number().int().min(1).optional(),
  /**
   * How many members, ZIP areas or districts the source holds: fewer read is refused as truncated. Without
   * it the national least applies (90 senators, 400 representatives, 30,000 ZIP areas, 435 districts).
   */
  records: z.number().int().min(1).optional(),
  /** Upstream version (a commit), for the record. */
  version: z.string().optional(),
});

/**
 * A manifest describes sources that carry no date or Congress of their own: `manifest.json` at the top of a
 * `--from` folder, or a file passed with `--manifest`. Keys: members, zips, shapes.
 */
const ManifestSchema = z.object({
  members: ManifestEntrySchema.optional(),
  zips: ManifestEntrySchema.optional(),
  shapes: ManifestEntrySchema.optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

const MANIFEST_FILE_NAME = 'manifest.json';

async function readManifest(file: string): Promise<Manifest> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DataError(`${file}: cannot read the manifest (${error.code})`, { cause: error });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file}: the manifest is not valid JSON`, { cause: error });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw recordError(file, 'manifest', parsed.error.issues[0]!);
  return parsed.data;
}

/** The manifest of a `--from` folder (its `manifest.json`), merged under the operator's own file. */
export async function loadManifest(options: { from?: string; manifest?: string }): Promise<Manifest> {
  const inFolder = options.from && path.join(options.from, MANIFEST_FILE_NAME);
  const folder = inFolder && (await isFile(inFolder)) ? await readManifest(inFolder) : {};
  const given = options.manifest ? await readManifest(options.manifest) : {};
  return {
    members: { ...folder.members, ...given.members },
    zips: { ...folder.zips, ...given.zips },
    shapes: { ...folder.shapes, ...given.shapes },
  };
}

const KnownFileSchema = z.array(
  z.object({ sha256: z.string(), source: z.string(), congress: z.number().int(), date: IsoDay }),
);
const KNOWN_FILES = KnownFileSchema.parse(knownFiles.files);

/** What we know of a published file that does not describe itself (zccd.csv), by its checksum. */
export function knownFile(text: string): { congress: number; date: string; source: string } | undefined {
  const sha256 = createHash('sha256').update(text).digest('hex');
  return KNOWN_FILES.find((f) => f.sha256 === sha256);
}

// ---------------------------------------------------------------------------------------------------
// Errors naming file, record and field

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(record)';
}

export function recordError(
  file: string,
  where: string,
  issue: z.core.$ZodIssue,
  prefix: PropertyKey[] = [],
): DataError {
  const field = formatPath([...prefix, ...issue.path]);
  return new DataError(`${file}: ${where}: field "${field}" ${issue.message}`);
}

export function parseJsonArray(source: SourceText): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch (error) {
    throw new DataError(`${source.name}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new DataError(`${source.name}: expected a JSON array of records`);
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Reading

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Reads `<dir>/<rel>`; the error names the path inside the folder. */
export async function readLocalText(dir: string, rel: string): Promise<SourceText> {
  const file = path.join(dir, rel);
  try {
    return { name: rel, text: await fs.readFile(file, 'utf8') };
  } catch (error) {
    throw new DataError(
      `${rel}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error },
    );
  }
}

const DOWNLOAD_TIMEOUT_MS = 120_000;

/** "Tue, 16 Jun 2026 04:12:00 GMT" to "2026-06-16"; null when absent or unreadable. */
export function lastModifiedDay(response: Response): string | null {
  const header = response.headers.get('last-modified');
  const time = header ? Date.parse(header) : NaN;
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : null;
}

/** GET with a time limit; null when the URL answers 404 (the publisher has not published the file yet). */
export async function fetchIfPublished(
  url: string,
  timeoutMs = DOWNLOAD_TIMEOUT_MS,
): Promise<Response | null> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new DataError(`${url}: download failed (${(error as Error).message}). Offline? Use --from DIR.`, {
      cause: error,
    });
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new DataError(`${url}: download failed with HTTP ${response.status}`);
  return response;
}

/** GET with a time limit; the error names the URL and, when offline, suggests --from. */
export async function fetchSource(url: string, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<Response> {
  const response = await fetchIfPublished(url, timeoutMs);
  if (!response) throw new DataError(`${url}: download failed with HTTP 404`);
  return response;
}

export async function downloadText(url: string): Promise<SourceText> {
  const response = await fetchSource(url);
  return { name: url, text: await response.text(), date: lastModifiedDay(response) };
}
