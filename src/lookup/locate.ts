/**
 * lookup/locate: the precise lookups layered over the ZIP table. A street address goes to the Census
 * geocoder when the ZIP alone cannot settle the district; a location goes through the district
 * boundaries. Any failure falls back to the ZIP answer with its honest precision, never an error page.
 */
import type { CivicIndex } from '../civic-data/load';
import type { DistrictShapeIndex } from '../civic-data/district-shapes';
import type { DistrictRef } from '../civic-data/types';
import type { Clock } from '../platform/clock';
import { UnavailableError, ValidationError } from '../platform/errors';
import type { Message } from '../platform/messages';
import type { CensusGeocoder, GeocodeResult } from './census-geocoder';
import {
  findMembersForAddress,
  lookupData,
  withMembers,
  type LookupInput,
  type LookupResult,
} from './find-members';

export interface MemberLocatorDeps {
  civic: CivicIndex;
  clock: Clock;
  /** The boundaries in service (a data refresh may replace them); null when none were imported. */
  shapes: () => DistrictShapeIndex | null;
  /** Null when the Census geocoder is switched off (tests, offline deployments). */
  geocoder: CensusGeocoder | null;
}

export type MemberLocator = ReturnType<typeof createMemberLocator>;

export function createMemberLocator(deps: MemberLocatorDeps) {
  const { civic, clock } = deps;

  /** A result for known districts: senators of the main district's state, then each district's member. */
  function resultForDistricts(
    main: DistrictRef,
    candidates: DistrictRef[],
    precision: 'address' | 'point',
    base: Partial<LookupResult> = {},
    notes: Array<Message | undefined> = [],
  ): LookupResult {
    const districts = [main, ...candidates];
    const result = {
      zip: base.zip ?? '',
      ...(base.parsed ? { parsed: base.parsed } : {}),
      state: main.state,
      districts,
      precision,
      ambiguous: false,
      needsFullAddress: false,
      data: lookupData(civic, clock.now()),
    };
    return withMembers(civic, result, main.state, districts, notes);
  }

  /**
   * The geocoder's district when it is a seat in the index in service. The index may have been replaced
   * while the geocoder answered: a district from another Congress's map is wrong.
   */
  function seatOf(answer: GeocodeResult | null): DistrictRef | undefined {
    if (answer?.status !== 'matched' || answer.congress !== civic.meta.congress) return undefined;
    const seat = { state: answer.state, district: answer.district };
    return civic.hasSeat(seat.state, seat.district) ? seat : undefined;
  }

  /** ZIP lookup, refined by the geocoder when the ZIP leaves the district open and a street is known. */
  async function findForAddress(input: LookupInput): Promise<LookupResult> {
    const zipResult = findMembersForAddress(civic, input, clock.now());
    const { parsed } = zipResult;
    const settled = !zipResult.ambiguous && !zipResult.needsFullAddress;
    if (!deps.geocoder || input.district || !parsed?.street || settled) return zipResult;
    const seat = seatOf(await deps.geocoder.geocodeDistrict(parsed.oneLine, civic.meta.congress));
    return seat ? resultForDistricts(seat, [], 'address', zipResult) : zipResult;
  }

  /**
   * The district containing a point; near a line, the neighbouring districts' members are candidates. In a
   * state whose boundaries of the index's Congress are not published yet (`awaitingMaps.boundaries`), the
   * geocoder's coordinates service answers on that Congress's map; without it the person is asked for a
   * street address.
   */
  async function findForPoint(lat: number, lon: number): Promise<LookupResult> {
    const shapes = deps.shapes();
    const awaiting = civic.meta.awaitingMaps?.boundaries ?? [];
    const hit = shapes?.findDistrictAtPoint(lat, lon) ?? null;
    if (hit && !awaiting.includes(hit.state)) {
      const neighbours = hit.nearBoundary ? hit.neighbours : [];
      const nearBoundary = hit.nearBoundary ? { key: 'messages.nearBoundary' } : undefined;
      const result = resultForDistricts(
        { state: hit.state, district: hit.district },
        neighbours,
        'point',
        {},
        [nearBoundary],
      );
      return { ...result, nearBoundary: hit.nearBoundary };
    }
    if (awaiting.length === 0) {
      if (!shapes) throw new UnavailableError('messages.locationUnavailable');
      throw ValidationError.forField('location', 'messages.locationOutside');
    }
    const answer = deps.geocoder ? await deps.geocoder.districtAtPoint(lat, lon, civic.meta.congress) : null;
    const seat = seatOf(answer);
    if (seat) return resultForDistricts(seat, [], 'point');
    // No boundaries of this Congress where the person may stand: only a street address can say.
    throw new UnavailableError('awaitingMaps.location');
  }

  return {
    findForAddress,
    findForPoint,
    get locationAvailable(): boolean {
      return deps.shapes() !== null || (deps.geocoder !== null && !!civic.meta.awaitingMaps);
    },
  };
}
