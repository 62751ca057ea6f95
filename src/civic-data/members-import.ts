/**
 * civic-data/members-import: members of Congress from unitedstates/congress-legislators (current members,
 * their district offices and social accounts), validated record by record. The Congress of the list comes
 * from the members' current terms: a House term belongs to the Congress it ends with, and every senator's
 * term must cover part of it. A file whose House terms belong to two Congresses is refused.
 */
import { trimEnd } from '../platform/text';
import { z } from 'zod';
import { DataError } from '../platform/errors';
import { congressDates, congressOfHouseTerm, ordinal, termOverlapsCongress } from './congress';
import {
  downloadText,
  knownFile,
  parseJsonArray,
  readLocalText,
  recordError,
  sourceInfo,
  type ManifestEntry,
  type SourceText,
} from './source-files';
import { hasSenators, houseTitle, stateByAbbr } from './states';
import type { DistrictOffice, Member, SourceInfo } from './types';

/** Each chamber's own page for reaching a member, for a member whose data gives no contact form. */
export const HOUSE_WRITE_YOUR_REP_URL = 'https://www.house.gov/representatives/find-your-representative';
export const SENATE_CONTACT_URL = 'https://www.senate.gov/senators/senators-contact.htm';

// Zod schemas of the source records (only the fields used; unknown fields are ignored).

/** A member's Congress-wide id: the one check of its form, for the data, the campaigns and the forms. */
export const BioguideId = z.string().regex(/^[A-Z]\d{6}$/, 'must be a bioguide id like "C000127"');
export const StateCode = z.string().refine((s) => stateByAbbr(s) !== undefined && s === s.toUpperCase(), {
  message: 'must be a two-letter state, DC or territory code',
});
const OptionalText = z.string().optional();
/** Text that the source sometimes writes as a number (a suite "247" as 247). */
const LooseText = z.union([z.string(), z.number()]).transform(String);

const LegislatorSchema = z.object({
  id: z.object({ bioguide: BioguideId }),
  name: z.object({
    first: z.string().min(1),
    last: z.string().min(1),
    official_full: z.string().min(1).optional(),
  }),
  terms: z.array(z.record(z.string(), z.unknown())).min(1),
});

const TermSchema = z
  .object({
    type: z.enum(['sen', 'rep']),
    state: StateCode,
    district: z.number().int().min(0).max(99).nullable().optional(),
    class: z.number().int().min(1).max(3).nullable().optional(),
    party: z.string().min(1),
    url: OptionalText,
    contact_form: OptionalText,
    phone: OptionalText,
    office: OptionalText,
    address: OptionalText,
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-01-03'),
    end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-01-03'),
  })
  .superRefine((term, ctx) => {
    if (term.type === 'rep' && (term.district === undefined || term.district === null)) {
      ctx.addIssue({ code: 'custom', path: ['district'], message: 'is required for a representative' });
    }
  });

const OfficeSchema = z.object({
  id: z.string().min(1),
  address: OptionalText,
  suite: LooseText.optional(),
  building: LooseText.optional(),
  city: OptionalText,
  state: OptionalText,
  zip: LooseText.optional(),
  phone: OptionalText,
  latitude: z.number().nullable().optional(),
  longitude: z.number().nullable().optional(),
});
const OfficesRecordSchema = z.object({
  id: z.object({ bioguide: BioguideId }),
  offices: z.array(OfficeSchema),
});

const SocialRecordSchema = z.object({
  id: z.object({ bioguide: BioguideId }),
  social: z.record(z.string(), LooseText),
});

/**
 * The file's records checked against `schema`, each with where it is; the first bad one is refused. A
 * generator, so that a caller's own checks of earlier records still speak first.
 */
function* parseRecords<T>(source: SourceText, schema: z.ZodType<T>): Generator<{ record: T; where: string }> {
  for (const [index, raw] of parseJsonArray(source).entries()) {
    const bioguide = (raw as { id?: { bioguide?: unknown } } | null)?.id?.bioguide;
    const where =
      typeof bioguide === 'string' && bioguide
        ? `record ${index} (bioguide ${bioguide})`
        : `record ${index} (no bioguide)`;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw recordError(source.name, where, parsed.error.issues[0]!);
    yield { record: parsed.data, where };
  }
}

