/**
 * replies/responsiveness: what the answers add up to, per Congress, bill and member: letters delivered,
 * writers asked, answers, the share who got a reply, the median days to a reply and the stances reported.
 * A member's row is public only from `minAnswers` answers, so no single writer's answer can be read off
 * it; the organiser sees every row. Everything here is reported by writers, not verified.
 *
 * The board joins what the public record says (sponsor or cosponsor since a date, src/campaign/sponsors)
 * with what writers report, each with its date.
 *
 * It reads the answer rows (one per asked letter) and one GROUP BY over delivered letters, cached per
 * campaign like the counters' stats (tracking/stats cachePerCampaign).
 */
import type { Sponsorship } from '../campaign/sponsors';
import { DAY_MS, type Clock } from '../platform/clock';
import type { Storage } from '../storage/database';
import type { ReplyStance } from '../storage/schema';
import { cachePerCampaign } from '../tracking/stats';
import { deliveredPerMember } from '../letters/letter-store';
import { answersOfCampaign } from './reply-store';

type StanceCounts = Record<ReplyStance, number>;

export interface MemberReplies {
  congress: number;
  bill: string | null;
  bioguide: string;
  chamber: 'senate' | 'house';
  state: string;
  /** Letters the office's system accepted or the relay sent (all writers, asked or not). */
  delivered: number;
  /** Letters whose writer was asked whether the member replied. */
  asked: number;
  /** Answers given ("they replied" or "no reply yet"). */
  answers: number;
  replied: number;
  /** replied / answers, 0..1; null without answers. */
  replyShare: number | null;
  /** Median whole days from delivery to the reply, over replies; null without replies. */
  medianDaysToReply: number | null;
  /** Stances of replies about the bill (a reply about something else says nothing of it). */
  stances: StanceCounts;
  formLetters: number;
  /** The UTC day of the latest answer: the date of what the row says. */
  answersUpTo: string | null;
  /** At least `minAnswers` answers: the row may be shown to the public. */
  public: boolean;
}

export interface CampaignReplies {
  campaign: string;
  minAnswers: number;
  /** Every member with a delivered or asked letter, most answers first. */
  members: MemberReplies[];
  updatedAt: string;
}

/**
 * The organiser's replies CSV (web/handlers/admin): every member's row, with whether the public sees it;
 * each column and its value.
 */
type ReplyColumn = [column: string, value: (m: MemberReplies, campaign: string, name: string) => unknown];
export const REPLY_EXPORT: ReplyColumn[] = [
  ['campaign', (_m, campaign) => campaign],
  ['congress', (m) => m.congress],
  ['bill', (m) => m.bill ?? ''],
  ['member', (m) => m.bioguide],
  ['name', (_m, _campaign, name) => name],
  ['delivered', (m) => m.delivered],
  ['asked', (m) => m.asked],
  ['answers', (m) => m.answers],
  ['replied', (m) => m.replied],
  ['reply_share', (m) => (m.replyShare === null ? '' : m.replyShare.toFixed(3))],
  ['median_days_to_reply', (m) => m.medianDaysToReply ?? ''],
  ['support', (m) => m.stances.support],
  ['oppose', (m) => m.stances.oppose],
  ['undecided', (m) => m.stances.undecided],
  ['did_not_say', (m) => m.stances.unstated],
  ['form_letters', (m) => m.formLetters],
  ['answers_up_to', (m) => m.answersUpTo ?? ''],
  ['public', (m) => (m.public ? 'yes' : 'no')],
];

export interface ResponsivenessService {
  forCampaign(campaign: string): Promise<CampaignReplies>;
}

