/**
 * civic-data/load: reads `data/civic-index.json` once at start-up and answers member and district
 * questions from memory (ZIP lookups are a Map access).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { seatKey } from './civic-index';
import { congressEnds, noonEastern } from './congress';
import type { CivicDataMeta, CivicIndexFile, DistrictRef, Member, ZipDistrict } from './types';

/** The index file inside DATA_DIR, written by `npm run data:update` (civic-data/import). */
export const INDEX_FILE_NAME = 'civic-index.json';

const Seat = z.object({ state: z.string(), district: z.number().int() });

const MinimalIndexSchema = z.object({
  meta: z.object({
    source: z.string(),
    snapshotDate: z.string(),
    importedAt: z.string(),
    congress: z.number().int(),
    validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
    counts: z.object({
      senators: z.number(),
      representatives: z.number(),
      delegates: z.number(),
      vacancies: z.number(),
      zips: z.number(),
    }),
  }),
  members: z.array(
    z.object({
      bioguide: z.string(),
      chamber: z.enum(['senate', 'house']),
      name: z.string(),
      formalName: z.string(),
      state: z.string(),
      district: z.number().int().nullable(),
      contactUrl: z.string(),
    }),
  ),
  districts: z.array(Seat),
  vacancies: z.array(Seat),
  zips: z.record(
    z.string(),
    z.object({ districts: z.array(z.object({ state: z.string(), district: z.number() })) }),
  ),
});

/** Everything one import gave, with its lookup maps: never changed once built. */
function buildContents(file: CivicIndexFile) {
  const senatorsByState = new Map<string, Member[]>();
  const houseBySeat = new Map<string, Member>();
  for (const member of file.members) {
    if (member.chamber === 'senate') {
      senatorsByState.set(member.state, [...(senatorsByState.get(member.state) ?? []), member]);
    } else {
      houseBySeat.set(seatKey({ state: member.state, district: member.district ?? 0 }), member);
    }
  }
  const seatsByState = new Map<string, DistrictRef[]>();
  for (const { state, district } of file.districts) {
    seatsByState.set(state, [...(seatsByState.get(state) ?? []), { state, district }]);
  }
  for (const list of seatsByState.values()) list.sort((a, b) => a.district - b.district);
  return {
    file,
    byBioguide: new Map(file.members.map((member) => [member.bioguide, member])),
    senatorsByState,
    houseBySeat,
    seats: new Set(file.districts.map((d) => seatKey(d))),
    seatsByState,
    zips: new Map(Object.entries(file.zips).map(([zip, entry]) => [zip, entry.districts])),
    /**
     * When the index's Congress ends (noon Eastern, 3 January, from the Congress clock): from then the data
     * is stale, and members imported without their own term end have ended theirs.
     */
    congressEndsAt: congressEnds(file.meta.congress).getTime(),
  };
}

/**
 * The member and ZIP data in service. Components keep this one object for the life of the process; a data
 * refresh (civic-data/refresh.ts) replaces what it holds in one assignment, so every question is answered
 * from one import or the next, never a mix, and nothing has to be restarted.
 */
export class CivicIndex {
  private contents: ReturnType<typeof buildContents>;

  constructor(file: CivicIndexFile) {
    this.contents = buildContents(file);
  }

  /** Serves `next`'s data from now on (the refresh's atomic swap). */
  replaceWith(next: CivicIndex): void {
    this.contents = next.contents;
  }

  get meta(): CivicDataMeta {
    return this.contents.file.meta;
  }

  get members(): readonly Member[] {
    return this.contents.file.members;
  }

  get districts(): readonly DistrictRef[] {
    return this.contents.file.districts;
  }

  get vacancies(): readonly DistrictRef[] {
    return this.contents.file.vacancies;
  }

  memberByBioguide(id: string): Member | undefined {
    return this.contents.byBioguide.get(id);
  }

  senatorsForState(state: string): Member[] {
    return [...(this.contents.senatorsByState.get(state.toUpperCase()) ?? [])];
  }

  /** The current House member (Representative, Delegate or Resident Commissioner), undefined when vacant. */
  houseMemberFor(state: string, district: number): Member | undefined {
    return this.contents.houseBySeat.get(seatKey({ state: state.toUpperCase(), district }));
  }

  /** Whether the seat exists and has no current member. */
  isVacant(state: string, district: number): boolean {
    return this.hasSeat(state, district) && !this.houseMemberFor(state, district);
  }

  hasSeat(state: string, district: number): boolean {
    return this.contents.seats.has(seatKey({ state: state.toUpperCase(), district }));
  }

  /** The districts of a 5-digit ZIP area, most likely first; empty when the ZIP has no ZIP-area row. */
  districtsForZip(zip: string): readonly ZipDistrict[] {
    return this.contents.zips.get(zip.slice(0, 5)) ?? [];
  }

  districtsInState(state: string): DistrictRef[] {
    return [...(this.contents.seatsByState.get(state.toUpperCase()) ?? [])];
  }

  /** A place with exactly one House seat: AK DE ND SD VT WY, DC, PR and the territories. */
  isAtLargeState(state: string): boolean {
    return this.contents.seatsByState.get(state.toUpperCase())?.length === 1;
  }

  /** Past the start of the next Congress the member list and maps are probably out of date. */
  isStale(now: Date): boolean {
    return now.getTime() >= this.contents.congressEndsAt;
  }

  /**
   * Whether the member's term is over: at noon Eastern on their own term's last day, else when the index's
   * Congress ends (every House term ends with it). A senator in mid-term stays a member when the Congress
   * changes.
   */
  termHasEnded(member: Member, now: Date): boolean {
    const end = member.termEnd ? noonEastern(member.termEnd).getTime() : this.contents.congressEndsAt;
    return now.getTime() >= end;
  }
}

/** Reads and checks `<dataDir>/civic-index.json`. Throws DataError when missing or malformed. */
export function loadCivicIndex(dataDir: string): CivicIndex {
  const file = path.join(dataDir, INDEX_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DataError(
        `Civic data not found in ${dataDir}. Run \`npm run data:update\` (or \`npm run data:update -- --from DIR\` offline).`,
      );
    }
    throw new DataError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${file} is not valid JSON; run \`npm run data:update\` again.`, { cause: error });
  }
  const parsed = MinimalIndexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataError(
      `${file} is malformed at "${issue.path.join('.')}": ${issue.message}; run \`npm run data:update\` again.`,
    );
  }
  return new CivicIndex(json as CivicIndexFile);
}
