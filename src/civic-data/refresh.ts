/**
 * civic-data/refresh: keeps the data in service fresh without a person remembering (DATA_REFRESH=daily).
 * Once a day (hourly once the data's Congress has ended) the running server imports the sources again, the
 * canonical URLs or CIVIC_DATA_FROM, into a folder of its own inside DATA_DIR; checks what it got (the
 * import's own checks, the index and boundaries load, no step back to an older Congress); moves the files
 * into DATA_DIR; and only then replaces the index and boundaries in memory, each in one assignment.
 *
 * A refresh that fails changes nothing: the old data stays in service and on disk, the reason is logged
 * (file names, URLs and Congress numbers; never anything about a person) and `status()` says degraded until
 * a refresh succeeds. The campaigns' sponsor rolls (bill-status.json) are refreshed in the same round, on
 * their own, and once a campaign's bills' Congress has ended the round looks for their reintroduction
 * (reintroductions.json): any step may fail without undoing the others. Each server process refreshes its own memory;
 * with several instances each one runs its own refresh (docs/data.md).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DAY_MS, type Clock } from '../platform/clock';
import { DataError } from '../platform/errors';
import { redactedReason } from '../platform/logger';
import {
  loadBillStatus,
  readBillStatus,
  writeBillStatus,
  type BillRef,
  type BillSponsorsRecord,
} from './bill-status';
import { DISTRICT_SHAPES_FILE, loadShapesForIndex, type DistrictShapeIndex } from './district-shapes';
import { importCivicData } from './import';
import { INDEX_FILE_NAME, loadCivicIndex, type CivicIndex } from './load';
import type { CivicSourceUrls } from '../config/config';

/** Once the data's Congress has ended, look for its successor more often. */
const STALE_INTERVAL_MS = 60 * 60_000;
/** A staging folder this old was left by a process that died mid-refresh (never one still running). */
const ABANDONED_STAGING_MS = 6 * 60 * 60_000;
const STAGING_PREFIX = '.refresh-';

interface RefreshLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CivicDataRefreshDeps {
  dataDir: string;
  /** CIVIC_DATA_FROM: a local folder laid out like the data mirror; undefined downloads the canonical URLs. */
  from: string | undefined;
  /** CIVIC_DATA_MANIFEST: the dates of a folder's files, which carry none (docs/data.md). */
  manifest?: string;
  /** Where the sources are downloaded from (the same settings as `npm run data:update`). */
  urls: CivicSourceUrls;
  /** The index in service; replaced in place. */
  civic: CivicIndex;
  /** Puts new boundaries in service. */
  shapes: { replace(next: DistrictShapeIndex | null): void };
  clock: Clock;
  logger: RefreshLogger;
  /** Called after new data went into service (the geocoder chooses its vintage for the new Congress). */
  onReplaced?: (civic: CivicIndex) => void;
  /**
   * Other lists read again with each refresh, whatever its outcome (the offices that take CWC today:
   * src/delivery/cwc/offices.ts). Keeps its own failures; never throws.
   */
  eachRound?: () => Promise<void>;
  /**
   * The sponsor rolls of the campaigns' bills (`bill-status.json`), refreshed after the members whether
   * or not they changed, from the same folder or URLs; `replace` puts them in service. A bill the import
   * could not read (offline, no file for it) keeps its last imported roll.
   */
  billStatus?: {
    /** The bills whose rolls are read (the campaigns' and the numbers the organiser adopted). */
    bills(): BillRef[];
    congressGovApiKey: string | undefined;
    replace(next: ReadonlyMap<string, BillSponsorsRecord>): void;
  };
  /**
   * Once a campaign bill's Congress has ended, the search for its reintroduction in the new Congress
   * (civic-data/reintroductions), after the sponsor rolls. Its failure is reported like theirs and undoes
   * nothing else.
   */
  reintroductions?: { search(now: Date): Promise<{ searched: number; candidates: number }> };
}

export interface RefreshStatus {
  state: 'ok' | 'degraded';
  lastSuccessAt: string | null;
  /** The last refresh's failure, until a refresh succeeds. */
  failure: { at: string; reason: string } | null;
}

type RefreshOutcome = { ok: true; congress: number; importedAt: string } | { ok: false; reason: string };

