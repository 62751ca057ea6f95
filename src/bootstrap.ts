/**
 * bootstrap: creates the real dependencies from a Config (data index, campaigns, database, mail transport,
 * outbox worker). `src/server.ts` and the tests both build the app through here, so they cannot drift.
 */
import path from 'node:path';
import { loadCampaigns } from './campaign/campaign';
import { loadCivicIndex } from './civic-data/load';
import type { Config } from './config/config';
import { createLetterService } from './letters/letter-service';
import { systemClock, type Clock } from './platform/clock';
import { createHandlebars } from './platform/handlebars';
import { createLogger, type Logger } from './platform/logger';
import { openStorage } from './storage/database';
import { recordAction } from './tracking/actions';
import type { AppDeps } from './web/deps';

export interface Runtime {
  deps: AppDeps;
  /** Starts background work (the outbox worker, the retention purge). */
  startBackground?(): void;
  /** Stops background work, letting a message in flight finish. */
  stopBackground?(): Promise<void>;
  /** Closes the database; call after the HTTP server and worker have stopped. */
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  logger?: Logger;
}

/** Opens everything the app needs; throws a DataError naming the command to run when data is missing. */
export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const civic = loadCivicIndex(config.dataDir);
  const campaigns = loadCampaigns(config.campaignsDir, config.defaultCampaign);
  const storage = await openStorage(config.database);
  const hbs = createHandlebars();
  const letters = createLetterService({
    storage,
    hbs,
    campaigns,
    civic,
    clock,
    appSecret: config.appSecret,
    recordAction,
  });
  const deps: AppDeps = { config, logger, clock, hbs, civic, campaigns, storage, letters };
  return {
    deps,
    close: () => storage.close(),
  };
}

export const OUTBOX_DIR = (config: Config) => path.join(config.dataDir, 'outbox');
