/**
 * server: the process entry point. Loads config (failing fast), builds the runtime and the app, listens,
 * and on SIGTERM/SIGINT stops accepting, finishes requests in flight, stops the worker, closes the database.
 */
import type { Server } from 'node:http';
import { createRuntime } from './bootstrap';
import { ConfigError, loadConfig } from './config/config';
import { AppError } from './platform/errors';
import { createApp, LISTEN_BACKLOG } from './web/app';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const runtime = await createRuntime(config);
  const { logger } = runtime.deps;
  const app = createApp(runtime.deps);
  const server: Server = app.listen(config.port, config.host, LISTEN_BACKLOG, () => {
    logger.info(
      { url: config.publicUrl, port: config.port, database: config.database.kind },
      'Dear Congress is listening',
    );
  });
  runtime.startBackground();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 15_000).unref();
    server.close(async () => {
      await runtime.stopBackground();
      await runtime.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A configuration or data problem is a message for the operator; anything else keeps its stack.
  console.error(error instanceof ConfigError || error instanceof AppError ? error.message : error);
  process.exit(1);
});