/** The median of whole numbers (the mean of the middle two for an even count), or null. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function daysBetween(fromDay: string, toDay: string): number {
  return Math.max(
    0,
    Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / DAY_MS),
  );
}

/** Adds up one campaign's answer rows and delivered counts; pure, for tests. */
export function summariseReplies(
  campaign: string,
  answers: Awaited<ReturnType<typeof answersOfCampaign>>,
  delivered: Awaited<ReturnType<typeof deliveredPerMember>>,
  minAnswers: number,
  updatedAt: string,
): CampaignReplies {
  const rows = new Map<string, MemberReplies & { days: number[] }>();
  // A member's chamber and state come with the answers (read first); a row of deliveries alone has none.
  const rowFor = (
    r: { congress: number; bill: string | null; bioguide: string },
    chamber: 'senate' | 'house' = 'senate',
    state = '',
  ) => {
    const key = `${r.congress}|${r.bill ?? ''}|${r.bioguide}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        congress: r.congress,
        bill: r.bill,
        bioguide: r.bioguide,
        chamber,
        state,
        delivered: 0,
        asked: 0,
        answers: 0,
        replied: 0,
        replyShare: null,
        medianDaysToReply: null,
        stances: { support: 0, oppose: 0, undecided: 0, unstated: 0 },
        formLetters: 0,
        answersUpTo: null,
        public: false,
        days: [],
      };
      rows.set(key, row);
    }
    return row;
  };
  for (const a of answers) {
    const row = rowFor(a, a.chamber, a.state);
    row.asked++;
    if (!a.answer) continue;
    row.answers++;
    const day = a.answered_at?.slice(0, 10) ?? null;
    if (day && (!row.answersUpTo || day > row.answersUpTo)) row.answersUpTo = day;
    if (a.answer !== 'replied') continue;
    row.replied++;
    row.days.push(daysBetween(a.delivered_on, a.replied_on ?? day ?? a.delivered_on));
    if (a.stance && a.about_bill !== 'no') row.stances[a.stance]++;
    if (a.form_letter === 'yes') row.formLetters++;
  }
  for (const d of delivered) rowFor(d).delivered += d.count;
  const members = [...rows.values()].map(({ days, ...row }) => ({
    ...row,
    replyShare: row.answers > 0 ? row.replied / row.answers : null,
    medianDaysToReply: median(days),
    public: row.answers >= minAnswers,
  }));
  members.sort(
    (x, y) => y.answers - x.answers || y.delivered - x.delivered || x.bioguide.localeCompare(y.bioguide),
  );
  return { campaign, minAnswers, members, updatedAt };
}

export function createResponsivenessService(options: {
  storage: Pick<Storage, 'db'>;
  clock: Clock;
  cacheMs: number;
  minAnswers: number;
}): ResponsivenessService {
  const { storage, clock, cacheMs, minAnswers } = options;
  async function read(campaign: string): Promise<CampaignReplies> {
    const [answers, delivered] = await Promise.all([
      answersOfCampaign(storage.db, campaign),
      deliveredPerMember(storage.db, campaign),
    ]);
    return summariseReplies(campaign, answers, delivered, minAnswers, clock.now().toISOString());
  }
  return { forCampaign: cachePerCampaign(clock, cacheMs, read).get };
}

/** What the public may see: rows with enough answers, and how many rows with answers are held back. */
export function publicReplies(replies: CampaignReplies, congress: number) {
  const inCongress = replies.members.filter((m) => m.congress === congress);
  return {
    minAnswers: replies.minAnswers,
    members: inCongress.filter((m) => m.public),
    hiddenMembers: inCongress.filter((m) => !m.public && m.answers > 0).length,
  };
}

export interface BoardLine {
  bioguide: string;
  chamber: 'senate' | 'house';
  bill: string | null;
  /** What the public record says, dated. */
  sponsorship: Sponsorship | undefined;
  /** What writers report, dated; only from a public row. */
  reported: { stances: StanceCounts; replied: number; answersUpTo: string | null } | undefined;
}

/**
 * One board for a Congress: every member with a sponsorship or a public row of answers. The sponsorship
 * comes from the caller (the sponsor roll, via the campaign's asks), so this stays a pure join.
 */
export function boardFor(
  replies: CampaignReplies,
  congress: number,
  sponsors: Array<Omit<BoardLine, 'reported'> & { sponsorship: Sponsorship }>,
): BoardLine[] {
  const lines = new Map<string, BoardLine>(sponsors.map((s) => [s.bioguide, { ...s, reported: undefined }]));
  for (const m of replies.members) {
    if (m.congress !== congress || !m.public) continue;
    const line = lines.get(m.bioguide) ?? {
      bioguide: m.bioguide,
      chamber: m.chamber,
      bill: m.bill,
      sponsorship: undefined,
      reported: undefined,
    };
    line.reported = { stances: m.stances, replied: m.replied, answersUpTo: m.answersUpTo };
    lines.set(m.bioguide, line);
  }
  // Senators first, then representatives (as the letters list them).
  return [...lines.values()].sort(
    (x, y) => y.chamber.localeCompare(x.chamber) || x.bioguide.localeCompare(y.bioguide),
  );
}
