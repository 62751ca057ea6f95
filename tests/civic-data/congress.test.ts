/**
 * The one Congress clock (src/civic-data/congress.ts): a Congress begins and ends at noon Eastern on
 * 3 January, and the member index, the campaign's bills and the asks all read it, so at any moment they
 * agree whether the 119th Congress is over.
 */
import path from 'node:path';
import { createAskResolver } from '../../src/campaign/asks';
import { billSituation } from '../../src/campaign/bills';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import {
  congressAt,
  congressBegins,
  congressEnds,
  noonEastern,
  ordinal,
} from '../../src/civic-data/congress';
import { loadCivicIndex, type CivicIndex } from '../../src/civic-data/load';
import { importedDataDir } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';

/** Three moments around the end of the 119th Congress, written as Washington reads them (EST, UTC-5). */
const JAN_2_11PM_ET = new Date('2027-01-03T04:00:00Z');
const JAN_3_1159_ET = new Date('2027-01-03T16:59:00Z');
const JAN_3_1201_ET = new Date('2027-01-03T17:01:00Z');

const DURBIN = 'D000563'; // class 2: his term ends with the 119th Congress
const DUCKWORTH = 'D000622'; // class 3: serving until 2029
const BUDZINSKI = 'B001315'; // IL-13: every House term ends with the Congress

const campaign = loadCampaigns(path.resolve(__dirname, '..', '..', 'campaigns'), 'stop-csam').get(
  'stop-csam',
);

describe('the Congress clock', () => {
  test('when the 119th Congress is asked for, then it runs from noon Eastern on 3 January 2025 to noon Eastern on 3 January 2027', () => {
    expect(congressBegins(119)).toEqual(new Date('2025-01-03T17:00:00Z'));
    expect(congressEnds(119)).toEqual(new Date('2027-01-03T17:00:00Z'));
    expect(congressEnds(119)).toEqual(congressBegins(120));
    expect(congressBegins(121)).toEqual(new Date('2029-01-03T17:00:00Z'));
  });

  test('when noon Eastern falls in summer, then it is 16:00 UTC (daylight saving time), not 17:00', () => {
    expect(noonEastern('2026-07-04')).toEqual(new Date('2026-07-04T16:00:00Z'));
    expect(noonEastern('2026-03-08')).toEqual(new Date('2026-03-08T16:00:00Z')); // the day DST begins
    expect(noonEastern('2026-11-01')).toEqual(new Date('2026-11-01T17:00:00Z')); // the day it ends
    expect(noonEastern('2027-01-03')).toEqual(congressEnds(119)); // when a term ending that day ends
  });

  test('when it is 23:00 on 2 January, 11:59 or 12:01 on 3 January Eastern, then the Congress is the 119th, the 119th and the 120th', () => {
    expect(congressAt(JAN_2_11PM_ET)).toBe(119);
    expect(congressAt(JAN_3_1159_ET)).toBe(119);
    expect(congressAt(JAN_3_1201_ET)).toBe(120);
    // New Year's Eve in Washington is already 1 January in UTC: still the 119th.
    expect(congressAt(new Date('2027-01-01T03:00:00Z'))).toBe(119);
    expect(congressAt(new Date('2025-01-03T16:59:59Z'))).toBe(118);
  });

  test('when Congresses are named, then the English ordinal is right for 11th to 13th and for 1st to 3rd', () => {
    expect([119, 120, 121, 122, 123, 111, 112, 113].map(ordinal)).toEqual([
      '119th',
      '120th',
      '121st',
      '122nd',
      '123rd',
      '111th',
      '112th',
      '113th',
    ]);
  });
});

describe('the member index, the bills and the asks read the one clock', () => {
  let index: CivicIndex;
  beforeAll(async () => {
    index = loadCivicIndex(await importedDataDir());
  });

  function stateAt(now: Date) {
    const member = (id: string) => index.memberByBioguide(id)!;
    const asks = createAskResolver({ clock: new ManualClock(now), sponsors: createSponsorRoll(new Map()) });
    return {
      dataStale: index.isStale(now),
      durbinEnded: index.termHasEnded(member(DURBIN), now),
      budzinskiEnded: index.termHasEnded(member(BUDZINSKI), now),
      duckworthEnded: index.termHasEnded(member(DUCKWORTH), now),
      billsExpired: billSituation(campaign.congresses, now).chambers.senate.expired,
      askIsReintroduce: asks.forMember(campaign, member(DURBIN)).kind === 'reintroduce',
    };
  }

  test('when it is 23:00 Eastern on 2 January 2027, then every term is running and the ask is still the bill', () => {
    expect(stateAt(JAN_2_11PM_ET)).toEqual({
      dataStale: false,
      durbinEnded: false,
      budzinskiEnded: false,
      duckworthEnded: false,
      billsExpired: false,
      askIsReintroduce: false,
    });
  });

  test('when it is 11:59 Eastern on 3 January 2027, then nothing has ended yet', () => {
    expect(stateAt(JAN_3_1159_ET)).toMatchObject({
      dataStale: false,
      durbinEnded: false,
      budzinskiEnded: false,
      billsExpired: false,
      askIsReintroduce: false,
    });
  });

  test('when it is 12:01 Eastern on 3 January 2027, then the terms, the data and the bills have ended together and the ask is to reintroduce', () => {
    expect(stateAt(JAN_3_1201_ET)).toEqual({
      dataStale: true,
      durbinEnded: true,
      budzinskiEnded: true,
      duckworthEnded: false,
      billsExpired: true,
      askIsReintroduce: true,
    });
  });
});
