/**
 * bench/geo: point-to-district lookups per second and the heap held by the district shape index.
 *
 *   npx tsx bench/geo.ts [dataDir]            # dataDir holds districts.json (default: data)
 *   npx tsx bench/geo.ts --from ../shared/data  # import the mirror into a temp dir first
 *
 * Prints one JSON line. Points: uniform random points in the contiguous-US bounding box (most hit a
 * district, ocean and Canada/Mexico points exercise the miss path) plus every district office with
 * coordinates from the mirror when it is reachable, which are dense near boundaries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadDistrictShapes } from '../src/civic-data/district-shapes';
import { readDistrictShapes, writeDistrictShapes } from '../src/civic-data/district-shapes-import';

export interface GeoBenchResult {
  pointLookupsPerSecond: number;
  indexHeapBytes: number;
  loadMs: number;
  points: number;
  hitRate: number;
}

/** Mulberry32: repeatable random points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function officePoints(mirror: string | undefined): Array<[number, number]> {
  if (!mirror) return [];
  const file = path.join(mirror, 'congress-legislators/legislators-district-offices.json');
  if (!fs.existsSync(file)) return [];
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{
    offices: Array<{ latitude?: number; longitude?: number }>;
  }>;
  return entries.flatMap((e) =>
    e.offices
      .filter((o) => typeof o.latitude === 'number' && typeof o.longitude === 'number')
      .map((o): [number, number] => [o.latitude!, o.longitude!]),
  );
}

/** A garbage collector to call before measuring (node --expose-gc, or enabled at run time). */
function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function heapUsed(): number {
  const gc = gcFunction();
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

export async function benchGeo(
  dataDir: string,
  options: { mirror?: string; randomPoints?: number; rounds?: number } = {},
): Promise<GeoBenchResult> {
  const before = heapUsed();
  const started = performance.now();
  const index = loadDistrictShapes(dataDir);
  const loadMs = performance.now() - started;
  if (!index)
    throw new Error(`${path.join(dataDir, 'districts.json')} not found: run the boundaries import first`);
  const indexHeapBytes = Math.max(0, heapUsed() - before);

  const rand = random(119);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < (options.randomPoints ?? 20_000); i++) {
    points.push([24.5 + rand() * (49.4 - 24.5), -124.8 + rand() * (-66.9 - -124.8)]);
  }
  points.push(...officePoints(options.mirror ?? path.resolve(__dirname, '../../shared/data')));

  let hits = 0;
  for (const [lat, lon] of points.slice(0, 2000)) index.findDistrictAtPoint(lat, lon); // warm-up
  const rounds = options.rounds ?? 3;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const [lat, lon] of points) if (index.findDistrictAtPoint(lat, lon)) hits++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const lookups = points.length * rounds;
  return {
    pointLookupsPerSecond: Math.round(lookups / seconds),
    indexHeapBytes,
    loadMs: Math.round(loadMs),
    points: points.length,
    hitRate: Math.round((hits / lookups) * 1000) / 1000,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fromAt = args.indexOf('--from');
  let dataDir = args.find((a, i) => !a.startsWith('--') && i !== fromAt + 1) ?? 'data';
  let mirror: string | undefined;
  let temp: string | undefined;
  if (fromAt >= 0) {
    mirror = path.resolve(args[fromAt + 1] ?? '../shared/data');
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-geo-'));
    await writeDistrictShapes(temp, (await readDistrictShapes({ from: mirror })).file);
    dataDir = temp;
  }
  try {
    console.log(JSON.stringify({ bench: 'geo', ...(await benchGeo(dataDir, { mirror })) }));
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
