/**
 * civic-data/import: the steps of `npm run data:update` and of the server's refresh. Each source has its
 * own file: the members (members-import), the ZIP table (zip-table-import), the boundaries
 * (district-shapes-import); which Congress's maps each state gets is previous-maps', and the index file's
 * contents civic-index's. `data/civic-index.json` and `districts.json` are written only when everything
 * read is valid (a failed import leaves the data in service as it was), and `districts.json` carries the
 * index's `importedAt` so that start-up serves the two together or not at all. See docs/data.md for the
 * sources and every decision on quirks of the data.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildCivicIndex, refuseTruncated } from './civic-index';
import { writeDataFile } from './data-files';
import { DISTRICT_SHAPES_FILE } from './district-shapes';
import { readShapesIfPublished, writeDistrictShapes } from './district-shapes-import';
import { INDEX_FILE_NAME } from './load';
import { readMembers } from './members-import';
import { checkOneCongress, chooseMaps, readServedData, zipsInService } from './previous-maps';
import { loadManifest } from './source-files';
import { CANONICAL_SOURCE_URLS, type CivicSourceUrls } from '../config/config';
import type { CivicIndexFile } from './types';
import { readZipTable, type Progress, type ZipSourceChoice } from './zip-table-import';

export interface ImportOptions {
  /** A local folder laid out like the data mirror; without it the canonical URLs are downloaded. */
  from?: string;
  /** Where `civic-index.json` (and `districts.json`) are written (usually `data`). */
  outDir: string;
  now?: Date;
  /** A manifest file giving sources' dates, sizes (and zccd.csv's Congress); see docs/data.md. */
  manifest?: string;
  /** The member data's date when a folder has no manifest (the day the files were fetched upstream). */
  dataDate?: string;
  /** Which ZIP table to build: the best available (default), or one named. */
  zipSource?: ZipSourceChoice;
  /**
   * District boundaries: true imports them (required), false skips them. Default: downloads import them;
   * a folder imports them when it has a `cd<nnn>-shapes` folder.
   */
  shapes?: boolean;
  /** Where the sources are downloaded from (config: CIVIC_MEMBERS_URL, CENSUS_FILES_URL, ...). */
  urls?: CivicSourceUrls;
  /**
   * The folder of the data in service (default `outDir`): the previous Congress's maps, kept in the
   * states proven unchanged, and the boundaries kept when the Bureau's file is not published.
   */
  servedDir?: string;
  /** Progress lines for long steps (the Census files are hundreds of megabytes). */
  log?: Progress;
}

/**
 * Imports the sources and writes `<outDir>/districts.json` (when there are boundaries to serve) and
 * `<outDir>/civic-index.json`, each replaced atomically, the index last; without boundaries, an old
 * `districts.json` is removed. Nothing is written unless every source read is valid and its maps are of
 * the members' Congress or the one before it.
 */
export async function importCivicData(options: ImportOptions): Promise<CivicIndexFile> {
  const now = options.now ?? new Date();
  const from = options.from ? path.resolve(options.from) : undefined;
  const urls = options.urls ?? CANONICAL_SOURCE_URLS;
  const manifest = await loadManifest({ from, manifest: options.manifest });

  // 1. The members: their Congress is the one every other source must be of.
  const members = await readMembers(
    { from, url: urls.members, dataDate: options.dataDate },
    manifest.members,
  );
  const congress = members.info.congress;

  // 2. The ZIP table: the best published for that Congress, else the one in service.
  const served = await readServedData(options.servedDir ?? options.outDir);
  const zipsRead = await readZipTable(
    { from, choice: options.zipSource ?? 'auto', urls, manifest: manifest.zips, log: options.log },
    congress,
  );
  const zips = zipsRead ?? zipsInService(served.index, congress, urls);

  // 3. The boundaries, unless the operator said none or the Bureau has not published them yet.
  const shapes = await readShapesIfPublished(
    { from, wanted: options.shapes, urls, manifest: manifest.shapes, log: options.log },
    congress,
  );

  // 4. One Congress: the members', or per state the previous one's where its map is proven unchanged.
  checkOneCongress(members.info, zips.info, shapes, urls);
  const maps = chooseMaps({ congress, members: members.members, zips, shapes, served });

  // 5. The index, unless a source looks truncated.
  refuseTruncated({
    members: { name: members.info.name, list: members.members, records: manifest.members?.records },
    zips: zipsRead && {
      name: zipsRead.info.name,
      size: zipsRead.table.size,
      national: maps.newZipsNational,
      records: manifest.zips?.records,
    },
  });
  const index = buildCivicIndex(
    {
      members: members.members,
      warnings: members.warnings,
      zipTable: maps.zipTable,
      zipsName: zips.info.name,
    },
    {
      source: from ?? [...members.files, zips.info.name].join(' '),
      snapshotDate: members.info.date!,
      sources: {
        members: members.info,
        zips: zips.info,
        ...(maps.shapesInfo ? { shapes: maps.shapesInfo } : {}),
      },
      previousMaps: maps.previousMaps,
      awaitingMaps: maps.awaiting,
      now,
    },
  );

  // 6. Boundaries first, the index last; districts.json names the index it belongs to (start-up checks).
  if (maps.shapes) {
    await writeDistrictShapes(options.outDir, {
      meta: {
        source: maps.shapesInfo?.name ?? 'districts.json',
        importedAt: index.meta.importedAt,
        indexImportedAt: index.meta.importedAt,
        congress,
        features: maps.shapes.length,
        // Boundaries that are not the members' Congress's are the previous one's, kept where proven.
        ...(!maps.shapesAreNew && maps.previousMaps ? { previousMaps: maps.previousMaps } : {}),
      },
      districts: maps.shapes,
    });
  }
  await writeDataFile(path.join(options.outDir, INDEX_FILE_NAME), index, { compact: true });
  if (!maps.shapes) await fs.rm(path.join(options.outDir, DISTRICT_SHAPES_FILE), { force: true });
  return index;
}
