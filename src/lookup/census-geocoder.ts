/**
 * lookup/census-geocoder: one-line address to congressional district through the Census Bureau geocoder
 * (`/geocoder/geographies/onelineaddress`, benchmark Public_AR_Current, vintage Current_Current).
 *
 * It never throws: a network error, timeout, HTTP error, unreadable body or open circuit becomes
 * `{ status: 'unavailable', reason }` and the caller falls back to the ZIP lookup. Matches and no-matches
 * are cached (LRU keyed by the normalised address); failures are not. Identical concurrent requests share
 * one upstream call.
 *
 * The district comes from the geographies layer whose name ends in "Congressional Districts" (the name
 * carries the Congress: "119th Congressional Districts"), so a new Congress's layer is picked up without a
 * code change and reported in `congress`.
 */
import { z } from 'zod';
import { normaliseDistrictCode, stateFromFips } from '../civic-data/district-shapes';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';

export type GeocodeResult =
  | {
      status: 'matched';
      state: string;
      district: number;
      congress: number | null;
      matchedAddress: string;
      lat: number;
      lon: number;
    }
  | { status: 'no_match' }
  | { status: 'unavailable'; reason: string };

export interface CensusGeocoderOptions {
  baseUrl?: string;
  /** Budget for one geocodeDistrict call, retries included (ms). */
  timeoutMs?: number;
  /** Extra attempts after a fast failure (network error, HTTP 5xx/429) while time remains. */
  retries?: number;
  breaker?: { failureThreshold: number; resetAfterMs: number };
  /** Entries in the LRU cache; 0 disables caching. */
  cacheSize?: number;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export interface CensusGeocoder {
  geocodeDistrict(oneLineAddress: string): Promise<GeocodeResult>;
  /** For health pages and tests. */
  stats(): { breaker: CircuitState; cacheEntries: number; upstreamCalls: number };
}

export const DEFAULT_CENSUS_GEOCODER_URL = 'https://geocoding.geo.census.gov';
const MAX_ADDRESS_LENGTH = 300;

/** Uppercase, single spaces, ", " between parts: the cache key and what is sent upstream. */
export function normaliseAddress(address: string): string {
  return address
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/^[\s,]+|[\s,]+$/g, '');
}

const GeographyEntry = z.looseObject({
  GEOID: z.string().optional(),
  STATE: z.string().optional(),
  STUSAB: z.string().optional(),
  CDSESSN: z.string().optional(),
});
type GeographyEntry = z.infer<typeof GeographyEntry>;

const ResponseSchema = z.object({
  result: z.object({
    addressMatches: z.array(
      z.looseObject({
        matchedAddress: z.string(),
        coordinates: z.object({ x: z.number(), y: z.number() }),
        geographies: z.record(z.string(), z.array(GeographyEntry)).optional(),
      }),
    ),
  }),
});

type Outcome =
  | { kind: 'result'; result: Exclude<GeocodeResult, { status: 'unavailable' }> }
  | { kind: 'failure'; reason: string; retryable: boolean };

/** Read state, district and Congress from one address match's geographies. */
export function districtFromGeographies(
  geographies: Record<string, GeographyEntry[]>,
): { state: string; district: number; congress: number | null } | null {
  const key = Object.keys(geographies).find((k) => /congressional districts$/i.test(k.trim()));
  const entry = key ? geographies[key]?.[0] : undefined;
  if (!key || !entry) return null;
  const ordinal = /^(\d+)(?:st|nd|rd|th)\b/i.exec(key.trim());
  const congress = ordinal
    ? Number(ordinal[1])
    : entry.CDSESSN && /^\d+$/.test(entry.CDSESSN)
      ? Number(entry.CDSESSN)
      : null;

  const cdField = Object.keys(entry).find((k) => /^CD\d{3}$/.test(k));
  const geoid = typeof entry.GEOID === 'string' && /^\d{4}$/.test(entry.GEOID) ? entry.GEOID : undefined;
  const rawDistrict =
    cdField && typeof entry[cdField] === 'string' ? (entry[cdField] as string) : geoid?.slice(2);
  const district = rawDistrict === undefined ? undefined : normaliseDistrictCode(rawDistrict);

  const stateFips = entry.STATE ?? geoid?.slice(0, 2);
  let state = stateFips ? stateFromFips(stateFips) : undefined;
  if (!state) {
    const stus = geographies.States?.[0]?.STUSAB;
    if (stus && /^[A-Z]{2}$/.test(stus)) state = stus;
  }
  if (!state || district === undefined) return null;
  return { state, district, congress };
}

