/**
 * The answers added up: the median, the share who got a reply and the stances (a reply about something
 * else says nothing of the bill); the progress page, the stats API and the board show a member only from
 * REPLY_PUBLIC_MIN_ANSWERS answers, while the organiser's page and CSV show every row.
 */
import request from 'supertest';
import { newId } from '../../src/platform/ids';
import { median, summariseReplies } from '../../src/replies/responsiveness';
import type { ReplyLettersTable } from '../../src/storage/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { ADDRESS } from '../helpers/sender';
import { csrfSession } from '../web/security-helpers';

const ADMIN_TOKEN = 'organiser-token-0123456789';

function answerRow(over: Partial<ReplyLettersTable>): ReplyLettersTable {
  return {
    id: newId(),
    letter_id: null,
    batch_id: null,
    dedupe_key: null,
    campaign: 'stop-csam',
    bioguide: 'X000001',
    chamber: 'senate',
    state: 'IL',
    congress: 119,
    bill: '119-s-1829',
    delivered_on: '2026-11-01',
    asked_on: '2026-11-15',
    answer: null,
    answered_at: null,
    replied_on: null,
    about_bill: null,
    stance: null,
    form_letter: null,
    note: null,
    ...over,
  };
}

describe('adding up the answers', () => {
  test('when the counts are even or odd, then the median is the middle (or the mean of the middle two)', () => {
    expect(median([])).toBeNull();
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 4, 8])).toBe(6);
  });

  test('when writers answer, then share, median days, stances and the public flag follow the answers', () => {
    const rows = [
      answerRow({
        answer: 'replied',
        answered_at: '2026-11-20T10:00:00Z',
        replied_on: '2026-11-11',
        about_bill: 'yes',
        stance: 'undecided',
        form_letter: 'yes',
      }),
      answerRow({
        answer: 'replied',
        answered_at: '2026-11-21T10:00:00Z',
        replied_on: '2026-11-21',
        about_bill: 'no',
        stance: null,
      }),
      answerRow({ answer: 'no_reply', answered_at: '2026-11-22T10:00:00Z' }),
      answerRow({}),
      answerRow({
        bioguide: 'X000002',
        answer: 'replied',
        answered_at: '2026-11-20T10:00:00Z',
        replied_on: '2026-11-05',
        about_bill: 'yes',
        stance: 'support',
      }),
    ];
    const summary = summariseReplies(
      'stop-csam',
      rows,
      [{ congress: 119, bill: '119-s-1829', bioguide: 'X000001', count: 40 }],
      3,
      '2026-12-01T00:00:00Z',
    );
    const first = summary.members.find((m) => m.bioguide === 'X000001')!;
    expect(first).toMatchObject({
      delivered: 40,
      asked: 4,
      answers: 3,
      replied: 2,
      medianDaysToReply: 15,
      formLetters: 1,
      answersUpTo: '2026-11-22',
      public: true,
      // The reply about something else counts as a reply, not as a stance on the bill.
      stances: { support: 0, oppose: 0, undecided: 1, unstated: 0 },
    });
    expect(first.replyShare).toBeCloseTo(2 / 3);
    const second = summary.members.find((m) => m.bioguide === 'X000002')!;
    expect(second.public).toBe(false);
    expect(second.medianDaysToReply).toBe(4);
  });
});

