/**
 * civic-data/zip-archive: the members of a downloaded zip (Census shapefiles, block equivalency files),
 * read with yauzl under a time limit, so a truncated or corrupt download fails with the file's name instead
 * of hanging or yielding half a file.
 */
import type { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { DataError } from '../platform/errors';

const ZIP_TIME_LIMIT_MS = 120_000;

export function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
}

/**
 * Calls `onEntry` with a stream of each member whose name `wanted` accepts, one at a time, in archive
 * order. Rejects with a DataError naming the archive when it is corrupt or the time limit passes.
 */
export async function forEachZipEntry(
  buffer: Buffer,
  source: string,
  wanted: (name: string) => boolean,
  onEntry: (name: string, stream: Readable) => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DataError(`${source}: reading the zip took over ${ZIP_TIME_LIMIT_MS / 1000} s; giving up`),
        ),
      ZIP_TIME_LIMIT_MS,
    );
  });
  try {
    await Promise.race([readEntries(buffer, source, wanted, onEntry), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readEntries(
  buffer: Buffer,
  source: string,
  wanted: (name: string) => boolean,
  onEntry: (name: string, stream: Readable) => Promise<void>,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  } catch (error) {
    throw new DataError(
      `${source}: not a readable zip file (${(error as Error).message}; truncated download?)`,
      { cause: error },
    );
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown): void => {
        reject(
          error instanceof DataError
            ? error
            : new DataError(`${source}: corrupt zip (${(error as Error).message}; truncated download?)`, {
                cause: error,
              }),
        );
      };
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/') || !wanted(entry.fileName)) {
          zip.readEntry();
          return;
        }
        zip
          .openReadStreamPromise(entry)
          .then((stream) => onEntry(entry.fileName, stream))
          .then(() => zip.readEntry(), fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** The members `wanted` accepts, as buffers (for small members such as a shapefile's .shp and .dbf). */
export async function readZipEntries(
  buffer: Buffer,
  source: string,
  wanted: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  await forEachZipEntry(buffer, source, wanted, async (name, stream) => {
    entries.set(name, await readAll(stream));
  });
  return entries;
}
