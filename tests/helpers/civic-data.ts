/**
 * Civic data for tests. Two sources, chosen by what a test measures:
 *
 * - The FIXTURE (`tests/fixtures/civic/small/`, committed, written by hand): 78 members of the 119th
 *   Congress in congress-legislators' JSON format, the ZIP rows of the ZIP codes the tests use in zccd.csv's
 *   format, and four hand-drawn district rectangles in the Census GeoJSON's format. Every test that needs
 *   members, ZIPs or boundaries uses it (`importedDataDir()`, `importFixtureData()`), so `npm test` passes
 *   on any fresh clone, offline. A test that needs another ZIP or member adds its row or record to the
 *   fixture (and counts it in the fixture's manifest.json, `records`); tests/fixtures/civic/README.md says
 *   which test relies on which row, and how to add one.
 * - The NATIONAL mirror, only when `CIVIC_DATA_FROM` names one (CI does): suites that measure accuracy on
 *   the full national data wrap themselves in `describeWithNationalData`, which skips them with a visible
 *   SKIPPED line otherwise. Nothing reads `../shared` by default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importCivicData, type ImportOptions } from '../../src/civic-data/import';
import { CivicIndex } from '../../src/civic-data/load';
import type { CivicIndexFile } from '../../src/civic-data/types';

/** The committed fixture, laid out like the data mirror (its manifest.json gives its date and size). */
export const FIXTURE_DATA_DIR = path.resolve(__dirname, '..', 'fixtures', 'civic', 'small');

/** Fixed "now" for imports and lookups in tests (the 119th Congress's data is valid until 2027-01-03). */
export const TEST_NOW = new Date('2026-11-28T12:00:00Z');

/** The national data mirror given by CIVIC_DATA_FROM, or undefined (then national suites skip). */
export const NATIONAL_DATA_DIR: string | undefined = process.env.CIVIC_DATA_FROM
  ? path.resolve(process.env.CIVIC_DATA_FROM)
  : undefined;

/** The mirror's files carry no date: this manifest gives the member snapshot's (2026-06-15, dfa96222). */
export const NATIONAL_MANIFEST = path.resolve(__dirname, '..', 'fixtures', 'civic', 'mirror-manifest.json');

/**
 * `describe` for suites that need the national mirror: without CIVIC_DATA_FROM they are reported by Jest
 * as skipped, and a SKIPPED line says why.
 */
export function describeWithNationalData(name: string, fn: () => void): void {
  if (NATIONAL_DATA_DIR) {
    describe(name, fn);
    return;
  }
  console.warn(`SKIPPED: ${name} (needs the national data mirror: set CIVIC_DATA_FROM to its folder)`);
  describe.skip(name, fn);
}

/** The national mirror's folder; only call it inside `describeWithNationalData`. */
export function nationalDataDir(): string {
  if (!NATIONAL_DATA_DIR)
    throw new Error('CIVIC_DATA_FROM is not set: wrap the suite in describeWithNationalData');
  return NATIONAL_DATA_DIR;
}

/** Imports the fixture into `outDir` (a new temp folder by default). */
export async function importFixtureData(
  outDir?: string,
  options: Partial<ImportOptions> = {},
): Promise<{ dir: string; index: CivicIndexFile }> {
  const dir = outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dc-data-'));
  const index = await importCivicData({
    from: FIXTURE_DATA_DIR,
    outDir: dir,
    now: TEST_NOW,
    ...options,
  });
  return { dir, index };
}

/** Imports the national mirror into a new temp folder (inside `describeWithNationalData` only). */
export async function importNationalData(): Promise<{ dir: string; index: CivicIndexFile }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-national-'));
  const index = await importCivicData({
    from: nationalDataDir(),
    outDir: dir,
    now: TEST_NOW,
    manifest: NATIONAL_MANIFEST,
  });
  return { dir, index };
}

let imported: Promise<string> | undefined;

/** A data folder holding the fixture's members, ZIP table and boundaries, imported once per test process. */
export function importedDataDir(): Promise<string> {
  imported ??= importFixtureData().then(({ dir }) => dir);
  return imported;
}

/**
 * The 120th Congress's index made from the fixture's 119th (`served`): every member re-elected (House terms
 * to 2029) and Illinois's ZIP 62704, the writer's in route tests, in `writerDistrict`; with none, Illinois's
 * new districts are not published yet (the members came first: `meta.awaitingMaps`).
 */
export function illinois120th(served: CivicIndex, writerDistrict?: number): CivicIndex {
  const next = structuredClone({
    meta: served.meta,
    members: served.members,
    districts: served.districts,
    vacancies: served.vacancies,
    zips: writerDistrict ? { '62704': { districts: [{ state: 'IL', district: writerDistrict }] } } : {},
  }) as unknown as CivicIndexFile;
  const { awaitingMaps: _served, ...meta } = next.meta;
  next.meta = {
    ...meta,
    congress: 120,
    validFrom: '2027-01-03',
    validUntil: '2029-01-03',
    ...(writerDistrict ? {} : { awaitingMaps: { zips: ['IL'], boundaries: ['IL'] } }),
  };
  next.members = next.members.map((m) => (m.chamber === 'house' ? { ...m, termEnd: '2029-01-03' } : m));
  return new CivicIndex(next);
}