/** Removes staging folders left behind by a crash; another instance's refresh in progress is younger. */
async function removeAbandonedStaging(dataDir: string, now: Date): Promise<void> {
  for (const name of await fs.readdir(dataDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const folder = path.join(dataDir, name);
    const stat = await fs.stat(folder).catch(() => undefined);
    if (stat && now.getTime() - stat.mtimeMs > ABANDONED_STAGING_MS) {
      await fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

export function createCivicDataRefresh(deps: CivicDataRefreshDeps) {
  const { civic, clock, logger } = deps;
  let running: Promise<RefreshOutcome> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let lastSuccessAt: string | null = null;
  let failure: RefreshStatus['failure'] = null;

  /** Members, ZIP table and boundaries: imported into `staging`, checked, on disk, then in memory. */
  async function refreshCivicData(staging: string): Promise<RefreshOutcome> {
    // The maps in service stay where nothing newer is published (civic-data/previous-maps).
    await importCivicData({
      from: deps.from,
      outDir: staging,
      now: clock.now(),
      ...(deps.manifest ? { manifest: deps.manifest } : {}),
      urls: deps.urls,
      servedDir: deps.dataDir,
    });
    const next = loadCivicIndex(staging);
    const previous = civic.meta.congress;
    if (next.meta.congress < previous) {
      throw new DataError(
        `the sources describe Congress ${next.meta.congress}, older than Congress ${previous} in service`,
      );
    }
    // The import wrote the boundaries to serve with this index (new, kept or proven unchanged), or none.
    const { shapes, problem } = loadShapesForIndex(staging, next.meta);
    if (problem) throw new DataError(`${DISTRICT_SHAPES_FILE}: ${problem}`);
    // On disk first, so a restart serves what memory serves. districts.json names the index it belongs
    // to, so a crash between the two renames leaves boundaries that start-up refuses, never a mix.
    if (shapes) {
      await fs.rename(
        path.join(staging, DISTRICT_SHAPES_FILE),
        path.join(deps.dataDir, DISTRICT_SHAPES_FILE),
      );
    } else {
      await fs.rm(path.join(deps.dataDir, DISTRICT_SHAPES_FILE), { force: true });
    }
    await fs.rename(path.join(staging, INDEX_FILE_NAME), path.join(deps.dataDir, INDEX_FILE_NAME));
    civic.replaceWith(next);
    deps.shapes.replace(shapes);
    lastSuccessAt = clock.now().toISOString();
    logger.info(
      {
        event: 'civic_data.refreshed',
        congress: civic.meta.congress,
        previousCongress: previous,
        snapshotDate: civic.meta.snapshotDate,
        members: civic.members.length,
        boundaries: shapes !== null,
        awaitingZips: civic.meta.awaitingMaps?.zips ?? [],
        awaitingBoundaries: civic.meta.awaitingMaps?.boundaries ?? [],
      },
      'civic data refreshed',
    );
    deps.onReplaced?.(civic);
    return { ok: true, congress: civic.meta.congress, importedAt: civic.meta.importedAt };
  }

  /** The sponsor rolls: the fresh ones over the last imported, on disk, then in service. Throws on failure. */
  async function refreshBillStatus() {
    const { billStatus } = deps;
    if (!billStatus) return;
    const { rolls: fresh } = await readBillStatus({
      bills: billStatus.bills(),
      from: deps.from,
      congressGovApiKey: billStatus.congressGovApiKey,
      urls: deps.urls,
      now: clock.now(),
    });
    if (fresh.size === 0) return; // nothing read (offline without the files): the rolls stay as they are
    const rolls = new Map([...loadBillStatus(deps.dataDir), ...fresh]);
    await writeBillStatus(deps.dataDir, rolls);
    billStatus.replace(rolls);
    logger.info({ event: 'civic_data.bill_status_refreshed', bills: rolls.size }, 'bill status refreshed');
  }

  /** The search for the reintroduction of the campaign bills whose Congress has ended. */
  async function searchReintroductions() {
    const found = await deps.reintroductions?.search(clock.now());
    if (!found?.searched) return;
    logger.info(
      { event: 'civic_data.reintroductions_searched', bills: found.searched, candidates: found.candidates },
      'looked for the reintroduction of bills whose Congress has ended',
    );
  }

  async function refresh(): Promise<RefreshOutcome> {
    const startedAt = clock.now();
    const failures: string[] = [];
    /** A step after the civic data's: its failure is logged and kept for status(), and undoes nothing. */
    const attempt = async (
      step: () => Promise<void>,
      failed: { label: string; event: string; msg: string },
    ) => {
      try {
        await step();
      } catch (error) {
        const reason = redactedReason(error);
        failures.push(`${failed.label}: ${reason}`);
        logger.warn({ event: failed.event, reason }, failed.msg);
      }
    };
    let staging: string | undefined;
    let outcome: RefreshOutcome;
    try {
      await fs.mkdir(deps.dataDir, { recursive: true });
      await removeAbandonedStaging(deps.dataDir, startedAt);
      staging = await fs.mkdtemp(path.join(deps.dataDir, STAGING_PREFIX));
      outcome = await refreshCivicData(staging);
    } catch (error) {
      const reason = redactedReason(error);
      failures.push(reason);
      logger.warn(
        { event: 'civic_data.refresh_failed', reason, congressInService: civic.meta.congress },
        'civic data refresh failed; the data in service is kept',
      );
      outcome = { ok: false, reason };
    }
    if (staging) await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    // The rolls change more often than the members (a cosponsor signs on any day): refreshed either way.
    await attempt(refreshBillStatus, {
      label: 'bill status',
      event: 'civic_data.bill_status_failed',
      msg: 'bill status refresh failed; the sponsor rolls in service are kept',
    });
    await attempt(searchReintroductions, {
      label: 'reintroduction search',
      event: 'civic_data.reintroduction_search_failed',
      msg: 'the search for reintroduced bills failed; the candidates found before are kept',
    });
    await deps.eachRound?.().catch(() => undefined);
    failure = failures.length > 0 ? { at: startedAt.toISOString(), reason: failures.join('; ') } : null;
    return outcome;
  }

  /** Runs one refresh now (or joins the one running). Never throws. */
  function refreshNow(): Promise<RefreshOutcome> {
    running ??= refresh().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** Milliseconds until the next refresh is due: a day after the last import, an hour when stale. */
  function nextDelay(): number {
    const now = clock.now();
    const interval = civic.isStale(now) ? STALE_INTERVAL_MS : DAY_MS;
    const last = Math.max(Date.parse(civic.meta.importedAt) || 0, failure ? Date.parse(failure.at) : 0);
    return Math.min(interval, Math.max(0, last + interval - now.getTime()));
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      void refreshNow().then(schedule);
    }, nextDelay());
    timer.unref();
  }

  return {
    refreshNow,
    /** Schedules refreshes: the first when the data is a day old (at once if it already is). */
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    /** Cancels the schedule and waits for a refresh in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    status(): RefreshStatus {
      return { state: failure ? 'degraded' : 'ok', lastSuccessAt, failure };
    },
  };
}
