/**
 * delivery/cwc/offices: which offices take CWC today, as each service lists them: the House's
 * `GET /v2/offices` and the Senate's public active-office list. Read at start-up and with each data
 * refresh; a list that cannot be read keeps the last one read (none before the first: until then every
 * letter keeps the relay rather than being refused). Neither list's layout is published, so every string
 * shaped like an office code of the service's chamber counts, wherever it sits in the JSON.
 */
import type { WorkerLogger } from '../outbox-worker';
import type { CwcClient } from './client';
import type { Chamber } from '../../civic-data/types';
import { HouseOfficeCode, SenateOfficeCode } from './format';

export interface OfficeListStatus {
  chamber: Chamber;
  /** The offices on the last list read, sorted. */
  offices: readonly string[];
  /** When that list was read (ISO), or null before the first read. */
  readAt: string | null;
  /** The last failed read, until a read succeeds. */
  failure: { at: string; reason: string } | null;
}

export type LiveOffices = ReturnType<typeof createLiveOffices>;

/** A service's client (client.ts): its chamber and its list. */
type OfficeSource = Pick<CwcClient, 'chamber' | 'offices'>;

/** Bounds the walk through a list: the real ones hold a few hundred entries. */
const MAX_NODES = 200_000;

/** The office codes of `chamber` anywhere in a JSON value (arrays, objects, strings). */
export function officeCodesIn(json: unknown, chamber: Chamber): string[] {
  const pattern = chamber === 'house' ? HouseOfficeCode : SenateOfficeCode;
  const found = new Set<string>();
  const stack: unknown[] = [json];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const value = stack.pop();
    if (typeof value === 'string') {
      const code = value.trim().toUpperCase();
      if (code.length === 5 && pattern.safeParse(code).success) found.add(code);
    } else if (Array.isArray(value)) {
      stack.push(...value);
    } else if (value && typeof value === 'object') {
      stack.push(...Object.keys(value), ...Object.values(value));
    }
  }
  return [...found].sort();
}

export function createLiveOffices(
  sources: OfficeSource[],
  deps: { now(): Date; logger: Pick<WorkerLogger, 'warn' | 'info'> },
) {
  const lists = new Map<Chamber, OfficeListStatus>(
    sources.map((s) => [s.chamber, { chamber: s.chamber, offices: [], readAt: null, failure: null }]),
  );
  let live = new Set<string>();
  let running: Promise<void> | undefined;

  async function readOne(source: OfficeSource): Promise<void> {
    const at = deps.now().toISOString();
    const previous = lists.get(source.chamber)!;
    try {
      const offices = officeCodesIn(await source.offices(), source.chamber);
      // An empty list is more likely a changed layout than every office leaving CWC at once.
      if (offices.length === 0) throw new Error('the list names no office');
      lists.set(source.chamber, { chamber: source.chamber, offices, readAt: at, failure: null });
      deps.logger.info({ chamber: source.chamber, offices: offices.length }, 'cwc: office list read');
    } catch (error) {
      const reason = (error as { reason?: string }).reason ?? (error as Error).message ?? 'unknown';
      lists.set(source.chamber, { ...previous, failure: { at, reason } });
      deps.logger.warn(
        { chamber: source.chamber, reason },
        'cwc: office list not read; the last one is kept',
      );
    }
  }

  return {
    /** Whether the office is on its service's last list. */
    takes(office: string) {
      return live.has(office);
    },
    /** Reads every configured service's list again; never throws (a failure keeps the last list). */
    refresh(): Promise<void> {
      running ??= Promise.all(sources.map(readOne))
        .then(() => {
          live = new Set([...lists.values()].flatMap((l) => l.offices));
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    status() {
      return [...lists.values()];
    },
  };
}
