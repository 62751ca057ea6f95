/**
 * The in-server data refresh: a good import replaces the data in service (same object, new contents) and on
 * disk; a failed one changes nothing, says why, and leaves the refresh degraded until one succeeds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BILL_STATUS_FILE, loadBillStatus, type BillSponsorsRecord } from '../../src/civic-data/bill-status';
import { DISTRICT_SHAPES_FILE, loadDistrictShapes } from '../../src/civic-data/district-shapes';
import { INDEX_FILE_NAME } from '../../src/civic-data/import';
import { loadCivicIndex, type CivicIndex } from '../../src/civic-data/load';
import { createCivicDataRefresh, type CivicDataRefreshDeps } from '../../src/civic-data/refresh';
import type { CivicIndexFile } from '../../src/civic-data/types';
import { ManualClock } from '../helpers/clock';
import { DataError } from '../../src/platform/errors';
import { importedDataDir } from '../helpers/civic-data';

let source: string;
let dataDir: string;
let civic: CivicIndex;
let clock: ManualClock;
const logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];

beforeEach(async () => {
  source = await importedDataDir();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-refresh-'));
  for (const file of [INDEX_FILE_NAME, DISTRICT_SHAPES_FILE]) {
    fs.copyFileSync(path.join(source, file), path.join(dataDir, file));
  }
  civic = loadCivicIndex(dataDir);
  clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
  logs.length = 0;
});

afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function indexFile(): CivicIndexFile {
  return JSON.parse(fs.readFileSync(path.join(source, INDEX_FILE_NAME), 'utf8')) as CivicIndexFile;
}

/** An import that writes the mirror's index, changed by `edit`, and the mirror's boundaries for it. */
function importWriting(edit: (file: CivicIndexFile) => void): CivicDataRefreshDeps['importInto'] {
  return async (dir) => {
    const file = indexFile();
    edit(file);
    fs.writeFileSync(path.join(dir, INDEX_FILE_NAME), JSON.stringify(file));
    const shapes = JSON.parse(fs.readFileSync(path.join(source, DISTRICT_SHAPES_FILE), 'utf8'));
    shapes.meta.indexImportedAt = file.meta.importedAt;
    fs.writeFileSync(path.join(dir, DISTRICT_SHAPES_FILE), JSON.stringify(shapes));
  };
}

function refreshWith(
  importInto: CivicDataRefreshDeps['importInto'],
  extra: Partial<CivicDataRefreshDeps> = {},
) {
  let shapes = loadDistrictShapes(dataDir);
  return createCivicDataRefresh({
    dataDir,
    from: '/nowhere',
    civic,
    shapes: { current: () => shapes, replace: (next) => void (shapes = next) },
    clock,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
    importInto,
    ...extra,
  });
}

const leftovers = () => fs.readdirSync(dataDir).filter((name) => name.startsWith('.refresh-'));

