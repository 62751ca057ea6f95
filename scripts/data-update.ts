/**
 * `npm run data:update [-- options]`: refreshes the civic data in `data/` (members, ZIP table, district
 * boundaries), all of one Congress, or nothing at all. Without --from (or CIVIC_DATA_FROM) the canonical
 * public URLs are downloaded; with it, a local folder laid out like the shared data mirror is read.
 * See docs/data.md.
 */
import path from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import { updateSponsorRolls } from '../src/campaign/sponsors';
import { ordinal } from '../src/civic-data/congress';
import { importCivicData, type ZipSourceChoice } from '../src/civic-data/import';
import { loadDataUpdateConfig, type DataUpdateConfig } from '../src/config/config';
import type { CivicIndexFile } from '../src/civic-data/types';

export interface DataUpdateContext {
  /** Local source folder, or undefined to download. */
  from: string | undefined;
  /** Output folder (DATA_DIR, default `data`). */
  outDir: string;
  now?: Date;
  /** Print a line of progress. */
  log: (line: string) => void;
  /** The sources, the campaigns and the congress.gov key, from the environment (src/config). */
  config: DataUpdateConfig;
}

export interface DataUpdateStep {
  name: string;
  /** Runs after the member/ZIP/boundary import succeeded; returns a short summary for the output line. */
  run: (context: DataUpdateContext, civic: CivicIndexFile) => Promise<string>;
}

/** Further imports register a step here; steps run in order after the civic import (one Congress). */
export const extraImportSteps: DataUpdateStep[] = [
  {
    // Sponsors and cosponsors of the campaigns' bills, for the thank-you letters (docs/campaigns.md).
    name: 'bill status',
    run: (context) => updateSponsorRolls(context),
  },
];

const USAGE = `Usage: tsx scripts/data-update.ts [--from DIR] [--out DIR] [--manifest FILE] [--data-date YYYY-MM-DD]
       [--zips auto|census|bef|zccd] [--no-shapes]
  env: CIVIC_DATA_FROM, DATA_DIR, CIVIC_DATA_MANIFEST, CIVIC_DATA_DATE, and the source URLs
       CIVIC_MEMBERS_URL, CENSUS_FILES_URL, ZCCD_URL, DISTRICT_SHAPES_URL (see docs/data.md)`;

export interface DataUpdateArgs {
  from: string | undefined;
  outDir: string;
  manifest: string | undefined;
  dataDate: string | undefined;
  zips: ZipSourceChoice;
  shapes: boolean | undefined;
  help: boolean;
}

const ZIP_CHOICES: readonly ZipSourceChoice[] = ['auto', 'census', 'bef', 'zccd'];

export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DataUpdateArgs {
  let values;
  try {
    ({ values } = parseCommandLine({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        out: { type: 'string' },
        manifest: { type: 'string' },
        'data-date': { type: 'string' },
        zips: { type: 'string' },
        'no-shapes': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`, { cause: error });
  }
  const zips = (values.zips ?? 'auto') as ZipSourceChoice;
  if (!ZIP_CHOICES.includes(zips))
    throw new Error(`--zips ${values.zips}: one of ${ZIP_CHOICES.join(', ')}.\n${USAGE}`);
  const dataDate = values['data-date'] ?? (env.CIVIC_DATA_DATE || undefined);
  if (dataDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(dataDate)) {
    throw new Error(`--data-date ${dataDate}: must be a date like 2026-06-15.\n${USAGE}`);
  }
  return {
    from: values.from ?? (env.CIVIC_DATA_FROM || undefined),
    outDir: values.out ?? (env.DATA_DIR || 'data'),
    manifest: values.manifest ?? (env.CIVIC_DATA_MANIFEST || undefined),
    dataDate,
    zips,
    shapes: values['no-shapes'] ? false : undefined,
    help: values.help ?? false,
  };
}

/** Runs the update; returns the process exit code (0 ok, 1 failure). */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: { log: (line: string) => void; error: (line: string) => void; now?: Date } = {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  },
): Promise<number> {
  try {
    const args = parseArgs(argv, env);
    if (args.help) {
      io.log(USAGE);
      return 0;
    }
    const context: DataUpdateContext = {
      from: args.from ? path.resolve(args.from) : undefined,
      outDir: path.resolve(args.outDir),
      now: io.now,
      log: io.log,
      config: loadDataUpdateConfig(env),
    };
    const civic = await importCivicData({
      from: context.from,
      outDir: context.outDir,
      now: context.now,
      manifest: args.manifest ? path.resolve(args.manifest) : undefined,
      dataDate: args.dataDate,
      zipSource: args.zips,
      shapes: args.shapes,
      urls: context.config.civicSources,
      log: io.log,
    });
    const meta = civic.meta;
    const c = meta.counts;
    const parts = [
      `${ordinal(meta.congress)} Congress (${meta.validFrom} to ${meta.validUntil})`,
      `${c.senators} senators, ${c.representatives} representatives, ${c.delegates} delegates`,
      `${c.vacancies} vacancies${civic.vacancies.length ? ` (${civic.vacancies.map((v) => `${v.state}-${v.district}`).join(', ')})` : ''}`,
      `${c.zips} ZIP areas from ${meta.sources?.zips.name ?? '?'}`,
    ];
    if (meta.sources?.shapes) parts.push(`district boundaries from ${meta.sources.shapes.name}`);
    if (meta.previousMaps) {
      parts.push(
        `the ${ordinal(meta.previousMaps.congress)} Congress's maps kept, proven unchanged, in ${meta.previousMaps.states.join(' ')}`,
      );
    }
    if (meta.awaitingMaps?.zips.length) {
      parts.push(
        `not published yet, so served by street address only: the ZIP table of ${meta.awaitingMaps.zips.join(' ')}`,
      );
    }
    if (meta.awaitingMaps?.boundaries.length) {
      parts.push(`no boundaries yet for ${meta.awaitingMaps.boundaries.join(' ')}`);
    }
    for (const step of extraImportSteps) parts.push(`${step.name}: ${await step.run(context, civic)}`);
    const warnings = meta.warnings?.length ? `, ${meta.warnings.length} warning(s)` : '';
    io.log(
      `Civic data updated in ${context.outDir}: ${parts.join('; ')} (source ${context.from ?? 'public URLs'}, member data of ${meta.snapshotDate}${warnings}).`,
    );
    return 0;
  } catch (error) {
    io.error(`Civic data update failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
