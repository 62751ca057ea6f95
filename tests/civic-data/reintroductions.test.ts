/**
 * The search for a reintroduced bill, against a local stand-in of the congress.gov API: after the bill's
 * Congress has ended it finds bills with the same short title and the sponsors' new bills; it finds nothing
 * where there is nothing; and when the API is down the data refresh still succeeds, says so, keeps what it
 * found before, and no log line or error carries the key.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { congressEnds } from '../../src/civic-data/congress';
import { DISTRICT_SHAPES_FILE } from '../../src/civic-data/district-shapes';
import { INDEX_FILE_NAME } from '../../src/civic-data/load';
import { loadCivicIndex } from '../../src/civic-data/load';
import { createCivicDataRefresh } from '../../src/civic-data/refresh';
import {
  comparableTitle,
  findReintroductions,
  loadReintroductions,
  searchReintroductionsInto,
} from '../../src/civic-data/reintroductions';
import { CANONICAL_SOURCE_URLS } from '../../src/config/config';
import { DataError } from '../../src/platform/errors';
import { FIXTURE_DATA_DIR, importedDataDir } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';
import {
  startCongressGovStandIn,
  STOP_CSAM_119,
  STOP_CSAM_120,
  type CongressGovStandIn,
  type StandInBill,
} from '../helpers/congress-gov-stand-in';

const KEY = 'stand-in-key-5c4b3a29';
const PAGES = 'https://www.congress.gov/bill';
const FEBRUARY_2027 = new Date('2027-02-01T15:00:00Z');
const CAMPAIGN_BILLS = STOP_CSAM_119.map(({ congress, type, number, title }) => ({
  bill: { congress, type, number },
  title,
}));

const [HAWLEY_S41, WAGNER_HR12] = STOP_CSAM_120 as [StandInBill, StandInBill];
/** Other bills of the new Congress, enough to fill more than one page of the stand-in's list. */
const UNRELATED: StandInBill[] = [1, 2, 3].flatMap((n) =>
  (
    [
      ['s', 100, 'Farm Credit Act', 'C000127', 'Sen. Cantwell, Maria [D-WA]'],
      ['hr', 200, 'Highway Safety Act', 'B001315', 'Rep. Budzinski, Nikki [D-IL-13]'],
    ] as const
  ).map(([type, base, title, bioguideId, fullName]) => ({
    congress: 120,
    type,
    number: base + n,
    title: `${title} of 2027, part ${n}`,
    introducedDate: `2027-01-1${n}`,
    sponsor: { bioguideId, fullName },
  })),
);

let api: CongressGovStandIn;
beforeEach(async () => {
  api = await startCongressGovStandIn({ apiKey: KEY, bills: [...STOP_CSAM_119, ...UNRELATED] });
});
afterEach(() => api.close());

const search = (now = FEBRUARY_2027) =>
  findReintroductions({ bills: CAMPAIGN_BILLS, now, apiKey: KEY, apiBaseUrl: api.url, billPagesUrl: PAGES });

