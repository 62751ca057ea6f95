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
import type { CensusGeocoder } from './census-geocoder';
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

  /** ZIP lookup, refined by the geocoder when the ZIP leaves the district open and a street is known. */
  async function findForAddress(input: LookupInput): Promise<LookupResult> {
    const zipResult = findMembersForAddress(civic, input, clock.now());
    const street = zipResult.parsed?.street;
    if (!deps.geocoder || input.district || !street || !(zipResult.ambiguous || zipResult.needsFullAddress)) {
      return zipResult;
    }
    const congress = civic.meta.congress;
    const answer = await deps.geocoder.geocodeDistrict(
      zipResult.parsed?.oneLine ?? input.address ?? '',
      congress,
    );
    if (answer.status !== 'matched') return zipResult;
    // The index may have been replaced while the geocoder answered: districts from another map are wrong.
    if (answer.congress !== civic.meta.congress) return zipResult;
    if (!civic.hasSeat(answer.state, answer.district)) return zipResult;
    return resultForDistricts({ state: answer.state, district: answer.district }, [], 'address', zipResult);
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
    const congress = civic.meta.congress;
    const answer = deps.geocoder ? await deps.geocoder.districtAtPoint(lat, lon, congress) : null;
    if (
      answer?.status === 'matched' &&
      answer.congress === civic.meta.congress &&
      civic.hasSeat(answer.state, answer.district)
    ) {
      return resultForDistricts({ state: answer.state, district: answer.district }, [], 'point');
    }
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
