/**
 * civic-data/district-shapes: the in-memory congressional district boundary index behind "use my location".
 *
 * `data/districts.json` (written by `district-shapes-import.ts`) holds every district's polygons in
 * EPSG:4326 degrees. `loadDistrictShapes` turns it into flat typed arrays plus two Flatbush R-trees:
 *  - one over polygon bounding boxes, for the point-in-polygon test (even-odd ray casting over all rings
 *    of a polygon, so holes work, and over every polygon of a MultiPolygon);
 *  - one over runs of up to 16 consecutive boundary edges, for "how far is the nearest boundary".
 * Distances use an equirectangular projection centred on the query point (x scaled by cos(lat)), which is
 * accurate to well under 1% at the ~1-2 km scale used here.
 */
import path from 'node:path';
import Flatbush from 'flatbush';
import { readJsonFile } from './data-files';
import { DataError } from '../platform/errors';
import type { DistrictRef, PreviousMapsNotice } from './types';

export const DISTRICT_SHAPES_FILE = 'districts.json';

/** A point this close (km) to its district's boundary is "near the boundary". */
const NEAR_BOUNDARY_KM = 1;
/** A point outside every polygon (coast, generalised outline) snaps to a district this close (km). */
const OUTSIDE_SNAP_KM = 2;

/** Kilometres per degree of latitude (mean Earth radius 6371.0088 km). */
const KM_PER_DEG = (Math.PI / 180) * 6371.0088;
/** Boundary edges are indexed in runs of this many consecutive segments. */
const EDGE_RUN = 16;

/**
 * Census district code to the district number used everywhere in the app: "00" (at-large) and "98"
 * (non-voting delegate: DC, PR, and the island areas) are 0; "01".."53" are themselves. Returns undefined
 * for anything else, including "ZZ" (area with no district, e.g. water) and "99".
 */
export function normaliseDistrictCode(code: string): number | undefined {
  const trimmed = code.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  if (n === 0 || n === 98) return 0;
  return n >= 1 && n <= 60 ? n : undefined;
}

/** One district in `data/districts.json`: polygons as GeoJSON MultiPolygon coordinates ([lon, lat]). */
export interface DistrictShape {
  state: string;
  district: number;
  polygons: number[][][][];
}

interface DistrictShapesMeta {
  source: string;
  importedAt: string;
  /** The Congress whose districts these are (from the CDnnnFP property), e.g. 119. */
  congress: number | null;
  features: number;
  /** The `importedAt` of the index written with this file: start-up serves the two together or not at all. */
  indexImportedAt?: string;
  /** States whose boundaries are the previous Congress's, proven unchanged (civic-data/import). */
  previousMaps?: PreviousMapsNotice;
}

/** The JSON file written by the boundaries import: `data/districts.json`. */
export interface DistrictShapesFile {
  meta: DistrictShapesMeta;
  districts: DistrictShape[];
}

interface DistrictAtPoint {
  state: string;
  district: number;
  /** The point is within ~1 km of its district's boundary (or was snapped in from outside every polygon). */
  nearBoundary: boolean;
  /** Other districts whose boundary lies within ~1 km of the point, nearest first. */
  neighbours: DistrictRef[];
}

/** Squared distance (km^2) from the origin to segment (ax,ay)-(bx,by), coordinates already in km. */
function segmentDistanceSq(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lenSq = dx * dx + dy * dy;
  const t = lenSq > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / lenSq)) : 0;
  const x = ax + t * dx;
  const y = ay + t * dy;
  return x * x + y * y;
}

/**
 * Point-to-district lookups over congressional district boundaries. Build it with `loadDistrictShapes`
 * (from `data/districts.json`) or directly from shapes (tests).
 */
export class DistrictShapeIndex {
  readonly districts: readonly DistrictRef[];
  readonly meta: DistrictShapesMeta | null;
  /** Interleaved lon, lat of every ring vertex; every ring is closed (last vertex = first). */
  private readonly coords: Float64Array;
  /** Vertex index where ring r starts; ringStart[rings] = number of vertices. */
  private readonly ringStart: Uint32Array;
  /** Ring index where polygon p starts; polyRingStart[polygons] = number of rings. */
  private readonly polyRingStart: Uint32Array;
  private readonly polyDistrict: Uint32Array;
  private readonly polyTree: Flatbush;
  /** Edge runs: first vertex, number of segments, owning district. */
  private readonly runStart: Uint32Array;
  private readonly runCount: Uint8Array;
  private readonly runDistrict: Uint32Array;
  private readonly runTree: Flatbush;