export function createCensusGeocoder(options: CensusGeocoderOptions = {}): CensusGeocoder {
  const baseUrl = (options.baseUrl ?? DEFAULT_CENSUS_GEOCODER_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 3000;
  const retries = Math.max(0, options.retries ?? 1);
  const cacheSize = Math.max(0, options.cacheSize ?? 1000);
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? Date.now;
  const breaker = new CircuitBreaker({
    failureThreshold: options.breaker?.failureThreshold ?? 5,
    resetAfterMs: options.breaker?.resetAfterMs ?? 60_000,
    now,
  });
  const cache = new Map<string, GeocodeResult>();
  const inFlight = new Map<string, Promise<GeocodeResult>>();
  let upstreamCalls = 0;

  function remember(key: string, result: GeocodeResult): void {
    if (cacheSize === 0 || result.status === 'unavailable') return;
    cache.delete(key);
    cache.set(key, result);
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  }

  async function attempt(address: string, signal: AbortSignal): Promise<Outcome> {
    const url =
      `${baseUrl}/geocoder/geographies/onelineaddress?address=${encodeURIComponent(address)}` +
      '&benchmark=Public_AR_Current&vintage=Current_Current&layers=all&format=json';
    upstreamCalls++;
    let response: Response;
    let body: unknown;
    try {
      response = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
      if (response.status === 400) {
        // The geocoder answers 400 with {"errors": [...]} for an address it cannot parse at all.
        await response.body?.cancel();
        return { kind: 'result', result: { status: 'no_match' } };
      }
      if (!response.ok) {
        await response.body?.cancel();
        const retryable = response.status >= 500 || response.status === 429;
        return { kind: 'failure', reason: `HTTP ${response.status}`, retryable };
      }
      body = await response.json();
    } catch (err) {
      if (signal.aborted)
        return { kind: 'failure', reason: `timed out after ${timeoutMs} ms`, retryable: false };
      return { kind: 'failure', reason: `request failed: ${(err as Error).message}`, retryable: true };
    }
    const parsed = ResponseSchema.safeParse(body);
    if (!parsed.success) return { kind: 'failure', reason: 'unexpected response shape', retryable: false };
    for (const match of parsed.data.result.addressMatches) {
      const found = match.geographies ? districtFromGeographies(match.geographies) : null;
      if (found) {
        return {
          kind: 'result',
          result: {
            status: 'matched',
            ...found,
            matchedAddress: match.matchedAddress,
            lat: match.coordinates.y,
            lon: match.coordinates.x,
          },
        };
      }
    }
    // No match, or a match with no congressional district (outside every district): ZIP fallback.
    return { kind: 'result', result: { status: 'no_match' } };
  }

  async function lookup(key: string): Promise<GeocodeResult> {
    if (!breaker.tryAcquire()) return { status: 'unavailable', reason: 'circuit open' };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      let outcome: Outcome = { kind: 'failure', reason: 'not attempted', retryable: false };
      for (let i = 0; i <= retries; i++) {
        outcome = await attempt(key, controller.signal);
        if (outcome.kind === 'result' || !outcome.retryable || controller.signal.aborted) break;
      }
      if (outcome.kind === 'result') {
        breaker.recordSuccess();
        remember(key, outcome.result);
        return outcome.result;
      }
      breaker.recordFailure();
      return { status: 'unavailable', reason: outcome.reason };
    } catch (err) {
      breaker.recordFailure();
      return { status: 'unavailable', reason: `unexpected error: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async geocodeDistrict(oneLineAddress: string): Promise<GeocodeResult> {
      try {
        const key = normaliseAddress(typeof oneLineAddress === 'string' ? oneLineAddress : '');
        if (key.length < 5 || key.length > MAX_ADDRESS_LENGTH) return { status: 'no_match' };
        const cached = cache.get(key);
        if (cached) {
          cache.delete(key);
          cache.set(key, cached);
          return cached;
        }
        const pending = inFlight.get(key);
        if (pending) return await pending;
        const promise = lookup(key).finally(() => inFlight.delete(key));
        inFlight.set(key, promise);
        return await promise;
      } catch (err) {
        return { status: 'unavailable', reason: `unexpected error: ${(err as Error).message}` };
      }
    },
    stats() {
      return { breaker: breaker.state, cacheEntries: cache.size, upstreamCalls };
    },
  };
}
