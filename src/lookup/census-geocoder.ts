/**
 * lookup/census-geocoder: one-line address to congressional district through the Census Bureau geocoder
 * (`/geocoder/geographies/onelineaddress`), for the Congress of the index in service.
 *
 * The geocoder moves to a new Congress's districts on its own schedule: its default vintage answered with
 * "120th Congressional Districts" months before the 120th Congress met, while the 119th stayed under a named
 * vintage. So the vintage is chosen per Congress: the service's benchmarks and vintages are listed
 * (`/geocoder/benchmarks`, `/geocoder/vintages`) and each vintage is asked once which Congress its district
 * layer carries, with a fixed point (`/geocoder/geographies/coordinates`). CENSUS_GEOCODER_VINTAGE names one
 * instead. An answer that names another Congress than asked for is never returned: the choice is made again
 * once, and if it still does not match the caller gets `unavailable` and falls back to the ZIP lookup.
 *
 * It never throws: a network error, timeout, HTTP error, unreadable body or open circuit becomes
 * `{ status: 'unavailable', reason }`. Every upstream call goes through one cockatiel policy (timeout around
 * retries with exponential back-off, inside a circuit breaker). Matches and no-matches are cached per vintage
 * and address; failures are not. Identical concurrent requests share one upstream call.
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { normaliseDistrictCode } from '../civic-data/district-shapes';
import { stateFromFips } from '../civic-data/states';
import { tidyAddress } from './address';
import { trimEnd } from '../platform/text';

export type GeocodeResult =
  | {
      status: 'matched';
      state: string;
      district: number;
      congress: number;
      matchedAddress: string;
      lat: number;
      lon: number;
    }
  | { status: 'no_match' }
  | { status: 'unavailable'; reason: string };

/** A benchmark and vintage pair, as the service names them ("Public_AR_Current", "ACS2025_Current"). */
interface GeocoderVintage {
  benchmark: string;
  vintage: string;
}

export interface CensusGeocoderOptions {
  /** CENSUS_GEOCODER_URL. */
  baseUrl: string;
  /** CENSUS_GEOCODER_VINTAGE: use this vintage instead of choosing one per Congress. */
  vintage?: string;
  /** Budget for one upstream call, retries included (ms); a request waits at most this long for a choice. */
  timeoutMs?: number;
  /** Extra attempts after a fast failure (network error, HTTP 5xx/429) while time remains. */
  retries?: number;
  breaker?: { failureThreshold: number; resetAfterMs: number };
  /** Entries in the LRU cache. */
  cacheSize?: number;
  /** After no vintage was found for a Congress, wait this long before asking the service again. */
  rechooseAfterMs?: number;
  now?: () => number;
}

export type CensusGeocoder = ReturnType<typeof createCensusGeocoder>;

const MAX_ADDRESS_LENGTH = 300;
/** The US Capitol: inside a district on every map (DC's delegate district), so every vintage names its Congress. */
const PROBE_POINT = { x: -77.00906, y: 38.88987 };

/** "ACS2025_Current" is a vintage of the "Public_AR_Current" benchmark: the part after "_" names it. */
export function benchmarkOfVintage(vintage: string): string {
  return `Public_AR_${vintage.slice(vintage.indexOf('_') + 1)}`;
}

const GeographyEntry = z.looseObject({
  GEOID: z.string().optional(),
  STATE: z.string().optional(),
  STUSAB: z.string().optional(),
  CDSESSN: z.string().optional(),
});
type GeographyEntry = z.infer<typeof GeographyEntry>;
const Geographies = z.record(z.string(), z.array(GeographyEntry));

const AddressResponse = z.object({
  result: z.object({
    addressMatches: z.array(
      z.looseObject({
        matchedAddress: z.string(),
        coordinates: z.object({ x: z.number(), y: z.number() }),
        geographies: Geographies.optional(),
      }),
    ),
  }),
});
const CoordinatesResponse = z.object({ result: z.looseObject({ geographies: Geographies }) });
const BenchmarksResponse = z.object({
  benchmarks: z.array(z.looseObject({ benchmarkName: z.string(), isDefault: z.boolean().optional() })),
});
const VintagesResponse = z.object({
  vintages: z.array(z.looseObject({ vintageName: z.string(), isDefault: z.boolean().optional() })),
});