  constructor(shapes: readonly DistrictShape[], meta: DistrictShapesMeta | null = null) {
    this.meta = meta;
    const polygons = shapes.reduce((n, shape) => n + shape.polygons.length, 0);
    // Vertices per ring, an open ring closed.
    const ringSizes = shapes
      .flatMap((s) => s.polygons.flat())
      .map((r) => r.length + (ringIsClosed(r) ? 0 : 1));
    const rings = ringSizes.length;
    const vertices = ringSizes.reduce((sum, n) => sum + n, 0);
    const runs = ringSizes.reduce((sum, n) => sum + Math.ceil((n - 1) / EDGE_RUN), 0);
    if (polygons === 0 || runs === 0) throw new DataError('District shapes: no polygons to index');

    this.districts = shapes.map((s) => ({ state: s.state, district: s.district }));
    this.coords = new Float64Array(vertices * 2);
    this.ringStart = new Uint32Array(rings + 1);
    this.polyRingStart = new Uint32Array(polygons + 1);
    this.polyDistrict = new Uint32Array(polygons);
    this.runStart = new Uint32Array(runs);
    this.runCount = new Uint8Array(runs);
    this.runDistrict = new Uint32Array(runs);
    this.polyTree = new Flatbush(polygons);
    this.runTree = new Flatbush(runs);

    let v = 0;
    let r = 0;
    let p = 0;
    let run = 0;
    const c = this.coords;
    shapes.forEach((shape, d) => {
      for (const polygon of shape.polygons) {
        this.polyRingStart[p] = r;
        this.polyDistrict[p] = d;
        const polygonStart = v;
        for (const ring of polygon) {
          this.ringStart[r++] = v;
          const first = v;
          for (const [x, y] of ring) {
            // Number.isFinite is also false for a missing or non-numeric coordinate.
            if (!Number.isFinite(x) || !Number.isFinite(y)) {
              throw new DataError(
                `District shapes: ${shape.state}-${shape.district} has a non-numeric coordinate`,
              );
            }
            c[v * 2] = x!;
            c[v * 2 + 1] = y!;
            v++;
          }
          if (!ringIsClosed(ring)) {
            c[v * 2] = c[first * 2]!;
            c[v * 2 + 1] = c[first * 2 + 1]!;
            v++;
          }
          // Runs of EDGE_RUN segments; segment i joins vertex i and i + 1.
          const segments = v - first - 1;
          for (let s = 0; s < segments; s += EDGE_RUN) {
            const count = Math.min(EDGE_RUN, segments - s);
            this.runStart[run] = first + s;
            this.runCount[run] = count;
            this.runDistrict[run] = d;
            this.runTree.add(...bounds(c, first + s, first + s + count + 1));
            run++;
          }
        }
        this.polyTree.add(...bounds(c, polygonStart, v));
        p++;
      }
    });
    this.ringStart[r] = v;
    this.polyRingStart[p] = r;
    this.polyTree.finish();
    this.runTree.finish();
  }

