/**
 * replies/board-view: the responsiveness table and the board of where members stand, as the pages show
 * them: names from the member data, bill labels, dates and counts in the page's language. The progress
 * page, the write page and the stats JSON share it.
 */
import type { AskResolver } from '../campaign/asks';
import { billLabelOf } from '../campaign/bills';
import type { Campaign } from '../campaign/campaign';
import type { CivicIndex } from '../civic-data/load';
import type { Member } from '../civic-data/types';
import { formatLongDate, numberFormat, type PageLanguage } from '../platform/i18n-format';
import { memberLabel } from '../tracking/labels';
import {
  boardFor,
  publicReplies,
  type BoardLine,
  type CampaignReplies,
  type MemberReplies,
  type ResponsivenessService,
} from './responsiveness';

type Deps = { civic: CivicIndex; asks: AskResolver; replyStats: ResponsivenessService };

/**
 * The board of a Congress for the members in service (or those of them given): their dated sponsorships
 * of the campaign's bills joined with the public rows of answers.
 */
function board(
  deps: Deps,
  replies: CampaignReplies,
  campaign: Campaign,
  congress: number,
  members: ReadonlyArray<Pick<Member, 'bioguide' | 'chamber'>> = deps.civic.members,
) {
  const asks = deps.asks.forMembers(campaign, members);
  const sponsors = members.flatMap(({ bioguide, chamber }, i) => {
    const { sponsorship, bill } = asks[i]!;
    return sponsorship ? [{ bioguide, chamber, bill: bill.id, sponsorship }] : [];
  });
  return boardFor(replies, congress, sponsors);
}

/**
 * "S. 1829" for a bill id, else the id: a member's replies may be about a chamber's earlier bill (its
 * reintroduction adopted since, in one chamber or both).
 */
function billLabel(id: string | null): string {
  return id ? (billLabelOf(id) ?? id) : '';
}

function percent(lang: string, share: number | null): string {
  return share === null ? '–' : numberFormat(lang, { style: 'percent' }).format(share);
}

function number(lang: string, n: number | null): string {
  return n === null ? '–' : numberFormat(lang, { maximumFractionDigits: 1 }).format(n);
}

/** One table row as the page shows it. */
function replyRowView(deps: Deps, page: PageLanguage, row: MemberReplies) {
  return {
    ...row,
    name: memberLabel(deps, row.bioguide),
    billLabel: billLabel(row.bill),
    replyShareText: percent(page.language, row.replyShare),
    medianDaysText: number(page.language, row.medianDaysToReply),
    stancesText: page.t('replies.progress.stanceCounts', row.stances),
  };
}

/** A board line's sentences: the record's (dated) and the writers' (dated), in the page's language. */
function boardLineView(
  deps: Deps,
  page: PageLanguage,
  line: BoardLine,
  /** The write page's short form: the record's sentence without its source (the progress board has it). */
  short = false,
) {
  const { sponsorship: s, reported } = line;
  const sentences = [
    s &&
      page.t(
        `replies.${short ? 'write' : 'progress'}.${s.role === 'sponsor' ? 'sponsorSince' : 'cosponsorSince'}`,
        {
          bill: billLabel(line.bill),
          date: formatLongDate(page.language, s.since.slice(0, 10)),
          source: s.source.name,
          asOf: formatLongDate(page.language, s.asOf.slice(0, 10)),
        },
      ),
    reported &&
      page.t('replies.progress.reported', {
        counts: page.t('replies.progress.stanceCounts', reported.stances),
        date: reported.answersUpTo ? formatLongDate(page.language, reported.answersUpTo) : '',
      }),
  ].filter((sentence) => sentence !== undefined);
  return {
    bioguide: line.bioguide,
    name: memberLabel(deps, line.bioguide),
    chamber: line.chamber,
    sentences,
  };
}

/** The progress page's section: public rows of the Congress in service, the count held back, the board. */
export async function replySection(deps: Deps, page: PageLanguage, campaign: Campaign, congress: number) {
  const replies = await deps.replyStats.forCampaign(campaign.slug);
  const shown = publicReplies(replies, congress);
  const lines = board(deps, replies, campaign, congress);
  return {
    minAnswers: shown.minAnswers,
    rows: shown.members.map((m) => replyRowView(deps, page, m)),
    hiddenMembers: shown.hiddenMembers,
    board: lines.map((l) => boardLineView(deps, page, l)),
    /** The members in service who sponsor or cosponsor their chamber's bill. */
    sponsors: new Set(lines.filter((l) => l.sponsorship).map((l) => l.bioguide)),
  };
}

/** The writer's own members' board lines (the write page), only those with something to say. */
export async function boardLinesFor(
  deps: Deps,
  page: PageLanguage,
  campaign: Campaign,
  congress: number,
  bioguides: string[],
) {
  if (bioguides.length === 0) return new Map<string, string[]>();
  const replies = await deps.replyStats.forCampaign(campaign.slug);
  const wanted = new Set(bioguides);
  const members = [...wanted].flatMap((id) => deps.civic.memberByBioguide(id) ?? []);
  const lines = board(deps, replies, campaign, congress, members).filter((l) => wanted.has(l.bioguide));
  return new Map(lines.map((l) => [l.bioguide, boardLineView(deps, page, l, true).sentences]));
}

/** The JSON stats API's `replies`: public rows per Congress (names resolved) and the board, in English. */
export async function publicReplyStats(deps: Deps, campaign: Campaign, congress: number) {
  const replies = await deps.replyStats.forCampaign(campaign.slug);
  const congresses = [...new Set(replies.members.map((m) => m.congress))].sort((a, b) => b - a);
  const strip = ({ public: _public, ...row }: MemberReplies) => ({
    ...row,
    name: memberLabel(deps, row.bioguide),
  });
  return {
    reportedBy: 'writers, not verified',
    minAnswers: replies.minAnswers,
    byCongress: congresses.map((c) => {
      const shown = publicReplies(replies, c);
      return { congress: c, members: shown.members.map(strip), hiddenMembers: shown.hiddenMembers };
    }),
    board: {
      congress,
      members: board(deps, replies, campaign, congress).map((l) => ({
        ...l,
        name: memberLabel(deps, l.bioguide),
        sponsorship: l.sponsorship ?? null,
        reported: l.reported ?? null,
      })),
    },
    updatedAt: replies.updatedAt,
  };
}
