/**
 * civic-data/previous-maps: which Congress's maps each state is served on. Never two Congresses within a
 * state: the members' Congress's ZIP table and boundaries where the Bureau has published them; the previous
 * Congress's where the state's map is proven unchanged (at large in both, or an identical ZIP table); and
 * otherwise nothing, with the state named in `meta.awaitingMaps` (its people give a street address). Maps
 * newer than the members, or older than the previous Congress, are refused with what to fetch.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DataError } from '../platform/errors';
import { seatKey } from './civic-index';
import { congressDates, ordinal } from './congress';
import { DISTRICT_SHAPES_FILE, type DistrictShape, type DistrictShapesFile } from './district-shapes';
import { districtShapesUrl, shapesFolderName, type DistrictShapesRead } from './district-shapes-import';
import { INDEX_FILE_NAME } from './load';
import { sourceInfo } from './source-files';
import type { CivicSourceUrls } from '../config/config';
import { DELEGATE_TERRITORIES } from './states';
import type { CivicDataMeta, CivicIndexFile, DistrictRef, Member, SourceInfo, ZipDistrict } from './types';
import {
  befFileName,
  befUrl,
  relationshipFileName,
  relationshipFileUrl,
  ZCTA_BLOCK_FILE,
  type ZipsRead,
  type ZipTable,
} from './zip-table-import';

function describeSource(label: string, info: Pick<SourceInfo, 'name' | 'congress' | 'congressFrom'>): string {
  return `${label} ${info.name}: ${ordinal(info.congress)} Congress (from its ${info.congressFrom})`;
}

/** What to fetch so that every source is of the members' Congress. */
function whatToFetch(congress: number, stale: Array<'zips' | 'shapes'>, urls: CivicSourceUrls): string {
  const parts: string[] = [];
  if (stale.includes('zips')) {
    parts.push(
      `the ${ordinal(congress)} Congress's ZIP table: ${relationshipFileName(congress)} (${relationshipFileUrl(congress, urls.census)}), or ${befFileName(congress)} (${befUrl(congress, urls.census)}) with ${ZCTA_BLOCK_FILE}, into census/`,
    );
  }
  if (stale.includes('shapes')) {
    parts.push(
      `its district boundaries: ${urls.districtShapes ?? districtShapesUrl(congress, urls.census)} into ${shapesFolderName(congress)}/ (setting: DISTRICT_SHAPES_URL)`,
    );
  }
  return parts.join('; and ');
}

/** Refuses maps newer than the members, or older than the previous Congress, naming what to fetch. */
export function checkOneCongress(
  members: SourceInfo,
  zips: SourceInfo,
  shapes: DistrictShapesRead | null,
  urls: CivicSourceUrls,
): void {
  const sources: Array<['zips' | 'shapes', SourceInfo]> = [];
  if (zips.congress !== members.congress) sources.push(['zips', zips]);
  if (shapes && shapes.info.congress !== members.congress) sources.push(['shapes', shapes.info]);
  if (sources.every(([, info]) => info.congress === members.congress - 1)) return;
  const lines = [
    describeSource('members', members),
    ...sources.map(([key, info]) => describeSource(key === 'zips' ? 'ZIP table' : 'boundaries', info)),
  ];
  const stale = sources.filter(([, info]) => info.congress < members.congress).map(([key]) => key);
  const ahead = sources.filter(([, info]) => info.congress > members.congress);
  const advice: string[] = [];
  if (stale.length) advice.push(`Fetch ${whatToFetch(members.congress, stale, urls)}.`);
  if (ahead.length) {
    const next = ahead[0]![1].congress;
    advice.push(
      `The maps are of the ${ordinal(next)} Congress but the member list is still the ${ordinal(members.congress)}'s: fetch the member list again once upstream has updated it (from ${congressDates(next).start}).`,
    );
  }
  throw new DataError(
    `The sources describe different Congresses, and two Congresses are never combined; the data in service is unchanged.\n  - ${lines.join('\n  - ')}\n${advice.join(' ')}`,
  );
}

/** Each state's ZIP areas with their districts and shares, as a comparable text per state. */
function zipListsByState(zips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>>): Map<string, string[]> {
  const byState = new Map<string, string[]>();
  for (const [zip, districts] of zips) {
    const text = `${zip}:${districts
      .map((d) => `${seatKey(d)}=${d.share ?? ''}`)
      .sort()
      .join(',')}`;
    for (const state of new Set(districts.map((d) => d.state))) {
      byState.set(state, [...(byState.get(state) ?? []), text]);
    }
  }
  for (const list of byState.values()) list.sort();
  return byState;
}

/**
 * States whose maps are proven unchanged between the previous Congress and the new one:
 *  - a state with one seat in both (at large): its only district is the whole state;
 *  - a state whose list of ZIP areas, their districts and the shares is identical in the previous
 *    Congress's ZIP table and the new one's (when both are at hand; tables of different kinds never match).
 * Equal district numbers alone prove nothing: a redrawn state keeps its numbers.
 */
