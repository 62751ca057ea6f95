/**
 * The in-server data refresh, importing a copy of the fixture's sources as the server does: a good import
 * replaces the data in service (same object, new contents) and on disk; a failed one changes nothing, says
 * why, and leaves the refresh degraded until one succeeds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BILL_STATUS_FILE, loadBillStatus, type BillSponsorsRecord } from '../../src/civic-data/bill-status';
import { DISTRICT_SHAPES_FILE, loadDistrictShapes } from '../../src/civic-data/district-shapes';
import { INDEX_FILE_NAME } from '../../src/civic-data/load';
import { loadCivicIndex, type CivicIndex } from '../../src/civic-data/load';
import { createCivicDataRefresh, type CivicDataRefreshDeps } from '../../src/civic-data/refresh';
import { CANONICAL_SOURCE_URLS } from '../../src/config/config';
import { copyFixtureSources, removeDir } from '../fixtures/civic/mirror';
import { FIXTURE_DATA_DIR, importedDataDir } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';

const BILL_STATUS_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'billstatus');

let source: string;
let dataDir: string;
let civic: CivicIndex;
let clock: ManualClock;
const logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];

const S1829 = { congress: 119, type: 's', number: 1829 };
const HR3921 = { congress: 119, type: 'hr', number: 3921 };
const LEGISLATORS = path.join('congress-legislators', 'legislators-current.json');

beforeEach(async () => {
  // In service: the fixture, imported. The sources: a copy of the fixture that a test may change.
  const served = await importedDataDir();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-refresh-'));
  for (const file of [INDEX_FILE_NAME, DISTRICT_SHAPES_FILE]) {
    fs.copyFileSync(path.join(served, file), path.join(dataDir, file));
  }
  source = await copyFixtureSources({ zccd: true, shapes: true });
  civic = loadCivicIndex(dataDir);
  clock = new ManualClock(new Date('2026-11-29T12:00:00Z'));
  logs.length = 0;
});

afterEach(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await removeDir(source);
});

/** Changes the sources' member list (legislators-current.json records). */
function editMembers(
  edit: (records: Array<{ id: { bioguide: string }; name: Record<string, string> }>) => void,
) {
  const file = path.join(source, LEGISLATORS);
  const records = JSON.parse(fs.readFileSync(file, 'utf8')) as Parameters<typeof edit>[0];
  edit(records);
  fs.writeFileSync(file, JSON.stringify(records));
}

/** Changes a data file in service (its JSON). */
function editServed(file: string, edit: (json: { meta: Record<string, unknown> }) => void) {
  const json = JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8')) as {
    meta: Record<string, unknown>;
  };
  edit(json);
  fs.writeFileSync(path.join(dataDir, file), JSON.stringify(json));
}

/** The refresh of the data in `dataDir` from the sources folder, as the server builds it. */
function refreshWith(extra: Partial<CivicDataRefreshDeps> = {}) {
  return createCivicDataRefresh({
    dataDir,
    from: source,
    urls: CANONICAL_SOURCE_URLS,
    civic,
    shapes: { replace: () => undefined },
    clock,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
    ...extra,
  });
}

const leftovers = () => fs.readdirSync(dataDir).filter((name) => name.startsWith('.refresh-'));

describe('civic data refresh', () => {
  test('when the import succeeds, then the same index object serves the new data, on disk too, and the status is ok', async () => {
    editMembers((records) => {
      records.find((r) => r.id.bioguide === 'C000127')!.name.official_full = 'Maria Cantwell (refreshed)';
    });
    const replaced: number[] = [];
    const refresh = refreshWith({ onReplaced: (index) => replaced.push(index.meta.congress) });
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
    fs.rmSync(path.join(source, LEGISLATORS));
    const refresh = refreshWith();
    const outcome = await refresh.refreshNow();
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^congress-legislators\/legislators-current\.json: cannot read /),
    });
    const { reason } = outcome as { reason: string };
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
    fs.copyFileSync(path.join(FIXTURE_DATA_DIR, LEGISLATORS), path.join(source, LEGISLATORS));
    await refresh.refreshNow();
    expect(refresh.status().state).toBe('ok');
  });

  test('when the sources describe an older Congress than the one in service, then the refresh is refused', async () => {
    editServed(INDEX_FILE_NAME, (index) => void (index.meta.congress = 120));
    civic = loadCivicIndex(dataDir);
    const refresh = refreshWith();
    expect(await refresh.refreshNow()).toEqual({
      ok: false,
      reason: 'the sources describe Congress 119, older than Congress 120 in service',
    });
    expect(civic.meta.congress).toBe(120);
  });

  test('when the sources have no boundaries and those in service are of an older map, then they are dropped, in memory and on disk', async () => {
    fs.rmSync(path.join(source, 'cd119-shapes'), { recursive: true });
    editServed(DISTRICT_SHAPES_FILE, (shapes) => void (shapes.meta.congress = 117));
    let shapes = loadDistrictShapes(dataDir);
    const refresh = refreshWith({
      shapes: { replace: (next) => void (shapes = next) },
    });
    expect(shapes?.meta?.congress).toBe(117);
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
    await refreshWith().refreshNow();
    expect(leftovers()).toEqual(['.refresh-recent']);
  });

  test('two refreshes asked at once run one import', async () => {
    const refresh = refreshWith();
    const [first, second] = [refresh.refreshNow(), refresh.refreshNow()];
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(logs.filter((l) => l.msg === 'civic data refreshed')).toHaveLength(1);
  });

  test('when started with data a day old, then it refreshes without being asked, and stop() waits for it', async () => {
    clock.set(new Date(Date.parse(civic.meta.importedAt) + 25 * 60 * 60_000));
    let done!: () => void;
    const refreshed = new Promise<void>((resolve) => (done = resolve));
    const refresh = refreshWith({ onReplaced: () => done() });
    refresh.start();
    await refreshed;
    await refresh.stop();
    expect(refresh.status().state).toBe('ok');
  });
});