function congressionalLayer(geographies: Record<string, GeographyEntry[]>): string | undefined {
  return Object.keys(geographies).find((k) => /congressional districts$/i.test(k.trim()));
}

/** The Congress a district layer belongs to: its name ("119th Congressional Districts"), else CDSESSN. */
function congressOfLayer(name: string, entry: GeographyEntry | undefined): number | null {
  const ordinal = /^(\d+)(?:st|nd|rd|th)\b/i.exec(name.trim());
  if (ordinal) return Number(ordinal[1]);
  return entry?.CDSESSN && /^\d+$/.test(entry.CDSESSN) ? Number(entry.CDSESSN) : null;
}

/** Read state, district and Congress from one address match's geographies. */
export function districtFromGeographies(
  geographies: Record<string, GeographyEntry[]>,
): { state: string; district: number; congress: number | null } | null {
  const key = congressionalLayer(geographies);
  const entry = key ? geographies[key]?.[0] : undefined;
  if (!key || !entry) return null;
  const congress = congressOfLayer(key, entry);

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

/** An upstream call that failed; `retryable` for network errors and HTTP 5xx/429. */
class UpstreamFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
  }
}

/** What the service said, before the Congress is checked (null: its layer does not say). */
type Answer =
  | { status: 'no_match' }
  | (Omit<Extract<GeocodeResult, { status: 'matched' }>, 'congress'> & { congress: number | null });