function normaliseSuite(suite: string): string {
  return /^\d+[A-Z]?$/i.test(suite) ? `Suite ${suite}` : suite;
}

function parseOffices(source: SourceText): Map<string, DistrictOffice[]> {
  return new Map(
    [...parseRecords(source, OfficesRecordSchema)].map(({ record }) => [
      record.id.bioguide,
      // An office without a street address cannot be written to: it is left out.
      record.offices
        .filter((office) => office.address?.trim())
        .map((office) => ({
          id: office.id,
          address: [office.address, office.suite && normaliseSuite(office.suite), office.building]
            .map((part) => part?.trim())
            .filter(Boolean)
            .join(', '),
          city: office.city?.trim() ?? '',
          state: office.state?.trim() ?? '',
          zip: office.zip?.trim() ?? '',
          phone: office.phone?.trim() || null,
          latitude: office.latitude ?? null,
          longitude: office.longitude ?? null,
        })),
    ]),
  );
}

function parseSocial(source: SourceText): Map<string, Record<string, string>> {
  return new Map(
    [...parseRecords(source, SocialRecordSchema)].map(({ record }) => [record.id.bioguide, record.social]),
  );
}

type CurrentTerm = { bioguide: string } & Pick<z.infer<typeof TermSchema>, 'type' | 'start' | 'end'>;

