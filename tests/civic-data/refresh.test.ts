/**
 * The in-server data refresh: a good import replaces the data in service (same object, new contents) and on
 * disk; a failed one changes nothing, says why, and leaves the refresh degraded until one succeeds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** An import that writes the mirror's index, changed by `edit`, and the mirror's boundaries. */
function importWriting(edit: (file: CivicIndexFile) => void): CivicDataRefreshDeps['importInto'] {
  return async (dir) => {
    const file = indexFile();
    edit(file);
    fs.writeFileSync(path.join(dir, INDEX_FILE_NAME), JSON.stringify(file));
    fs.copyFileSync(path.join(source, DISTRICT_SHAPES_FILE), path.join(dir, DISTRICT_SHAPES_FILE));
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
    const refresh = refreshWith(async (dir) => {
      fs.writeFileSync(path.join(dir, INDEX_FILE_NAME), JSON.stringify({ meta: {}, members: [] }));
    });
    const outcome = await refresh.refreshNow();
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed at "meta\.source"/),
    });
    expect(civic.members.length).toBeGreaterThan(500);
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
    const refresh = refreshWith(async (dir, from, now) => {
      imports++;
      await write(dir, from, now);
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