export function statesWithUnchangedMaps(
  previousSeats: ReadonlyArray<DistrictRef>,
  newMembers: ReadonlyArray<Member>,
  previousZips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>> | null,
  newZips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>> | null,
): string[] {
  const seatsOf = (refs: Iterable<DistrictRef>): Map<string, Set<number>> => {
    const out = new Map<string, Set<number>>();
    for (const r of refs) out.set(r.state, (out.get(r.state) ?? new Set()).add(r.district));
    return out;
  };
  const before = seatsOf(previousSeats);
  const after = seatsOf(
    newMembers
      .filter((m) => m.chamber === 'house')
      .map((m) => ({ state: m.state, district: m.district ?? 0 })),
  );
  const proven = new Set<string>();
  for (const [state, seats] of before) {
    const now = after.get(state);
    if (seats.size === 1 && seats.has(0) && now?.size === 1 && now.has(0)) proven.add(state);
  }
  if (previousZips && newZips) {
    const old = zipListsByState(previousZips);
    const fresh = zipListsByState(newZips);
    for (const [state, list] of fresh) {
      if (isDeepStrictEqual(old.get(state), list)) proven.add(state);
    }
  }
  return [...proven].sort();
}

/** The data in service (the index and boundaries in `dir`), each null when absent or unreadable. */
interface ServedData {
  index: CivicIndexFile | null;
  shapes: DistrictShapesFile | null;
}

export async function readServedData(dir: string): Promise<ServedData> {
  const read = <T>(name: string): Promise<T | null> =>
    fs
      .readFile(path.join(dir, name), 'utf8')
      .then((text) => JSON.parse(text) as T)
      .catch(() => null);
  return {
    index: await read<CivicIndexFile>(INDEX_FILE_NAME),
    shapes: await read<DistrictShapesFile>(DISTRICT_SHAPES_FILE),
  };
}

/** The previous Congress's maps at hand: its ZIP rows and seats, and the states already proven unchanged. */
interface PreviousMaps {
  zips: ReadonlyMap<string, ReadonlyArray<ZipDistrict>>;
  seats: ReadonlyArray<DistrictRef>;
  /** Set when these maps were kept by an earlier import of the new Congress: only these states are usable. */
  proven: ReadonlySet<string> | null;
}

/**
 * Which states of the data in service are usable as the previous Congress's maps: all (null) when it is
 * that Congress's; those an earlier import of the new Congress kept; none (undefined) otherwise.
 */
function usableServedStates(
  meta: Pick<CivicDataMeta, 'previousMaps'> & { congress: number | null },
  congress: number,
): ReadonlySet<string> | null | undefined {
  if (meta.congress === congress - 1) return null;
  const kept = meta.previousMaps;
  if (meta.congress === congress && kept?.congress === congress - 1) return new Set(kept.states);
  return undefined;
}

/**
 * No ZIP table published at all (neither the members' Congress's nor a fallback): the index in service
 * answers for the previous Congress's maps (read by `previousZipMaps`), or there is nothing to serve.
 */
export function zipsInService(
  served: CivicIndexFile | null,
  congress: number,
  urls: CivicSourceUrls,
): ZipsRead {
  if (!served || (served.meta.congress !== congress && served.meta.congress !== congress - 1)) {
    throw new DataError(
      `No ZIP table is published for the ${ordinal(congress)} Congress and there is no data in service to keep. Fetch ${whatToFetch(congress, ['zips'], urls)}.`,
    );
  }
  const info = served.meta.sources?.zips;
  return {
    table: new Map(),
    info: sourceInfo({
      name: info?.name ?? INDEX_FILE_NAME,
      congress: info?.congress ?? served.meta.congress,
      congressFrom: info?.congressFrom ?? 'manifest',
      date: info?.date ?? null,
      dateFrom: info?.dateFrom ?? null,
    }),
  };
}

/** The previous Congress's ZIP table: from the sources read, else from the index in service. */
function previousZipMaps(
  congress: number,
  zipsRead: ZipsRead,
  served: CivicIndexFile | null,
): PreviousMaps | null {
  if (zipsRead.info.congress === congress - 1 && zipsRead.table.size > 0) {
    return { zips: zipsRead.table, seats: [...zipsRead.table.values()].flat(), proven: null };
  }
  const states = served ? usableServedStates(served.meta, congress) : undefined;
  if (!served || states === undefined) return null;
  const usable = (d: DistrictRef): boolean => !states || states.has(d.state);
  const zips = new Map(
    Object.entries(served.zips)
      .map(([zip, entry]) => [zip, entry.districts] as const)
      .filter(([, list]) => list.every(usable)),
  );
  return { zips, seats: served.districts.filter(usable), proven: states };
}