describe('the progress page, the stats API and the organiser', () => {
  let t: TestApp;
  let shown: { bioguide: string; name: string };
  let hidden: { bioguide: string; name: string };

  beforeAll(async () => {
    t = await createTestApp({ REPLY_PUBLIC_MIN_ANSWERS: '3', ADMIN_TOKEN });
    // Illinois's senators: the write page for the test address shows their lines.
    const senators = t.runtime.deps.civic.members.filter((m) => m.chamber === 'senate' && m.state === 'IL');
    const [a, b] = [senators[0]!, senators[1]!];
    shown = { bioguide: a.bioguide, name: a.formalName || a.name };
    hidden = { bioguide: b.bioguide, name: b.formalName || b.name };
    const answered = {
      answered_at: '2026-11-20T10:00:00Z',
      replied_on: '2026-11-10',
      about_bill: 'yes' as const,
    };
    await t.runtime.deps.storage.db
      .insertInto('reply_letters')
      .values([
        answerRow({
          bioguide: a.bioguide,
          state: a.state,
          answer: 'replied',
          stance: 'undecided',
          ...answered,
        }),
        answerRow({
          bioguide: a.bioguide,
          state: a.state,
          answer: 'replied',
          stance: 'undecided',
          ...answered,
        }),
        answerRow({
          bioguide: a.bioguide,
          state: a.state,
          answer: 'no_reply',
          answered_at: '2026-11-21T10:00:00Z',
        }),
        answerRow({ bioguide: b.bioguide, state: b.state, answer: 'replied', stance: 'oppose', ...answered }),
      ])
      .execute();
  });
  afterAll(() => t.close());

  test('when a member has fewer answers than the threshold, then the page lists only the others and says how many wait', async () => {
    const page = await request(t.app).get('/campaigns/stop-csam/progress').expect(200);
    const table = /<table[^>]*id="replies-table"[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
    expect(table).toContain(shown.name);
    expect(table).not.toContain(hidden.name);
    expect(table).toContain('67%');
    expect(table).toContain('support 0, oppose 0, undecided 2, did not say 0');
    expect(page.text).toContain('Reported by writers, not verified');
    expect(page.text).toContain('fewer than 3, not listed yet: 1.');
    // The board: the writers' report for the public row, dated; nothing reported for the hidden one.
    const board =
      /<ul class="usa-list usa-list--unstyled dc-board">[\s\S]*?<\/ul>/.exec(page.text)?.[0] ?? '';
    expect(board).toContain(
      'Writers report the reply: support 0, oppose 0, undecided 2, did not say 0 (answers up to 21 November 2026',
    );
    expect(board).not.toContain('oppose 1');
    const spanish = await request(t.app).get('/campaigns/stop-csam/progress?lang=es').expect(200);
    expect(spanish.text).toContain('Informado por quienes escribieron, sin verificar');
  });

  test("when a writer opens the write page, then their own members' lines show, the hidden one without reports", async () => {
    const page = await request(t.app)
      .get('/campaigns/stop-csam/write')
      .query({ address: ADDRESS })
      .expect(200);
    expect((page.text.match(/Writers report the reply: /g) ?? []).length).toBe(1);
    expect(page.text).toContain('undecided 2');
    expect(page.text).not.toContain('oppose 1');
  });

  test('when the stats API is read, then it has the public rows, the count held back and the board', async () => {
    const res = await request(t.app).get('/api/campaigns/stop-csam/stats').expect(200);
    const replies = res.body.replies;
    expect(replies.reportedBy).toBe('writers, not verified');
    expect(replies.minAnswers).toBe(3);
    const c119 = replies.byCongress.find((c: { congress: number }) => c.congress === 119);
    expect(c119.members.map((m: { bioguide: string }) => m.bioguide)).toEqual([shown.bioguide]);
    expect(c119.members[0]).toMatchObject({ answers: 3, replied: 2, medianDaysToReply: 9, name: shown.name });
    expect(c119.hiddenMembers).toBe(1);
    const boardIds = replies.board.members.map((m: { bioguide: string }) => m.bioguide);
    expect(boardIds).toContain(shown.bioguide);
    // A member under the threshold may stand on the board for the record (a sponsorship), never for reports.
    const hiddenLine = replies.board.members.find(
      (m: { bioguide: string }) => m.bioguide === hidden.bioguide,
    );
    expect(hiddenLine?.reported ?? null).toBeNull();
    expect(JSON.stringify(replies.byCongress)).not.toContain(hidden.bioguide);
  });

  test('when the organiser looks, then the page and the CSV show every row, hidden ones marked', async () => {
    const { token, cookie } = await csrfSession(t.app);
    const login = await request(t.app)
      .post('/admin/login')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: token, token: ADMIN_TOKEN })
      .expect(303);
    const admin = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('dc_admin='))!;
    const session = `${cookie}; ${admin.split(';')[0]}`;
    const page = await request(t.app).get('/admin').set('Cookie', session).expect(200);
    expect(page.text).toContain(shown.name);
    expect(page.text).toContain(hidden.name);
    const csv = await request(t.app)
      .get('/admin/export/replies.csv?campaign=stop-csam')
      .set('Cookie', session)
      .expect(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('campaign,congress,bill,member,name,delivered,asked,answers');
    expect(lines.find((l) => l.includes(hidden.bioguide))).toMatch(/,no$/);
    expect(lines.find((l) => l.includes(shown.bioguide))).toMatch(/,yes$/);
  });
});