function parseLegislators(
  source: SourceText,
  offices: Map<string, DistrictOffice[]>,
  social: Map<string, Record<string, string>>,
): { members: Member[]; warnings: string[]; congress: number } {
  const members: Member[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const currentTerms: CurrentTerm[] = [];
  for (const { record, where } of parseRecords(source, LegislatorSchema)) {
    const { id, name, terms } = record;
    const lastIndex = terms.length - 1;
    const term = TermSchema.safeParse(terms[lastIndex]);
    if (!term.success) throw recordError(source.name, where, term.error.issues[0]!, ['terms', lastIndex]);
    if (seen.has(id.bioguide))
      throw new DataError(`${source.name}: ${where}: duplicate bioguide ${id.bioguide}`);
    seen.add(id.bioguide);

    const t = term.data;
    currentTerms.push({ bioguide: id.bioguide, type: t.type, start: t.start, end: t.end });
    const chamber = t.type === 'sen' ? 'senate' : 'house';
    if (chamber === 'senate' && !hasSenators(t.state)) {
      throw new DataError(
        `${source.name}: ${where}: field "terms[${lastIndex}].state" ${t.state} has no senators`,
      );
    }
    const title = chamber === 'senate' ? 'Senator' : houseTitle(t.state);
    const fullName = name.official_full?.trim() || `${name.first.trim()} ${name.last.trim()}`;
    const url = repairUrl(t.url);
    const contactForm = repairUrl(t.contact_form);
    if (t.url && !url) warnings.push(`${id.bioguide}: unusable url ${JSON.stringify(t.url)} dropped`);
    if (t.contact_form && !contactForm) {
      warnings.push(`${id.bioguide}: unusable contact_form ${JSON.stringify(t.contact_form)} dropped`);
    }
    const contactUrl = contactForm ?? (chamber === 'house' ? HOUSE_WRITE_YOUR_REP_URL : url);
    // A senator with neither a contact form nor a website: pointed at the Senate's own directory instead.
    if (!contactUrl) warnings.push(`${id.bioguide}: senator without contact form or website`);
    members.push({
      bioguide: id.bioguide,
      chamber,
      name: fullName,
      firstName: name.first.trim(),
      lastName: name.last.trim(),
      formalName: `${title} ${fullName}`,
      title,
      state: t.state,
      district: chamber === 'house' ? (t.district ?? 0) : null,
      senateClass: chamber === 'senate' ? (t.class ?? null) : null,
      party: t.party,
      phone: t.phone?.trim() || null,
      url,
      contactUrl: contactUrl ?? SENATE_CONTACT_URL,
      dcOffice: t.office?.trim() || null,
      districtOffices: offices.get(id.bioguide) ?? [],
      social: social.get(id.bioguide) ?? {},
      termEnd: t.end,
    });
  }
  return { members, warnings, congress: congressOfTerms(source.name, currentTerms) };
}

/**
 * The Congress of a member list: every House term must end with the same Congress, and every senator's
 * term must cover part of it. Upstream rewrites all terms on 3 January; a file caught half-way is refused.
 */
function congressOfTerms(file: string, terms: readonly CurrentTerm[]): number {
  const byCongress = new Map<number, string[]>();
  for (const term of terms) {
    if (term.type !== 'rep') continue;
    const congress = congressOfHouseTerm(term);
    byCongress.set(congress, [...(byCongress.get(congress) ?? []), term.bioguide]);
  }
  if (byCongress.size === 0) throw new DataError(`${file}: no House member, so no Congress can be read`);
  if (byCongress.size > 1) {
    const parts = [...byCongress]
      .sort((a, b) => a[0] - b[0])
      .map(([c, ids]) => `${ordinal(c)} Congress: ${ids.length} (e.g. ${ids.slice(0, 3).join(', ')})`);
    throw new DataError(
      `${file}: the House terms belong to two Congresses (${parts.join('; ')}); fetch the file again once upstream has finished updating`,
    );
  }
  const congress = [...byCongress.keys()][0]!;
  for (const term of terms) {
    if (term.type === 'sen' && !termOverlapsCongress(term, congress)) {
      const { start, end } = congressDates(congress);
      throw new DataError(
        `${file}: senator ${term.bioguide}'s current term (${term.start} to ${term.end}) is outside the ${ordinal(congress)} Congress (${start} to ${end})`,
      );
    }
  }
  return congress;
}

/**
 * Repairs a URL from the source: adds https:// when the scheme is missing, fixes a doubled letter in the
 * scheme ("hhttps://"), upgrades http to https for .gov hosts, and returns null for anything that still is
 * not an http(s) URL with a host, or that contains spaces.
 */
export function repairUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (!text || /\s/.test(text)) return null;
  text = text.replace(/^h+t+p+(s?):\/*/i, (_m, s: string) => `http${s.toLowerCase()}://`);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `https://${text.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!url.hostname.includes('.') || url.username || url.password) return null;
  if (url.protocol === 'http:' && /(^|\.)[a-z0-9-]+\.gov$/i.test(url.hostname)) url.protocol = 'https:';
  return url.toString();
}

/**
 * The member list from a `--from` folder (its `congress-legislators/`, as in the shared data mirror) or the
 * published folder at `url`, whose files always hold the current Congress (upstream updates them). Dated by
 * the operator's --data-date, else the download's Last-Modified, else the manifest, else a known file's
 * checksum.
 */
export async function readMembers(
  source: { from: string | undefined; url: string; dataDate: string | undefined },
  manifest: ManifestEntry | undefined,
): Promise<{ members: Member[]; warnings: string[]; info: SourceInfo; files: string[] }> {
  const read = (file: string): Promise<SourceText> =>
    source.from
      ? readLocalText(source.from, `congress-legislators/${file}`)
      : downloadText(`${trimEnd(source.url, '/')}/${file}`);
  const [legislators, offices, social] = await Promise.all([
    read('legislators-current.json'),
    read('legislators-district-offices.json'),
    read('legislators-social-media.json'),
  ]);
  const { congress, ...parsed } = parseLegislators(legislators, parseOffices(offices), parseSocial(social));

  let date: string | null = null;
  let dateFrom: SourceInfo['dateFrom'] = null;
  // A published snapshot recognised by its checksum (the project's data mirror) dates itself.
  const known = knownFile(legislators.text);
  if (source.dataDate) [date, dateFrom] = [source.dataDate, 'operator'];
  else if (legislators.date) [date, dateFrom] = [legislators.date, 'last-modified'];
  else if (manifest?.date) [date, dateFrom] = [manifest.date, 'manifest'];
  else if (known) [date, dateFrom] = [known.date, 'known file'];
  if (!date) {
    throw new DataError(
      `${legislators.name}: the member data's date is unknown (a folder's files carry none); pass --data-date YYYY-MM-DD (the day the files were fetched upstream) or a manifest (--manifest FILE, or manifest.json in the folder; see docs/data.md)`,
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new DataError(`--data-date ${date}: must be a date like 2026-06-15`);
  return {
    ...parsed,
    /** The files read, as their messages name them (a path in the folder, or a URL). */
    files: [legislators, offices, social].map((file) => file.name),
    info: sourceInfo({ name: legislators.name, congress, congressFrom: 'terms', date, dateFrom }),
  };
}