/** Boundaries usable for the new Congress where proven unchanged: the previous Congress's, read or served. */
function previousShapes(
  congress: number,
  read: DistrictShapesRead | null,
  served: DistrictShapesFile | null,
): DistrictShape[] | null {
  if (read && read.info.congress === congress - 1) return read.file.districts;
  const states = served ? usableServedStates(served.meta, congress) : undefined;
  if (!served || states === undefined) return null;
  return served.districts.filter((d) => !states || states.has(d.state));
}

/**
 * Per state, the maps to serve: takes what is published, state by state. A state's ZIP rows are the new
 * Congress's when its table (or its BEF) is published, else the previous Congress's when its map is proven
 * unchanged, else none; its boundaries the same. Within a state the two are never of different maps:
 * previous boundaries are used beside new ZIP rows only when the state is proven unchanged. States with a
 * single seat need no ZIP rows (the state is the district) and the island areas have none in any table.
 */
export function chooseMaps(input: {
  congress: number;
  members: ReadonlyArray<Member>;
  zips: ZipsRead;
  shapes: DistrictShapesRead | null;
  served: ServedData;
}) {
  const { congress, members, zips, shapes, served } = input;
  const newZips = zips.info.congress === congress && zips.table.size > 0 ? zips.table : null;
  // Boundaries not published: the ones in service stay while they are of the members' Congress.
  const newShapes =
    shapes && shapes.info.congress === congress
      ? shapes.file.districts
      : served.shapes?.meta.congress === congress && !served.shapes.meta.previousMaps
        ? served.shapes.districts
        : null;
  const previous = previousZipMaps(congress, zips, served.index);
  // Maps kept by an earlier import of the new Congress were proven then: only their states are usable.
  const proven =
    previous?.proven ??
    new Set(statesWithUnchangedMaps(previous?.seats ?? [], members, previous?.zips ?? null, newZips));

  const newZipStates = new Set([...(newZips?.values() ?? [])].flatMap((list) => list.map((d) => d.state)));
  const seatsPerState = new Map<string, number>();
  for (const m of members) {
    if (m.chamber === 'house') seatsPerState.set(m.state, (seatsPerState.get(m.state) ?? 0) + 1);
  }
  const territories = new Set<string>(DELEGATE_TERRITORIES);
  const allStates = [...new Set([...seatsPerState.keys(), ...newZipStates])]
    .filter((state) => !territories.has(state))
    .sort();

  // ZIP rows.
  const previousZipStates = new Set<string>();
  const zipTable: ZipTable = new Map(newZips ?? []);
  for (const [zip, list] of previous?.zips ?? []) {
    if (zipTable.has(zip)) continue;
    const states = new Set(list.map((d) => d.state));
    if ([...states].every((state) => proven.has(state) && !newZipStates.has(state))) {
      zipTable.set(zip, [...list]);
      for (const state of states) previousZipStates.add(state);
    }
  }
  // A new table that covers the nation (a relationship file, a national BEF) leaves no state awaited.
  const newZipsNational = newZips !== null && zips.national !== false;
  const zipsAwaiting = newZipsNational
    ? []
    : allStates.filter(
        (state) =>
          !newZipStates.has(state) && !previousZipStates.has(state) && (seatsPerState.get(state) ?? 0) > 1,
      );

  // Boundaries.
  let boundaries = newShapes;
  const previousShapeStates = new Set<string>();
  if (!newShapes) {
    const kept = (previousShapes(congress, shapes, served.shapes) ?? []).filter((d) => proven.has(d.state));
    for (const d of kept) previousShapeStates.add(d.state);
    boundaries = kept.length > 0 ? kept : null;
  }
  // A published boundary file is the whole map; only without one are states awaited.
  const shapeStates = new Set((boundaries ?? []).map((d) => d.state));
  const shapesAwaiting = newShapes ? [] : allStates.filter((state) => !shapeStates.has(state));

  const previousStates = [...new Set([...previousZipStates, ...previousShapeStates])].sort();
  // The record of the boundaries read now when they are the ones served, else the one kept in service.
  const readInfo = shapes && (!newShapes || shapes.info.congress === congress) ? shapes.info : undefined;
  return {
    zipTable,
    shapes: boundaries,
    /** The states on the previous Congress's maps (proven unchanged), as `meta.previousMaps` names them. */
    previousMaps: previousStates.length ? { congress: congress - 1, states: previousStates } : undefined,
    awaiting:
      zipsAwaiting.length > 0 || shapesAwaiting.length > 0
        ? { zips: zipsAwaiting, boundaries: shapesAwaiting }
        : undefined,
    /** The members' Congress's ZIP table is read and covers the nation (so it is counted as one). */
    newZipsNational,
    /** The boundaries are the members' Congress's (read now, or kept from the data in service). */
    shapesAreNew: newShapes !== null,
    /** Where the boundaries served come from, for `meta.sources.shapes`. */
    shapesInfo: boundaries ? (readInfo ?? served.index?.meta.sources?.shapes ?? undefined) : undefined,
  };
}