describe('civic data refresh', () => {
  test('when the import succeeds, then the same index object serves the new data, on disk too, and the status is ok', async () => {
    const replaced: number[] = [];
    const refresh = refreshWith(
      importWriting((file) => {
        file.meta.importedAt = '2026-11-29T12:00:00.000Z';
        file.members.find((m) => m.bioguide === 'C000127')!.name = 'Maria Cantwell (refreshed)';
      }),
      { onReplaced: (index) => replaced.push(index.meta.congress) },
    );
    const before = civic;
    expect(await refresh.refreshNow()).toEqual({
      ok: true,
      congress: 119,
      importedAt: '2026-11-29T12:00:00.000Z',
    });
    expect(civic).toBe(before);
    expect(civic.memberByBioguide('C000127')?.name).toBe('Maria Cantwell (refreshed)');
    expect(loadCivicIndex(dataDir).memberByBioguide('C000127')?.name).toBe('Maria Cantwell (refreshed)');
    expect(replaced).toEqual([119]);
    expect(refresh.status()).toMatchObject({
      state: 'ok',
      failure: null,
      lastSuccessAt: clock.now().toISOString(),
    });
    expect(leftovers()).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ level: 'info', msg: 'civic data refreshed' })]);
  });

  test('when the import fails, then the old data stays in memory and on disk, the reason is logged and the status is degraded', async () => {
    const onDisk = fs.readFileSync(path.join(dataDir, INDEX_FILE_NAME), 'utf8');
    const importedAt = civic.meta.importedAt;
    const reason =
      'the sources describe different Congresses: members (legislators-current.json) the 120th, ZIP table (zccd.csv) the 119th';
    const refresh = refreshWith(async () => {
      throw new DataError(reason);
    });
    expect(await refresh.refreshNow()).toEqual({ ok: false, reason });
    expect(civic.meta.importedAt).toBe(importedAt);
    expect(civic.memberByBioguide('C000127')?.name).toBe('Maria Cantwell');
    expect(fs.readFileSync(path.join(dataDir, INDEX_FILE_NAME), 'utf8')).toBe(onDisk);
    expect(refresh.status()).toEqual({
      state: 'degraded',
      lastSuccessAt: null,
      failure: { at: clock.now().toISOString(), reason },
    });
    expect(logs).toEqual([
      {
        level: 'warn',
        obj: { event: 'civic_data.refresh_failed', reason, congressInService: 119 },
        msg: 'civic data refresh failed; the data in service is kept',
      },
    ]);
    expect(leftovers()).toEqual([]);

    // The next good refresh clears it.
    const again = refreshWith(importWriting(() => undefined));
    await again.refreshNow();
    expect(again.status().state).toBe('ok');
  });

  test('when the import writes an index that does not load, then it is refused and nothing changes', async () => {
    const membersBefore = civic.members.length;
    const refresh = refreshWith(async (dir) => {
      fs.writeFileSync(path.join(dir, INDEX_FILE_NAME), JSON.stringify({ meta: {}, members: [] }));
    });
    const outcome = await refresh.refreshNow();
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed at "meta\.source"/),
    });
    expect(membersBefore).toBeGreaterThan(0);
    expect(civic.members.length).toBe(membersBefore);
  });

  test('when the sources describe an older Congress than the one in service, then the refresh is refused', async () => {
    const refresh = refreshWith(importWriting((file) => void (file.meta.congress = 118)));
    expect(await refresh.refreshNow()).toEqual({
      ok: false,
      reason: 'the sources describe Congress 118, older than Congress 119 in service',
    });
    expect(civic.meta.congress).toBe(119);
  });

  test('when the new data comes without boundaries, then boundaries of another Congress are dropped, in memory and on disk', async () => {
    let shapes = loadDistrictShapes(dataDir);
    const refresh = createCivicDataRefresh({
      dataDir,
      from: undefined,
      civic,
      shapes: { current: () => shapes, replace: (next) => void (shapes = next) },
      clock,
      logger: { info: () => undefined, warn: () => undefined },
      importInto: async (dir) => {
        const file = indexFile();
        file.meta.congress = 120;
        file.meta.validUntil = '2029-01-03';
        fs.writeFileSync(path.join(dir, INDEX_FILE_NAME), JSON.stringify(file));
      },
    });
    expect(shapes?.meta?.congress).toBe(119);
    expect((await refresh.refreshNow()).ok).toBe(true);
    expect(shapes).toBeNull();
    expect(fs.existsSync(path.join(dataDir, DISTRICT_SHAPES_FILE))).toBe(false);
  });

  test('a staging folder left by a crash hours ago is removed; a recent one (another instance at work) is not', async () => {
    const abandoned = path.join(dataDir, '.refresh-abandoned');
    const recent = path.join(dataDir, '.refresh-recent');
    fs.mkdirSync(abandoned);
    fs.mkdirSync(recent);
    const longAgo = new Date(clock.now().getTime() - 7 * 60 * 60_000);
    fs.utimesSync(abandoned, longAgo, longAgo);
    await refreshWith(importWriting(() => undefined)).refreshNow();
    expect(leftovers()).toEqual(['.refresh-recent']);
  });

  test('two refreshes asked at once run one import', async () => {
    let imports = 0;
    const write = importWriting(() => undefined)!;
    const refresh = refreshWith(async (dir, from, now, servedDir) => {
      imports++;
      await write(dir, from, now, servedDir);
    });
    await Promise.all([refresh.refreshNow(), refresh.refreshNow()]);
    expect(imports).toBe(1);
  });

  test('when started with data a day old, then it refreshes without being asked, and stop() waits for it', async () => {
    clock.set(new Date(Date.parse(civic.meta.importedAt) + 25 * 60 * 60_000));
    let done!: () => void;
    const refreshed = new Promise<void>((resolve) => (done = resolve));
    const refresh = refreshWith(
      importWriting(() => undefined),
      { onReplaced: () => done() },
    );
    refresh.start();
    await refreshed;
    await refresh.stop();
    expect(refresh.status().state).toBe('ok');
  });
});

