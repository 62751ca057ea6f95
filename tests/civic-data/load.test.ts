import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CivicIndex, loadCivicIndex } from '../../src/civic-data/load';
import { DataError } from '../../src/platform/errors';
import {
  describeWithNationalData,
  importFixture,
  importNationalData,
  makeTempDir,
  removeDir,
} from '../fixtures/civic/mirror';

describe('loadCivicIndex', () => {
  let dir: string;
  let index: CivicIndex;

  beforeAll(async () => {
    ({ dir } = await importFixture());
    index = loadCivicIndex(dir);
  });
  afterAll(() => removeDir(dir));

  test('when the data folder has no index, then it throws a DataError telling how to import', async () => {
    const empty = await makeTempDir();
    try {
      expect(() => loadCivicIndex(empty)).toThrow(DataError);
      expect(() => loadCivicIndex(empty)).toThrow(
        `Civic data not found in ${empty}. Run \`npm run data:update\` (or \`npm run data:update -- --from DIR\` offline).`,
      );
    } finally {
      await removeDir(empty);
    }
  });

  test('when the index file is malformed, then it throws a DataError naming the problem', async () => {
    const bad = await makeTempDir();
    try {
      await fs.writeFile(path.join(bad, 'civic-index.json'), JSON.stringify({ meta: {}, members: [] }));
      expect(() => loadCivicIndex(bad)).toThrow(/civic-index\.json is malformed at "meta\.source"/);
      await fs.writeFile(path.join(bad, 'civic-index.json'), '{not json');
      expect(() => loadCivicIndex(bad)).toThrow(/not valid JSON/);
    } finally {
      await removeDir(bad);
    }
  });

  test('when loaded, then members are found by bioguide, state and seat', () => {
    expect(index.memberByBioguide('C000127')?.name).toBe('Maria Cantwell');
    expect(index.memberByBioguide('X999999')).toBeUndefined();
    expect(
      index
        .senatorsForState('wa')
        .map((m) => m.lastName)
        .sort(),
    ).toEqual(['Cantwell', 'Murray']);
    expect(index.senatorsForState('DC')).toEqual([]);
    expect(index.houseMemberFor('IL', 13)?.title).toBe('Representative');
    expect(index.houseMemberFor('PR', 0)?.title).toBe('Resident Commissioner');
  });

  test('when a seat has no member, then it is vacant and houseMemberFor is undefined', () => {
    expect(index.isVacant('CA', 14)).toBe(true);
    expect(index.houseMemberFor('CA', 14)).toBeUndefined();
    expect(index.isVacant('CA', 11)).toBe(false);
    expect(index.isVacant('CA', 99)).toBe(false);
  });

  test('when asked about districts, then ZIPs, states and at-large places are answered', () => {
    expect(index.districtsForZip('62704')).toEqual([{ state: 'IL', district: 13 }]);
    expect(index.districtsForZip('62704-1234')).toEqual([{ state: 'IL', district: 13 }]);
    expect(index.districtsForZip('20500')).toEqual([]);
    expect(index.districtsInState('NY').map((d) => d.district)).toEqual([3, 4, 10, 12, 13, 14, 21]);
    for (const st of ['AK', 'DE', 'ND', 'SD', 'VT', 'WY', 'DC', 'PR', 'AS', 'GU', 'MP', 'VI']) {
      expect(index.isAtLargeState(st)).toBe(true);
    }
    expect(index.isAtLargeState('CA')).toBe(false);
    expect(index.isAtLargeState('MT')).toBe(false);
  });

  test('when the next Congress has started (noon Eastern, 3 January), then the data is stale', () => {
    expect(index.isStale(new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(index.isStale(new Date('2027-01-03T16:59:59Z'))).toBe(false);
    expect(index.isStale(new Date('2027-01-03T17:00:00Z'))).toBe(true);
  });
});

describeWithNationalData('loadCivicIndex on the national mirror', () => {
  let dir: string;
  let index: CivicIndex;
  beforeAll(async () => {
    ({ dir } = await importNationalData());
    index = loadCivicIndex(dir);
  });
  afterAll(() => removeDir(dir));

  test('when the whole 119th Congress is loaded, then every member and every California district is there', () => {
    expect(index.meta.counts.senators).toBe(100);
    expect(index.members).toHaveLength(537);
    expect(index.districtsInState('CA')).toHaveLength(52);
    expect(index.isVacant('CA', 14)).toBe(true);
  });
});
