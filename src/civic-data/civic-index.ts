/**
 * civic-data/civic-index: the index file's contents (`data/civic-index.json`) built from the sources
 * read: every seat named by the ZIP table or a member, the vacancies, the ZIP rows and the counts, with the
 * checks that refuse a truncated source.
 */
import { DataError } from '../platform/errors';
import { DELEGATE_TERRITORIES } from './states';
import type { CivicIndexFile, DistrictRef, Member, ZipEntry } from './types';
import type { ZipTable } from './zip-table-import';

/** Below these counts a source is probably truncated, and the import is refused. */
export const MIN_COUNTS = { senators: 90, representatives: 400, zips: 30_000 } as const;

export const seatKey = (d: DistrictRef): string => `${d.state}-${d.district}`;

function compareSeats(a: DistrictRef, b: DistrictRef): number {
  return a.state.localeCompare(b.state) || a.district - b.district;
}

export function buildCivicIndex(
  parts: { members: Member[]; warnings: string[]; zipTable: ZipTable; zipsName: string },
  meta: Pick<
    CivicIndexFile['meta'],
    'source' | 'snapshotDate' | 'sources' | 'previousMaps' | 'awaitingMaps'
  > & { now: Date },
  options: { checkCounts?: boolean; zipCountForCheck?: number } = {},
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
  if (options.checkCounts !== false) {
    const checked = { ...counts, zips: options.zipCountForCheck ?? counts.zips };
    for (const key of ['senators', 'representatives', 'zips'] as const) {
      if (checked[key] < MIN_COUNTS[key]) {
        const file = key === 'zips' ? parts.zipsName : (meta.sources?.members.name ?? 'members');
        throw new DataError(
          `${file}: only ${checked[key]} ${key} (expected at least ${MIN_COUNTS[key]}); the file looks truncated`,
        );
      }
    }
    if (counts.senators > 100) throw new DataError(`members: ${counts.senators} senators (max 100)`);
  }

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