export function createCensusGeocoder(options: CensusGeocoderOptions) {
  const baseUrl = trimEnd(options.baseUrl, '/');
  const timeoutMs = options.timeoutMs ?? 3000;
  const rechooseAfterMs = options.rechooseAfterMs ?? 60 * 60_000;
  const now = options.now ?? Date.now;
  const fixed: GeocoderVintage | undefined = options.vintage
    ? { benchmark: benchmarkOfVintage(options.vintage), vintage: options.vintage }
    : undefined;

  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.breaker?.resetAfterMs ?? 60_000,
    breaker: new ConsecutiveBreaker(options.breaker?.failureThreshold ?? 5),
  });
  const retrying = retry(
    handleWhen((error) => error instanceof UpstreamFailure && error.retryable),
    {
      maxAttempts: Math.max(0, options.retries ?? 1),
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
    },
  );
  // Breaker outermost: a call that used up its retries or its time counts as one failure.
  const resilience = wrap(breaker, timeout(timeoutMs, TimeoutStrategy.Aggressive), retrying);

  // Keyed by vintage and normalised address; concurrent askers of one key share one upstream call.
  const cache = new LRUCache<string, Answer, GeocoderVintage>({
    max: options.cacheSize ?? 1000,
    fetchMethod: (key, _stale, { context }) => askAddress(key.slice(key.indexOf('\n') + 1), context),
  });
  const chosen = new Map<number, { pick: GeocoderVintage | null; at: number }>();
  const choosing = new Map<number, Promise<GeocoderVintage | null>>();

  /** One GET through the resilience policy; the parsed JSON, or an UpstreamFailure. */
  async function getJson(pathAndQuery: string, onBadRequest?: () => unknown): Promise<unknown> {
    return resilience.execute(async ({ signal }) => {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${pathAndQuery}`, {
          signal,
          headers: { accept: 'application/json' },
        });
      } catch (err) {
        throw new UpstreamFailure(`request failed: ${(err as Error).message}`, !signal.aborted);
      }
      if (response.status === 400 && onBadRequest) {
        await response.body?.cancel();
        return onBadRequest();
      }
      if (!response.ok) {
        await response.body?.cancel();
        const retryable = response.status >= 500 || response.status === 429;
        throw new UpstreamFailure(`HTTP ${response.status}`, retryable);
      }
      try {
        return await response.json();
      } catch {
        throw new UpstreamFailure('unreadable body', false);
      }
    });
  }

  function unavailable(error: unknown): GeocodeResult {
    if (error instanceof BrokenCircuitError) return { status: 'unavailable', reason: 'circuit open' };
    if (error instanceof TaskCancelledError)
      return { status: 'unavailable', reason: `timed out after ${timeoutMs} ms` };
    if (error instanceof UpstreamFailure) return { status: 'unavailable', reason: error.reason };
    return { status: 'unavailable', reason: `unexpected error: ${(error as Error)?.message}` };
  }

  /** Every layer's geographies at an address or a point ("coordinates?x=..&y=.."), on one vintage's map. */
  function getGeographies(query: string, pick: GeocoderVintage, onBadRequest?: () => unknown) {
    const { benchmark, vintage } = pick;
    return getJson(
      `/geocoder/geographies/${query}&benchmark=${encodeURIComponent(benchmark)}` +
        `&vintage=${encodeURIComponent(vintage)}&layers=all&format=json`,
      onBadRequest,
    );
  }

  /** Which Congress a vintage's district layer carries, read at a fixed point. */
  async function congressOfVintage(pick: GeocoderVintage): Promise<number | null> {
    const body = await getGeographies(`coordinates?x=${PROBE_POINT.x}&y=${PROBE_POINT.y}`, pick);
    const parsed = CoordinatesResponse.safeParse(body);
    if (!parsed.success) return null;
    const layer = congressionalLayer(parsed.data.result.geographies);
    return layer ? congressOfLayer(layer, parsed.data.result.geographies[layer]?.[0]) : null;
  }

  /** Default first, then in the service's order. */
  function defaultsFirst<T extends { isDefault?: boolean | undefined }>(list: T[]): T[] {
    return [...list.filter((x) => x.isDefault), ...list.filter((x) => !x.isDefault)];
  }

  async function choose(congress: number): Promise<GeocoderVintage | null> {
    const benchmarks = BenchmarksResponse.safeParse(await getJson('/geocoder/benchmarks'));
    if (!benchmarks.success) throw new UpstreamFailure('unexpected benchmarks shape', false);
    for (const { benchmarkName } of defaultsFirst(benchmarks.data.benchmarks)) {
      const vintages = VintagesResponse.safeParse(
        await getJson(`/geocoder/vintages?benchmark=${encodeURIComponent(benchmarkName)}`),
      );
      if (!vintages.success) continue;
      for (const { vintageName } of defaultsFirst(vintages.data.vintages)) {
        const pick = { benchmark: benchmarkName, vintage: vintageName };
        if ((await congressOfVintage(pick)) === congress) return pick;
      }
    }
    return null;
  }

  /** The vintage for `congress`: fixed, remembered, or chosen now (one choice at a time per Congress). */
  function vintageFor(congress: number): Promise<GeocoderVintage | null> {
    if (fixed) return Promise.resolve(fixed);
    const known = chosen.get(congress);
    if (known && (known.pick || now() - known.at < rechooseAfterMs)) return Promise.resolve(known.pick);
    let pending = choosing.get(congress);
    if (!pending) {
      pending = choose(congress)
        .then((pick) => {
          chosen.set(congress, { pick, at: now() });
          return pick;
        })
        .finally(() => choosing.delete(congress));
      choosing.set(congress, pending);
    }
    return pending;
  }

  async function askAddress(address: string, pick: GeocoderVintage): Promise<Answer> {
    const body = await getGeographies(
      `onelineaddress?address=${encodeURIComponent(address)}`,
      pick,
      // The geocoder answers 400 with {"errors": [...]} for an address it cannot parse at all.
      () => ({ result: { addressMatches: [] } }),
    );
    const parsed = AddressResponse.safeParse(body);
    if (!parsed.success) throw new UpstreamFailure('unexpected response shape', false);
    for (const match of parsed.data.result.addressMatches) {
      const found = match.geographies ? districtFromGeographies(match.geographies) : null;
      if (!found) continue;
      return {
        status: 'matched',
        ...found,
        matchedAddress: match.matchedAddress,
        lat: match.coordinates.y,
        lon: match.coordinates.x,
      };
    }
    // No match, or a match with no congressional district (outside every district): ZIP fallback.
    return { status: 'no_match' };
  }

  /** Cached and shared per vintage and address. */
  async function answerFor(address: string, pick: GeocoderVintage): Promise<Answer> {
    return (await cache.fetch(`${pick.benchmark}|${pick.vintage}\n${address}`, { context: pick }))!;
  }

  /** The answer if it is on the map of `congress`; undefined when it names another Congress or none. */
  function onMap(answer: Answer, congress: number): GeocodeResult | undefined {
    if (answer.status === 'no_match') return answer;
    return answer.congress === congress ? { ...answer, congress } : undefined;
  }

  /** A lookup waits for a vintage choice at most as long as for one upstream call. */
  function vintageInTime(congress: number): Promise<GeocoderVintage | null> {
    return timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(() => vintageFor(congress));
  }

  async function geocodeFor(address: string, congress: number): Promise<GeocodeResult> {
    const noVintage = { status: 'unavailable', reason: `no vintage for Congress ${congress}` } as const;
    const pick = await vintageInTime(congress);
    if (!pick) return noVintage;
    const answer = await answerFor(address, pick);
    const first = onMap(answer, congress);
    if (first) return first;
    if (fixed) {
      const named = answer.status === 'matched' ? answer.congress : null;
      return { status: 'unavailable', reason: `vintage answers for Congress ${named ?? 'unknown'}` };
    }
    // The vintage moved to another map since it was chosen: choose again, once.
    if (chosen.get(congress)?.pick === pick) chosen.delete(congress);
    const again = await vintageFor(congress);
    if (!again || (again.benchmark === pick.benchmark && again.vintage === pick.vintage)) return noVintage;
    return onMap(await answerFor(address, again), congress) ?? noVintage;
  }

  async function pointFor(lat: number, lon: number, congress: number): Promise<GeocodeResult> {
    const pick = await vintageInTime(congress);
    if (!pick) return { status: 'unavailable', reason: `no vintage for Congress ${congress}` };
    const body = await getGeographies(`coordinates?x=${lon}&y=${lat}`, pick, () => ({
      result: { geographies: {} },
    }));
    const parsed = CoordinatesResponse.safeParse(body);
    if (!parsed.success) throw new UpstreamFailure('unexpected response shape', false);
    const found = districtFromGeographies(parsed.data.result.geographies);
    if (!found) return { status: 'no_match' };
    const answer = onMap({ status: 'matched', ...found, matchedAddress: '', lat, lon }, congress);
    return answer ?? { status: 'unavailable', reason: `vintage does not answer for Congress ${congress}` };
  }

  return {
    /**
     * The district at a point on the map of `congress` (the coordinates service), for states whose new
     * boundaries are not published in a file yet; `matchedAddress` is empty.
     */
    async districtAtPoint(lat: number, lon: number, congress: number): Promise<GeocodeResult> {
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        return { status: 'no_match' };
      }
      return pointFor(lat, lon, congress).catch(unavailable);
    },
    /** The district of an address on the map of `congress`, never on another Congress's map. */
    async geocodeDistrict(oneLineAddress: string, congress: number): Promise<GeocodeResult> {
      // Uppercase, single spaces, ", " between parts: the cache key and what is sent upstream.
      const address = tidyAddress((typeof oneLineAddress === 'string' ? oneLineAddress : '').toUpperCase());
      if (address.length < 5 || address.length > MAX_ADDRESS_LENGTH) return { status: 'no_match' };
      return geocodeFor(address, congress).catch(unavailable);
    },
    /** Chooses the vintage for `congress` ahead of the first lookup (start-up, after a data refresh). */
    async prepare(congress: number): Promise<GeocoderVintage | null> {
      return vintageFor(congress).catch(() => null);
    },
  };
}
