/**
 * civic-data/civic-index: the index file's contents (`data/civic-index.json`) built from the sources
 * read: every seat named by the ZIP table or a member, the vacancies, the ZIP rows and the counts, with the
 * checks that refuse a truncated source.
 */
import { DataError } from '../platform/errors';
import { DELEGATE_TERRITORIES } from './states';
import type { CivicIndexFile, DistrictRef, Member, ZipEntry } from './types';
import type { ZipTable } from './zip-table-import';

/** What every national file holds: a source with less, and no manifest count of its own, looks truncated. */
export const MIN_COUNTS = { senators: 90, representatives: 400, zips: 30_000, districts: 435 } as const;

export const seatKey = (d: DistrictRef): string => `${d.state}-${d.district}`;

/** Seats in order: by state, then district number. */
export function compareSeats(a: DistrictRef, b: DistrictRef): number {
  return a.state.localeCompare(b.state) || a.district - b.district;
}

/**
 * Refuses a source that looks truncated: fewer records than its manifest's `records` (a partial extract,
 * like the tests' fixture, states its own size), or without that fewer than every national file holds.
 * Only a national ZIP table of the members' Congress is counted: states a partial one lacks are awaited.
 */
export function refuseTruncated(read: {
  members: { name: string; list: ReadonlyArray<Member>; records: number | undefined };
  /** The ZIP table read (`national`: of the members' Congress, all states); null when none is published. */
  zips: { name: string; size: number; national: boolean; records: number | undefined } | null;
}): void {
  const refuse = (file: string, count: number, what: string, least: number): void => {
    if (count < least) {
      throw new DataError(
        `${file}: only ${count} ${what} (expected at least ${least}); the file looks truncated`,
      );
    }
  };
  const { members, zips } = read;
  if (members.records !== undefined) refuse(members.name, members.list.length, 'members', members.records);
  else {
    const senators = members.list.filter((m) => m.chamber === 'senate').length;
    const representatives = members.list.filter((m) => m.title === 'Representative').length;
    refuse(members.name, senators, 'senators', MIN_COUNTS.senators);
    refuse(members.name, representatives, 'representatives', MIN_COUNTS.representatives);
  }
  if (zips?.national) refuse(zips.name, zips.size, 'zips', zips.records ?? MIN_COUNTS.zips);
}

/** The index file's contents; throws when the member list has more than 100 senators. */
export function buildCivicIndex(
  parts: { members: Member[]; warnings: string[]; zipTable: ZipTable; zipsName: string },
  meta: Pick<
    CivicIndexFile['meta'],
    'source' | 'snapshotDate' | 'sources' | 'previousMaps' | 'awaitingMaps'
  > & { now: Date },
): CivicIndexFile {
  const { members, zipTable } = parts;
  const warnings = [...parts.warnings];
  const seats = new Map<string, DistrictRef>();
  for (const list of zipTable.values()) {
    for (const d of list) seats.set(seatKey(d), { state: d.state, district: d.district });
  }
  for (const territory of DELEGATE_TERRITORIES)
    seats.set(`${territory}-0`, { state: territory, district: 0 });

  const occupied = new Map<string, Member>();
  let seatsMissing = 0;
  for (const member of members) {
    if (member.chamber !== 'house') continue;
    const ref = { state: member.state, district: member.district ?? 0 };
    const key = seatKey(ref);
    const other = occupied.get(key);
    if (other) warnings.push(`${key}: two members (${other.bioguide}, ${member.bioguide})`);
    occupied.set(key, member);
    if (!seats.has(key)) {
      seatsMissing++;
      seats.set(key, ref);
    }
  }
  if (seatsMissing > 0) warnings.push(`${seatsMissing} member seat(s) have no ZIP area in ${parts.zipsName}`);

  const districts = [...seats.values()].sort(compareSeats);
  const vacancies = districts.filter((d) => !occupied.has(seatKey(d)));

  const zips: Record<string, ZipEntry> = {};
  for (const zip of [...zipTable.keys()].sort()) zips[zip] = { districts: zipTable.get(zip)! };

  const counts = {
    senators: members.filter((m) => m.chamber === 'senate').length,
    representatives: members.filter((m) => m.title === 'Representative').length,
    delegates: members.filter((m) => m.title === 'Delegate' || m.title === 'Resident Commissioner').length,
    vacancies: vacancies.length,
    zips: zipTable.size,
  };
  if (counts.senators > 100) throw new DataError(`members: ${counts.senators} senators (max 100)`);

  const membersInfo = meta.sources!.members;
  return {
    meta: {
      source: meta.source,
      snapshotDate: meta.snapshotDate,
      importedAt: meta.now.toISOString(),
      congress: membersInfo.congress,
      validFrom: membersInfo.validFrom,
      validUntil: membersInfo.validUntil,
      sources: meta.sources,
      ...(meta.previousMaps ? { previousMaps: meta.previousMaps } : {}),
      ...(meta.awaitingMaps ? { awaitingMaps: meta.awaitingMaps } : {}),
      counts,
      warnings,
    },
    members: members.sort(
      (a, b) =>
        a.state.localeCompare(b.state) ||
        a.chamber.localeCompare(b.chamber) ||
        (a.district ?? 0) - (b.district ?? 0) ||
        a.lastName.localeCompare(b.lastName),
    ),
    districts,
    vacancies,
    zips,
  };
}
