/**
 * letters/renewal: whether a waiting letter still means what its writer approved, judged under the data in
 * service, including the days when the new Congress's members are loaded but a state's new districts are
 * not published yet (meta.awaitingMaps).
 */
import path from 'node:path';
import { createAskResolver } from '../../src/campaign/asks';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { loadCivicIndex, type CivicIndex } from '../../src/civic-data/load';
import { letterMeaning, type RenewableLetter, type RenewalDeps } from '../../src/letters/renewal';
import { createHandlebars } from '../../src/platform/handlebars';
import { illinois120th, importedDataDir } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';
import { SENDER } from '../helpers/sender';

const BUDZINSKI = 'B001315'; // IL-13 in the 119th
const DUCKWORTH = 'D000622'; // serving until 2029
const FIVE_JANUARY_2027 = new Date('2027-01-05T15:00:00Z');

/** The 120th's data: Illinois's new districts not published yet, or ZIP 62704 in `writerDistrict`. */
async function civic120(writerDistrict?: number): Promise<CivicIndex> {
  return illinois120th(loadCivicIndex(await importedDataDir()), writerDistrict);
}

function depsWith(civic: CivicIndex): RenewalDeps {
  const campaigns = loadCampaigns(path.resolve(__dirname, '..', '..', 'campaigns'), 'stop-csam');
  return {
    civic,
    asks: createAskResolver({
      clock: new ManualClock(FIVE_JANUARY_2027),
      sponsors: createSponsorRoll(new Map()),
    }),
    campaigns,
    hbs: createHandlebars(),
  };
}

/** A letter from the route tests' writer in Springfield, IL 62704 (IL-13 on the 119th map). */
function letter(overrides: Partial<RenewableLetter>): RenewableLetter {
  return {
    campaign: 'stop-csam',
    bioguide: BUDZINSKI,
    chamber: 'house',
    congress: 119,
    bill: '119-hr-3921',
    created_at: '2027-01-02T15:00:00.000Z',
    sender_name: SENDER.name,
    sender_email: SENDER.email,
    sender_street: SENDER.street,
    sender_city: SENDER.city,
    sender_state: SENDER.state,
    sender_zip: SENDER.zip,
    sender_prefix: null,
    sender_phone: null,
    ...overrides,
  };
}

describe("a waiting letter while the writer's state's new districts are not published", () => {
  test('when a House letter was written under the previous Congress, then it waits (map_awaited) instead of being judged against no district', async () => {
    const deps = depsWith(await civic120());
    expect(letterMeaning(deps, letter({}), FIVE_JANUARY_2027)).toBe('map_awaited');
  });

  test('when a Senate letter is waiting, then the state alone decides: it is judged on its ask as usual', async () => {
    const deps = depsWith(await civic120());
    const toSenator = letter({ bioguide: DUCKWORTH, chamber: 'senate', bill: '119-s-1829' });
    // Written to support S. 1829 before noon on 3 January; the bill died: the ask changed.
    expect(letterMeaning(deps, toSenator, FIVE_JANUARY_2027)).toBe('ask_changed');
  });

  test('when a House letter was written under the data in service (its district settled at saving by the geocoder), then only its ask is compared', async () => {
    const deps = depsWith(await civic120());
    const written = letter({ congress: 120, created_at: '2027-01-04T15:00:00.000Z' });
    expect(letterMeaning(deps, written, FIVE_JANUARY_2027)).toBe('current');
  });

  test('when the new districts are published, then the previous Congress’s letter is judged: the writer moved to the 15th', async () => {
    expect(letterMeaning(depsWith(await civic120(15)), letter({}), FIVE_JANUARY_2027)).toBe(
      'not_represented',
    );
    expect(letterMeaning(depsWith(await civic120(13)), letter({}), FIVE_JANUARY_2027)).toBe('ask_changed');
  });
});
