/**
 * `npm run data:update [-- --from DIR] [-- --out DIR]`: refreshes the civic data in `data/`.
 * Without --from (or CIVIC_DATA_FROM) the canonical public URLs are downloaded; with it, a local folder
 * laid out like the shared data mirror is read. See docs/data.md.
 */
import path from 'node:path';
import { updateSponsorRolls } from '../src/campaign/sponsors';
import { importDistrictShapes } from '../src/civic-data/district-shapes-import';
import { importCivicData } from '../src/civic-data/import';
import type { CivicIndexFile } from '../src/civic-data/types';

export interface DataUpdateContext {
  /** Local source folder, or undefined to download. */
  from: string | undefined;
  /** Output folder (DATA_DIR, default `data`). */
  outDir: string;
  fetchImpl?: typeof fetch;
  now?: Date;
  /** Print a line of progress. */
  log: (line: string) => void;
  /** DISTRICT_SHAPES_URL: another boundary file (GeoJSON or zipped shapefile) to download. */
  shapesUrl?: string;
  /** The environment, for steps with settings of their own (validated by each step's Zod schema). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface DataUpdateStep {
  name: string;
  /** Runs after the member/ZIP import succeeded; returns a short summary for the output line. */
  run: (context: DataUpdateContext, civic: CivicIndexFile) => Promise<string>;
}

/**
 * EXTRA IMPORT STEPS: other data sets (e.g. district boundaries for address geocoding) register a step
 * here, run in order after the member and ZIP import. Example:
 *   extraImportSteps.push({ name: 'district shapes', run: async (ctx) => { ...; return '437 districts'; } });
 */
export const extraImportSteps: DataUpdateStep[] = [
  {
    // 119th district boundaries for "use my location" (docs/geo.md).
    name: 'district boundaries',
    run: async (context) => {
      const result = await importDistrictShapes({
        from: context.from,
        url: context.shapesUrl,
        outDir: context.outDir,
        fetchImpl: context.fetchImpl,
      });
      return `${result.features} districts`;
    },
  },
  {
    // Sponsors and cosponsors of the campaigns' bills, for the thank-you letters (docs/campaigns.md).
    name: 'bill status',
    run: (context) => updateSponsorRolls({ ...context, env: context.env ?? {} }),
  },
];

function usage(): string {
  return 'Usage: tsx scripts/data-update.ts [--from DIR] [--out DIR]  (env: CIVIC_DATA_FROM, DATA_DIR)';
}

export function parseArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { from: string | undefined; outDir: string; help: boolean } {
  let from = env.CIVIC_DATA_FROM || undefined;
  let outDir = env.DATA_DIR || 'data';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (!v) throw new Error(`${flag} needs a folder. ${usage()}`);
      return v;
    };
    if (flag === '--from') from = value();
    else if (flag === '--out') outDir = value();
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new Error(`Unknown argument ${arg}. ${usage()}`);
  }
  return { from, outDir, help };
}

/** Runs the update; returns the process exit code (0 ok, 1 failure). */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: { log: (line: string) => void; error: (line: string) => void; fetchImpl?: typeof fetch; now?: Date } = {
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  },
): Promise<number> {
  try {
    const args = parseArgs(argv, env);
    if (args.help) {
      io.log(usage());
      return 0;
    }
    const context: DataUpdateContext = {
      from: args.from ? path.resolve(args.from) : undefined,
      outDir: path.resolve(args.outDir),
      fetchImpl: io.fetchImpl,
      now: io.now,
      log: io.log,
      shapesUrl: env.DISTRICT_SHAPES_URL || undefined,
      env,
    };
    const civic = await importCivicData({
      from: context.from,
      outDir: context.outDir,
      fetchImpl: context.fetchImpl,
      now: context.now,
    });
    const c = civic.meta.counts;
    const parts = [
      `${c.senators} senators, ${c.representatives} representatives, ${c.delegates} delegates`,
      `${c.vacancies} vacancies${civic.vacancies.length ? ` (${civic.vacancies.map((v) => `${v.state}-${v.district}`).join(', ')})` : ''}`,
      `${c.zips} ZIP areas`,
    ];
    for (const step of extraImportSteps) parts.push(`${step.name}: ${await step.run(context, civic)}`);
    const warnings = civic.meta.warnings?.length ? `, ${civic.meta.warnings.length} warning(s)` : '';
    io.log(
      `Civic data updated in ${context.outDir}: ${parts.join('; ')} (source ${context.from ?? 'public URLs'}, snapshot ${civic.meta.snapshotDate}${warnings}).`,
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