describe('looking for a reintroduced bill', () => {
  test('when titles differ only in their year, then they compare equal', () => {
    expect(comparableTitle('STOP CSAM Act of 2027')).toBe(comparableTitle('STOP CSAM Act of 2025'));
    expect(comparableTitle('STOP CSAM Act')).toBe(comparableTitle('STOP CSAM Act of 2027'));
    expect(comparableTitle('STOP CSAM Reform Act of 2027')).not.toBe(comparableTitle('STOP CSAM Act'));
  });

  test('when other members reintroduced the bill under the same short title, then both chambers’ bills are found, with sponsor, date and Congress', async () => {
    api.bills = [...api.bills, HAWLEY_S41, WAGNER_HR12];
    const found = await search();
    expect(found).toEqual([
      {
        replaces: '119-hr-3921',
        chamber: 'house',
        congress: 120,
        type: 'hr',
        number: 12,
        title: 'STOP CSAM Act of 2027',
        sponsor: { bioguide: 'W000812', name: 'Rep. Wagner, Ann [R-MO-2]' },
        introducedDate: '2027-01-06',
        latestAction: { date: '2027-01-06', text: 'Introduced.' },
        url: 'https://www.congress.gov/bill/120th-congress/house-bill/12',
        reason: 'title',
      },
      {
        replaces: '119-s-1829',
        chamber: 'senate',
        congress: 120,
        type: 's',
        number: 41,
        title: 'STOP CSAM Act of 2027',
        sponsor: { bioguide: 'H001089', name: 'Sen. Hawley, Josh [R-MO]' },
        introducedDate: '2027-01-09',
        latestAction: {
          date: '2027-01-09',
          text: 'Read twice and referred to the Committee on the Judiciary.',
        },
        url: 'https://www.congress.gov/bill/120th-congress/senate-bill/41',
        reason: 'title',
      },
    ]);
    // The key went in the header of every request, never in a URL (the next-page links carry it).
    expect(api.keys.length).toBe(api.requests.length);
    expect(api.requests.filter((r) => r.includes(KEY) || r.includes('api_key'))).toEqual([]);
    expect(api.requests).toContain('/v3/bill/120/s?offset=2&limit=2&format=json');
  });

  test('when a sponsor introduced a new bill under another title, then it is found as the sponsor’s new bill', async () => {
    const durbinS7: StandInBill = {
      congress: 120,
      type: 's',
      number: 7,
      title: 'Protecting Children Online Act of 2027',
      introducedDate: '2027-01-04',
      sponsor: { bioguideId: 'D000563', fullName: 'Sen. Durbin, Richard J. [D-IL]' },
    };
    // A resolution of the same sponsor is another type: not a candidate.
    const durbinSres: StandInBill = {
      ...durbinS7,
      type: 'sres',
      number: 3,
      title: 'A resolution honoring X',
    };
    api.bills = [...api.bills, durbinS7, durbinSres];
    const found = await search();
    expect(found).toEqual([
      expect.objectContaining({
        replaces: '119-s-1829',
        chamber: 'senate',
        congress: 120,
        type: 's',
        number: 7,
        sponsor: { bioguide: 'D000563', name: 'Sen. Durbin, Richard J. [D-IL]' },
        reason: 'sponsor',
      }),
    ]);
    expect(api.requests).toContain('/v3/member/D000563/sponsored-legislation?format=json&limit=250');
  });

  test('when nothing was reintroduced, then there is no candidate; before the Congress ends nothing is asked at all', async () => {
    expect(await search()).toEqual([]);
    api.requests.length = 0;
    expect(await search(new Date(congressEnds(119).getTime() - 60_000))).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

test('when the API answers a page that is not JSON, then the search fails with a DataError naming the URL, never the key', async () => {
  const page = http.createServer((_req, res) => res.end('<html><body>Down for maintenance</body></html>'));
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    const failure = await findReintroductions({
      bills: CAMPAIGN_BILLS,
      now: FEBRUARY_2027,
      apiKey: KEY,
      apiBaseUrl: base,
      billPagesUrl: PAGES,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DataError);
    expect((failure as Error).message).toContain(`${base}/`);
    expect((failure as Error).message).toContain('did not answer JSON');
    expect((failure as Error).message).not.toContain(KEY);
  } finally {
    await new Promise((resolve) => page.close(resolve));
  }
});

test('when the Congress has ended but no congress.gov key is set, then nothing is asked and the file says why', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-reintro-nokey-'));
  try {
    const options = { bills: CAMPAIGN_BILLS, apiKey: undefined, apiBaseUrl: api.url, billPagesUrl: PAGES };
    expect(await searchReintroductionsInto(dir, { ...options, now: FEBRUARY_2027 })).toEqual({
      searched: 0,
      candidates: 0,
    });
    expect(api.requests).toEqual([]);
    expect(loadReintroductions(dir)).toEqual({
      searchedAt: FEBRUARY_2027.toISOString(),
      problem: 'not searched: the search needs the congress.gov API (set CONGRESS_GOV_API_KEY)',
      candidates: [],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the search in the data refresh', () => {
  let dataDir: string;
  const logs: string[] = [];

  beforeEach(async () => {
    const source = await importedDataDir();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-reintro-'));
    for (const file of [INDEX_FILE_NAME, DISTRICT_SHAPES_FILE]) {
      fs.copyFileSync(path.join(source, file), path.join(dataDir, file));
    }
    logs.length = 0;
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function refreshAt(clock: ManualClock) {
    return createCivicDataRefresh({
      dataDir,
      // The members as they are (the fixture, imported again): this test is about the bills.
      from: FIXTURE_DATA_DIR,
      urls: CANONICAL_SOURCE_URLS,
      civic: loadCivicIndex(dataDir),
      shapes: { replace: () => undefined },
      clock,
      logger: {
        info: (obj, msg) => logs.push(JSON.stringify({ obj, msg })),
        warn: (obj, msg) => logs.push(JSON.stringify({ obj, msg })),
      },
      reintroductions: {
        search: (now) =>
          searchReintroductionsInto(dataDir, {
            bills: CAMPAIGN_BILLS,
            now,
            apiKey: KEY,
            apiBaseUrl: api.url,
            billPagesUrl: PAGES,
          }),
      },
    });
  }

  test('when the API is down, then the refresh still succeeds, says the search failed, keeps the candidates found before, and never logs the key', async () => {
    api.bills = [...api.bills, HAWLEY_S41, WAGNER_HR12];
    const clock = new ManualClock(FEBRUARY_2027);
    const refresh = refreshAt(clock);
    expect(await refresh.refreshNow()).toMatchObject({ ok: true, congress: 119 });
    const first = loadReintroductions(dataDir);
    expect(first.candidates.map((c) => [c.replaces, c.number, c.foundAt])).toEqual([
      ['119-hr-3921', 12, FEBRUARY_2027.toISOString()],
      ['119-s-1829', 41, FEBRUARY_2027.toISOString()],
    ]);
    expect(refresh.status().state).toBe('ok');

    api.down = true;
    clock.advance(60 * 60_000);
    expect(await refresh.refreshNow()).toMatchObject({ ok: true, congress: 119 });
    expect(refresh.status()).toMatchObject({
      state: 'degraded',
      failure: {
        reason: `reintroduction search: 119-s-1829: ${api.url}/bill/119/s/1829?format=json answered 503`,
      },
    });
    const after = loadReintroductions(dataDir);
    expect(after.candidates).toEqual(first.candidates);
    expect(after.problem).toBe(
      `search failed: 119-s-1829: ${api.url}/bill/119/s/1829?format=json answered 503`,
    );
    expect(logs.some((l) => l.includes('civic_data.reintroduction_search_failed'))).toBe(true);
    expect(logs.filter((l) => l.includes(KEY) || l.includes('api_key'))).toEqual([]);
    expect(fs.readFileSync(path.join(dataDir, 'reintroductions.json'), 'utf8')).not.toContain(KEY);

    // Back up: the search succeeds again, and a candidate keeps the moment it was first found.
    api.down = false;
    clock.advance(60 * 60_000);
    await refresh.refreshNow();
    expect(refresh.status().state).toBe('ok');
    expect(loadReintroductions(dataDir).candidates.map((c) => c.foundAt)).toEqual([
      FEBRUARY_2027.toISOString(),
      FEBRUARY_2027.toISOString(),
    ]);
  });
});