describe('sponsor rolls in the refresh', () => {
  const roll = (asOf: string, cosponsors: string[]): BillSponsorsRecord => ({
    source: { name: 'govinfo BILLSTATUS bulk data' },
    asOf,
    importedAt: `${asOf}T06:00:00.000Z`,
    entries: [
      { bioguide: 'D000563', role: 'sponsor', since: '2025-05-21' },
      ...cosponsors.map((bioguide) => ({ bioguide, role: 'cosponsor' as const, since: asOf })),
    ],
  });
  /** The sources' BILLSTATUS file of S. 1829 (the fixture's: updated 2025-12-10, two cosponsors). */
  const publishS1829 = (text?: string) => {
    const name = 'BILLSTATUS-119s1829.xml';
    if (text === undefined) fs.copyFileSync(path.join(BILL_STATUS_FIXTURES, name), path.join(source, name));
    else fs.writeFileSync(path.join(source, name), text);
  };
  const rollsRefresh = (replace: (next: ReadonlyMap<string, BillSponsorsRecord>) => void) =>
    refreshWith({ billStatus: { bills: () => [S1829, HR3921], congressGovApiKey: undefined, replace } });

  beforeEach(() => {
    fs.writeFileSync(
      path.join(dataDir, BILL_STATUS_FILE),
      JSON.stringify({
        bills: { '119-s-1829': roll('2026-11-01', []), '119-hr-3921': roll('2026-11-01', ['H001089']) },
      }),
    );
  });

  test('when a bill has a new cosponsor, then its roll is replaced in service and on disk; a bill the import could not read keeps its roll', async () => {
    publishS1829();
    const inService: Array<ReadonlyMap<string, BillSponsorsRecord>> = [];
    const refresh = rollsRefresh((next) => inService.push(next));
    expect((await refresh.refreshNow()).ok).toBe(true);
    expect(inService).toHaveLength(1);
    expect(inService[0]!.get('119-s-1829')).toMatchObject({ asOf: '2025-12-10' });
    expect(inService[0]!.get('119-s-1829')!.entries.length).toBeGreaterThan(1);
    expect(inService[0]!.get('119-hr-3921')!.asOf).toBe('2026-11-01');
    expect(Object.fromEntries(loadBillStatus(dataDir))).toEqual(Object.fromEntries(inService[0]!));
    expect(refresh.status().state).toBe('ok');
    expect(leftovers()).toEqual([]);
  });

  test('when the rolls cannot be read, then the members are still refreshed and the rolls in service stay, degraded', async () => {
    publishS1829(
      '<billStatus><bill><congress>119</congress><type>HR</type><number>1</number></bill></billStatus>',
    );
    const replaced: unknown[] = [];
    const onDisk = fs.readFileSync(path.join(dataDir, BILL_STATUS_FILE), 'utf8');
    const refresh = rollsRefresh((next) => replaced.push(next));
    expect((await refresh.refreshNow()).ok).toBe(true);
    expect(replaced).toEqual([]);
    expect(fs.readFileSync(path.join(dataDir, BILL_STATUS_FILE), 'utf8')).toBe(onDisk);
    expect(refresh.status()).toMatchObject({
      state: 'degraded',
      failure: { reason: expect.stringMatching(/^bill status: .*BILLSTATUS-119s1829\.xml: holds 119-hr-1/) },
    });
    expect(logs.map((l) => l.obj.event)).toEqual(['civic_data.refreshed', 'civic_data.bill_status_failed']);
  });

  test('when the members cannot be refreshed, then the rolls still are', async () => {
    publishS1829();
    fs.rmSync(path.join(source, LEGISLATORS));
    const replaced: Array<ReadonlyMap<string, BillSponsorsRecord>> = [];
    const refresh = rollsRefresh((next) => replaced.push(next));
    expect((await refresh.refreshNow()).ok).toBe(false);
    expect(replaced[0]!.get('119-s-1829')!.asOf).toBe('2025-12-10');
    expect(refresh.status().failure?.reason).toMatch(
      /^congress-legislators\/legislators-current\.json: cannot read /,
    );
  });

  test('when the import read no bill at all (offline without the files), then nothing is written or replaced', async () => {
    const replaced: unknown[] = [];
    const before = fs.statSync(path.join(dataDir, BILL_STATUS_FILE)).mtimeMs;
    const refresh = rollsRefresh((next) => replaced.push(next));
    await refresh.refreshNow();
    expect(replaced).toEqual([]);
    expect(fs.statSync(path.join(dataDir, BILL_STATUS_FILE)).mtimeMs).toBe(before);
    expect(refresh.status().state).toBe('ok');
  });
});