describe('sponsor rolls in the refresh', () => {
  const S1829 = '119-s-1829';
  const HR3921 = '119-hr-3921';
  const roll = (asOf: string, cosponsors: string[]): BillSponsorsRecord => ({
    source: { name: 'govinfo BILLSTATUS bulk data' },
    asOf,
    importedAt: `${asOf}T06:00:00.000Z`,
    entries: [
      { bioguide: 'D000563', role: 'sponsor', since: '2025-05-21' },
      ...cosponsors.map((bioguide) => ({ bioguide, role: 'cosponsor' as const, since: asOf })),
    ],
  });
  const writeRolls = (dir: string, bills: Record<string, BillSponsorsRecord>) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, BILL_STATUS_FILE), JSON.stringify({ bills }));
  };
  const unchangedCivicData = importWriting(() => undefined);

  beforeEach(() => {
    writeRolls(dataDir, { [S1829]: roll('2026-11-01', []), [HR3921]: roll('2026-11-01', ['H001089']) });
  });

  test('when a bill has a new cosponsor, then its roll is replaced in service and on disk; a bill the import could not read keeps its roll', async () => {
    const inService: Array<ReadonlyMap<string, BillSponsorsRecord>> = [];
    const refresh = refreshWith(unchangedCivicData, {
      billStatus: {
        importInto: async (dir) => writeRolls(dir, { [S1829]: roll('2026-11-29', ['C000127']) }),
        replace: (next) => inService.push(next),
      },
    });
    expect((await refresh.refreshNow()).ok).toBe(true);
    expect(inService).toHaveLength(1);
    expect(inService[0]!.get(S1829)!.entries.map((e) => e.bioguide)).toEqual(['D000563', 'C000127']);
    expect(inService[0]!.get(HR3921)!.asOf).toBe('2026-11-01');
    expect(Object.fromEntries(loadBillStatus(dataDir))).toEqual(Object.fromEntries(inService[0]!));
    expect(refresh.status().state).toBe('ok');
    expect(leftovers()).toEqual([]);
  });

  test('when the rolls cannot be read, then the members are still refreshed and the rolls in service stay, degraded', async () => {
    const replaced: unknown[] = [];
    const onDisk = fs.readFileSync(path.join(dataDir, BILL_STATUS_FILE), 'utf8');
    const refresh = refreshWith(unchangedCivicData, {
      billStatus: {
        importInto: async () => {
          throw new DataError(
            'https://www.govinfo.gov/bulkdata/BILLSTATUS/119/s/BILLSTATUS-119s1829.xml: HTTP 503',
          );
        },
        replace: (next) => replaced.push(next),
      },
    });
    expect((await refresh.refreshNow()).ok).toBe(true);
    expect(replaced).toEqual([]);
    expect(fs.readFileSync(path.join(dataDir, BILL_STATUS_FILE), 'utf8')).toBe(onDisk);
    expect(refresh.status()).toMatchObject({
      state: 'degraded',
      failure: { reason: expect.stringMatching(/^bill status: .*HTTP 503$/) },
    });
    expect(logs.map((l) => l.obj.event)).toEqual(['civic_data.refreshed', 'civic_data.bill_status_failed']);
  });

  test('when the members cannot be refreshed, then the rolls still are', async () => {
    const replaced: Array<ReadonlyMap<string, BillSponsorsRecord>> = [];
    const refresh = refreshWith(
      async () => {
        throw new DataError('legislators-current.json: download failed with HTTP 502');
      },
      {
        billStatus: {
          importInto: async (dir) => writeRolls(dir, { [S1829]: roll('2026-11-29', ['C000127']) }),
          replace: (next) => replaced.push(next),
        },
      },
    );
    expect((await refresh.refreshNow()).ok).toBe(false);
    expect(replaced[0]!.get(S1829)!.asOf).toBe('2026-11-29');
    expect(refresh.status().failure?.reason).toBe('legislators-current.json: download failed with HTTP 502');
  });

  test('when the import read no bill at all (offline without the files), then nothing is written or replaced', async () => {
    const replaced: unknown[] = [];
    const before = fs.statSync(path.join(dataDir, BILL_STATUS_FILE)).mtimeMs;
    const refresh = refreshWith(unchangedCivicData, {
      billStatus: {
        importInto: async (dir) => writeRolls(dir, {}),
        replace: (next) => replaced.push(next),
      },
    });
    await refresh.refreshNow();
    expect(replaced).toEqual([]);
    expect(fs.statSync(path.join(dataDir, BILL_STATUS_FILE)).mtimeMs).toBe(before);
    expect(refresh.status().state).toBe('ok');
  });
});
