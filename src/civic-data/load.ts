/**
 * civic-data/load: reads `data/civic-index.json` once at start-up and answers member and district
 * questions from memory (ZIP lookups are a Map access).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { INDEX_FILE_NAME } from './import';
import type { CivicDataMeta, CivicIndexFile, DistrictRef, Member, ZipEntry } from './types';

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
  districts: z.array(z.object({ state: z.string(), district: z.number().int() })),
  vacancies: z.array(z.object({ state: z.string(), district: z.number().int() })),
  zips: z.record(
    z.string(),
    z.object({ districts: z.array(z.object({ state: z.string(), district: z.number() })) }),
  ),
});

export type ZipDistrict = ZipEntry['districts'][number];

const seatKey = (state: string, district: number): string => `${state}-${district}`;

export class CivicIndex {
  readonly meta: CivicDataMeta;
  readonly members: readonly Member[];
  readonly districts: readonly DistrictRef[];
  readonly vacancies: readonly DistrictRef[];
  private readonly byBioguide = new Map<string, Member>();
  private readonly senatorsByState = new Map<string, Member[]>();
  private readonly houseBySeat = new Map<string, Member>();
  private readonly seats = new Set<string>();
  private readonly seatsByState = new Map<string, DistrictRef[]>();
  private readonly zips: Map<string, readonly ZipDistrict[]>;

  constructor(file: CivicIndexFile) {
    this.meta = file.meta;
    this.members = file.members;
    this.districts = file.districts;
    this.vacancies = file.vacancies;
    for (const member of file.members) {
      this.byBioguide.set(member.bioguide, member);
      if (member.chamber === 'senate') {
        const list = this.senatorsByState.get(member.state) ?? [];
        list.push(member);
        this.senatorsByState.set(member.state, list);
      } else {
        this.houseBySeat.set(seatKey(member.state, member.district ?? 0), member);
      }
    }
    for (const d of file.districts) {
      this.seats.add(seatKey(d.state, d.district));
      const list = this.seatsByState.get(d.state) ?? [];
      list.push({ state: d.state, district: d.district });
      this.seatsByState.set(d.state, list);
    }
    for (const list of this.seatsByState.values()) list.sort((a, b) => a.district - b.district);
    this.zips = new Map(Object.entries(file.zips).map(([zip, entry]) => [zip, entry.districts]));
  }

  memberByBioguide(id: string): Member | undefined {
    return this.byBioguide.get(id);
  }

  senatorsForState(state: string): Member[] {
    return [...(this.senatorsByState.get(state.toUpperCase()) ?? [])];
  }

  /** The current House member (Representative, Delegate or Resident Commissioner), undefined when vacant. */
  houseMemberFor(state: string, district: number): Member | undefined {
    return this.houseBySeat.get(seatKey(state.toUpperCase(), district));
  }

  /** Whether the seat exists and has no current member. */
  isVacant(state: string, district: number): boolean {
    const key = seatKey(state.toUpperCase(), district);
    return this.seats.has(key) && !this.houseBySeat.has(key);
  }

  hasSeat(state: string, district: number): boolean {
    return this.seats.has(seatKey(state.toUpperCase(), district));
  }

  /** The districts of a 5-digit ZIP area, most likely first; empty when the ZIP has no ZIP-area row. */
  districtsForZip(zip: string): readonly ZipDistrict[] {
    return this.zips.get(zip.slice(0, 5)) ?? [];
  }

  districtsInState(state: string): DistrictRef[] {
    return [...(this.seatsByState.get(state.toUpperCase()) ?? [])];
  }

  /** A place with exactly one House seat: AK DE ND SD VT WY, DC, PR and the territories. */
  isAtLargeState(state: string): boolean {
    return this.seatsByState.get(state.toUpperCase())?.length === 1;
  }

  /** Past the start of the next Congress the member list and maps are probably out of date. */
  isStale(now: Date): boolean {
    return now.getTime() >= this.staleFrom;
  }

  /** Start of validUntil (UTC), computed once: every page and lookup asks. */
  private get staleFrom(): number {
    this.staleFromMs ??= Date.parse(`${this.meta.validUntil.slice(0, 10)}T00:00:00Z`);
    return this.staleFromMs;
  }

  private staleFromMs: number | undefined;
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
