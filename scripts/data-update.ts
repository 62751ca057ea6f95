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
import { importCivicData } from '../src/civic-data/import';
import type { ZipSourceChoice } from '../src/civic-data/zip-table-import';
import { loadDataUpdateConfig } from '../src/config/config';

const USAGE = `Usage: tsx scripts/data-update.ts [--from DIR] [--out DIR] [--manifest FILE] [--data-date YYYY-MM-DD]
       [--zips auto|census|bef|zccd] [--no-shapes]
  env: CIVIC_DATA_FROM, DATA_DIR, CIVIC_DATA_MANIFEST, CIVIC_DATA_DATE, and the source URLs
       CIVIC_MEMBERS_URL, CENSUS_FILES_URL, ZCCD_URL, DISTRICT_SHAPES_URL (see docs/data.md)`;

const ZIP_CHOICES: readonly ZipSourceChoice[] = ['auto', 'census', 'bef', 'zccd'];

function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>) {
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
    const config = loadDataUpdateConfig(env);
    const from = args.from ? path.resolve(args.from) : undefined;
    const outDir = path.resolve(args.outDir);
    const civic = await importCivicData({
      from,
      outDir,
      now: io.now,
      manifest: args.manifest ? path.resolve(args.manifest) : undefined,
      dataDate: args.dataDate,
      zipSource: args.zips,
      shapes: args.shapes,
      urls: config.civicSources,
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
    // Sponsors and cosponsors of the campaigns' bills, for the thank-you letters (docs/campaigns.md).
    parts.push(`bill status: ${await updateSponsorRolls({ from, outDir, config, now: io.now })}`);
    const warnings = meta.warnings?.length ? `, ${meta.warnings.length} warning(s)` : '';
    io.log(
      `Civic data updated in ${outDir}: ${parts.join('; ')} (source ${from ?? 'public URLs'}, member data of ${meta.snapshotDate}${warnings}).`,
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