  /** Whether the point (lon x, lat y) lies inside polygon p: even-odd rule over all of its rings. */
  private polygonContains(p: number, x: number, y: number): boolean {
    const c = this.coords;
    let inside = false;
    const ringEnd = this.polyRingStart[p + 1]!;
    for (let r = this.polyRingStart[p]!; r < ringEnd; r++) {
      const end = this.ringStart[r + 1]!;
      // Ring is closed, so consecutive pairs cover every edge.
      for (let i = this.ringStart[r]!; i < end - 1; i++) {
        const xi = c[i * 2]!;
        const yi = c[i * 2 + 1]!;
        const xj = c[i * 2 + 2]!;
        const yj = c[i * 2 + 3]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  }

  /** Districts (by index) containing the point; normally zero or one. */
  private containing(x: number, y: number): number[] {
    const found: number[] = [];
    for (const p of this.polyTree.search(x, y, x, y)) {
      const d = this.polyDistrict[p]!;
      if (!found.includes(d) && this.polygonContains(p, x, y)) found.push(d);
    }
    return found;
  }

  /** Distance (km) from the point to the nearest boundary edge of each district within `radiusKm`. */
  private boundaryDistances(lat: number, lon: number, radiusKm: number): Map<number, number> {
    const cosLat = Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
    const kx = KM_PER_DEG * cosLat;
    const ky = KM_PER_DEG;
    const dLon = radiusKm / kx;
    const dLat = radiusKm / ky;
    const best = new Map<number, number>();
    const c = this.coords;
    for (const run of this.runTree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const d = this.runDistrict[run]!;
      let min = best.get(d) ?? Infinity;
      const start = this.runStart[run]!;
      const end = start + this.runCount[run]!;
      let ax = (c[start * 2]! - lon) * kx;
      let ay = (c[start * 2 + 1]! - lat) * ky;
      for (let k = start + 1; k <= end; k++) {
        const bx = (c[k * 2]! - lon) * kx;
        const by = (c[k * 2 + 1]! - lat) * ky;
        const dist = segmentDistanceSq(ax, ay, bx, by);
        if (dist < min) min = dist;
        ax = bx;
        ay = by;
      }
      best.set(d, min);
    }
    return new Map(
      [...best].map(([d, sq]) => [d, Math.sqrt(sq)] as const).filter(([, km]) => km <= radiusKm),
    );
  }

  /**
   * The district containing a point (WGS84 degrees). Near a boundary, `neighbours` lists the other
   * districts within ~1 km, so the caller can ask the person to confirm. A point just outside every
   * polygon (coastline, generalised outlines) snaps to the nearest district within ~2 km, flagged
   * `nearBoundary`. Null when the point is in no district (abroad, open sea) or the input is not a
   * coordinate.
   */
  findDistrictAtPoint(lat: number, lon: number): DistrictAtPoint | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
      return null;
    const inside = this.containing(lon, lat);
    const near = this.boundaryDistances(lat, lon, inside.length > 0 ? NEAR_BOUNDARY_KM : OUTSIDE_SNAP_KM);
    // A point in two polygons (rounding slivers) is also near the other district.
    for (const other of inside.slice(1)) if (!near.has(other)) near.set(other, 0);
    const nearestFirst = [...near].sort((a, b) => a[1] - b[1]);
    // Outside every polygon: snapped to the nearest district (the first found among equals).
    const own = inside[0] ?? nearestFirst[0]?.[0];
    if (own === undefined) return null;
    // Near its own boundary, in two polygons, or snapped in from outside.
    const nearBoundary = inside.length !== 1 || near.has(own);
    const neighbours = nearestFirst
      .filter(([d, km]) => d !== own && km <= NEAR_BOUNDARY_KM)
      .map(([d]) => ({ ...this.districts[d]! }));
    return { ...this.districts[own]!, nearBoundary, neighbours };
  }
}

/** The bounding box [minX, minY, maxX, maxY] of vertices `from` up to (not including) `to`. */
function bounds(c: Float64Array, from: number, to: number): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = from; k < to; k++) {
    const x = c[k * 2]!;
    const y = c[k * 2 + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

function ringIsClosed(ring: number[][]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return ring.length > 1 && !!first && !!last && first[0] === last[0] && first[1] === last[1];
}

const isRing = (ring: unknown) => Array.isArray(ring) && ring.length >= 3 && ring.every(Array.isArray);
const isPolygon = (polygon: unknown) => Array.isArray(polygon) && polygon.every(isRing);

function isDistrictShape(value: unknown): value is DistrictShape {
  const v = value as Partial<Record<keyof DistrictShape, unknown>> | null;
  return (
    typeof v?.state === 'string' &&
    /^[A-Z]{2}$/.test(v.state) &&
    Number.isInteger(v.district) &&
    (v.district as number) >= 0 &&
    Array.isArray(v.polygons) &&
    v.polygons.every(isPolygon)
  );
}

/**
 * Load `data/districts.json` into an index. Returns null when the file does not exist (the app starts
 * without location lookup); throws DataError when it exists but cannot be used.
 */
export function loadDistrictShapes(dataDir: string): DistrictShapeIndex | null {
  const file = path.join(dataDir, DISTRICT_SHAPES_FILE);
  const body = readJsonFile(file) as Partial<DistrictShapesFile> | null | undefined;
  if (body === undefined) return null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.districts)) {
    throw new DataError(`${file}: expected an object with a "districts" array`);
  }
  body.districts.forEach((d, i) => {
    if (!isDistrictShape(d))
      throw new DataError(`${file}: districts[${i}] is not {state, district, polygons}`);
  });
  const meta = body.meta && typeof body.meta === 'object' ? body.meta : null;
  try {
    return new DistrictShapeIndex(body.districts, meta);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${file}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * The boundaries that belong to an index: `districts.json` is served only when its Congress is the index's
 * and, when it names one, its index is this one (the import writes both; a crash between the two files
 * leaves a pair that does not match). Otherwise `shapes` is null and `problem` says why.
 */
export function loadShapesForIndex(
  dataDir: string,
  index: { congress: number; importedAt: string },
): { shapes: DistrictShapeIndex | null; problem: string | null } {
  const shapes = loadDistrictShapes(dataDir);
  if (!shapes) return { shapes: null, problem: null };
  const meta = shapes.meta;
  if (meta?.congress != null && meta.congress !== index.congress) {
    return {
      shapes: null,
      problem: `boundaries of Congress ${meta.congress}, but the member index is of Congress ${index.congress}`,
    };
  }
  if (meta?.indexImportedAt && meta.indexImportedAt !== index.importedAt) {
    return {
      shapes: null,
      problem: `boundaries written with the index of ${meta.indexImportedAt}, not the one in service (${index.importedAt})`,
    };
  }
  return { shapes, problem: null };
}
