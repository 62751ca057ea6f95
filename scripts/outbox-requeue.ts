/**
 * `npm run outbox:requeue -- --batch ID` or `npm run outbox:requeue -- --all-failed`: queues failed emails
 * again (after fixing SMTP settings, say), attempts reset; their failed letters go back to "queued". The
 * running outbox worker sends them on its next poll. Reads the same environment as the server
 * (DATABASE_URL or DATA_DIR/SQLITE_PATH). In the Docker image: `node dist/scripts/outbox-requeue.js ...`.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config';
import { requeueFailed } from '../src/delivery/outbox';
import { openStorage } from '../src/storage/database';

// `--batch=ID`: a batch id is base64url and may begin with '-', which parseArgs refuses after a space.
const USAGE = 'Usage: npm run outbox:requeue -- --batch=BATCH_ID | --all-failed';

interface Io {
  log: (line: string) => void;
  error: (line: string) => void;
}

/** Runs the command; returns the exit code (2 for a usage error). */
export async function main(
  argv: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  io: Io = { log: console.log, error: console.error },
): Promise<number> {
  let options: { batch?: string; 'all-failed'?: boolean; help?: boolean };
  try {
    ({ values: options } = parseArgs({
      args: argv,
      options: {
        batch: { type: 'string' },
        'all-failed': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    io.log(USAGE);
    return 0;
  }
  if (Boolean(options.batch) === Boolean(options['all-failed'])) {
    io.error(`Give either --batch or --all-failed.\n${USAGE}`);
    return 2;
  }
  const storage = await openStorage(loadConfig(env).database);
  try {
    const batchId = options.batch;
    const count = await requeueFailed(storage, new Date(), batchId ? { batchId } : {});
    io.log(
      `Re-queued ${count} failed email${count === 1 ? '' : 's'}${batchId ? ` of batch ${batchId}` : ''}; ` +
        'the outbox worker sends them on its next poll.',
    );
    return 0;
  } finally {
    await storage.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`outbox:requeue failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
