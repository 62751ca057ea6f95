import path from 'node:path';
import { promises as fs } from 'node:fs';
import { importCivicData } from '../../src/civic-data/import';
import { relationshipFileName } from '../../src/civic-data/zip-table-import';
import { CivicIndex, loadCivicIndex } from '../../src/civic-data/load';
import { findMembersForAddress, type LookupResult } from '../../src/lookup/find-members';
import { ValidationError } from '../../src/platform/errors';
import {
  FIXTURES_DIR,
  TEST_NOW,
  copyFixtureSources,
  editManifest,
  importFixture,
  makeTempDir,
  removeDir,
} from '../fixtures/civic/mirror';

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const house = (r: LookupResult) => r.members.filter((m) => m.chamber === 'house');
const senate = (r: LookupResult) => r.members.filter((m) => m.chamber === 'senate');

describe('findMembersForAddress on the fixture', () => {
  let dir: string;
  let index: CivicIndex;
  const find = (address: string, district?: string) =>
    findMembersForAddress(index, { address, district }, TEST_NOW);

  beforeAll(async () => {
    ({ dir } = await importFixture());
    index = loadCivicIndex(dir);
  });
  afterAll(() => removeDir(dir));

  test('when the address is in one district, then the two senators and the representative are returned', () => {
    const result = find('123 Main St Apt 4, Springfield, IL 62704');
    expect(result).toMatchObject({
      zip: '62704',
      state: 'IL',
      districts: [{ state: 'IL', district: 13 }],
      precision: 'zip',
      ambiguous: false,
      needsFullAddress: false,
      vacancies: [],
    });
    expect(result.message).toBeUndefined();
    expect(senate(result)).toHaveLength(2);
    expect(house(result)).toHaveLength(1);
    expect(house(result)[0]).toMatchObject({ title: 'Representative', state: 'IL', district: 13 });
    expect(Object.keys(result.members[0]!).sort()).toEqual(
      [
        'bioguide',
        'chamber',
        'contactUrl',
        'district',
        'firstName',
        'formalName',
        'lastName',
        'name',
        'party',
        'phone',
        'state',
        'title',
        'url',
      ].sort(),
    );
    expect(result.parsed?.city).toBe('Springfield');
    expect(result.data).toEqual({
      asOf: index.meta.snapshotDate,
      congress: 119,
      validUntil: '2027-01-03',
      stale: false,
    });
  });

  test('when the data is past its validity, then data.stale is true', () => {
    const result = findMembersForAddress(index, { zip: '62704' }, new Date('2027-02-01T00:00:00Z'));
    expect(result.data.stale).toBe(true);
  });

  test.each([
    ['AK', '99501'],
    ['DE', '19901'],
    ['ND', '58501'],
    ['SD', '57501'],
    ['VT', '05401'],
    ['WY', '82001'],
  ])(
    'when the address is in at-large %s, then exactly 1 House member and 2 senators are returned',
    (state, zip) => {
      const result = find(`1 Main St, Capital City, ${state} ${zip}`);
      expect(result.state).toBe(state);
      expect(result.districts).toEqual([{ state, district: 0 }]);
      expect(house(result)).toHaveLength(1);
      expect(house(result)[0]!.district).toBe(0);
      expect(senate(result)).toHaveLength(2);
      expect(result.ambiguous).toBe(false);
    },
  );

  test('when the address is in DC, then the Delegate and no senators are returned', () => {
    const result = find('1350 Pennsylvania Ave NW, Washington, DC 20004');
    expect(result.members).toHaveLength(1);
    expect(result.members[0]).toMatchObject({ title: 'Delegate', state: 'DC', district: 0 });
  });

  test('when the address is in Puerto Rico, then the Resident Commissioner and no senators are returned', () => {
    const result = find('Calle Fortaleza 1, San Juan, PR 00901');
    expect(result.members).toHaveLength(1);
    expect(result.members[0]!.title).toBe('Resident Commissioner');
    expect(result.members[0]!.formalName).toMatch(/^Resident Commissioner /);
  });

  test('when the ZIP spans two districts, then it is ambiguous and both representatives are candidates', () => {
    const result = find('10001');
    expect(result.precision).toBe('zip');
    expect(result.ambiguous).toBe(true);
    expect(result.districts).toEqual([
      { state: 'NY', district: 10 },
      { state: 'NY', district: 12 },
    ]);
    expect(senate(result)).toHaveLength(2);
    expect(house(result).map((m) => m.district)).toEqual([10, 12]);
    expect(result.notes).toEqual([
      { key: 'messages.splitZip', values: { zip: '10001', count: 2, districts: ['NY-10', 'NY-12'] } },
    ]);
    expect(result.message).toMatch(/split between 2 congressional districts \(NY-10 and NY-12\)/);
  });

  test('when the person picks one of the districts, then the result narrows to it', () => {
    const result = find('10001', 'NY-12');
    expect(result.ambiguous).toBe(false);
    expect(result.districts).toEqual([{ state: 'NY', district: 12 }]);
    expect(house(result)).toHaveLength(1);
    expect(senate(result)).toHaveLength(2);
    const picked = find('10001', 'NY-10');
    expect(house(picked)[0]!.district).toBe(10);
  });

  test('when the person picks a district that is not a candidate, then it is a ValidationError on district', () => {
    const error = validationError(() => find('10001', 'NY-3'));
    expect(error.field).toBe('district');
    expect(error.message).toMatch(/NY-3 is not one of the districts for ZIP code 10001/);
    expect(validationError(() => find('10001', 'garbage')).field).toBe('district');
  });

  test('when the ZIP spans two states, then no senators are listed until the state is known', () => {
    const result = find('30165');
    expect(result.ambiguous).toBe(true);
    expect(result.state).toBe('GA'); // the USPS state of the ZIP comes first
    expect(new Set(result.districts.map((d) => d.state))).toEqual(new Set(['GA', 'AL']));
    expect(senate(result)).toHaveLength(0);
    expect(house(result)).toHaveLength(2);
    expect(result.message).toMatch(/crosses a state line/);

    const inGeorgia = find('12 Broad St, Rome, GA 30165');
    expect(inGeorgia.ambiguous).toBe(false);
    expect(inGeorgia.districts).toEqual([{ state: 'GA', district: 14 }]);
    expect(senate(inGeorgia).map((m) => m.state)).toEqual(['GA', 'GA']);

    const pickedAlabama = find('30165', 'AL-3');
    expect(senate(pickedAlabama).map((m) => m.state)).toEqual(['AL', 'AL']);
    expect(house(pickedAlabama)[0]!.state).toBe('AL');
  });

  test('when the written state disagrees with the ZIP, then the ZIP is trusted and a note explains it', () => {
    const result = find('123 Main St, Springfield, MO 62704');
    expect(result.state).toBe('IL');
    expect(result.message).toMatch(
      /Your address says MO, but ZIP code 62704 is in IL; we used the ZIP code\./,
    );
  });

  test('when the address has a ZIP+4, then the 5-digit ZIP is used', () => {
    const result = find('123 Main St, Springfield, IL 62704-1234');
    expect(result.zip).toBe('62704');
    expect(result.parsed?.zip4).toBe('1234');
    expect(house(result)).toHaveLength(1);
  });

  test('when the input is lower case with extra spaces, then the same members are found', () => {
    const a = find('  123   main   st ,   springfield ,  il   62704 ');
    const b = find('123 Main St, Springfield, IL 62704');
    expect(a.members).toEqual(b.members);
  });

  test('when the ZIP has no ZIP-area row in DC (20500), then the DC Delegate is returned', () => {
    const result = find('1600 Pennsylvania Ave NW, Washington, DC 20500');
    expect(result).toMatchObject({
      state: 'DC',
      precision: 'state',
      ambiguous: false,
      needsFullAddress: false,
    });
    expect(result.members).toHaveLength(1);
    expect(result.members[0]!.title).toBe('Delegate');
  });

  test('when a PO box ZIP has no ZIP-area row in a multi-district state, then senators only and a full address is needed', () => {
    const result = find('PO Box 5, Los Angeles, CA 90053');
    expect(result.parsed?.poBox).toBe(true);
    expect(result).toMatchObject({ state: 'CA', precision: 'state', needsFullAddress: true, districts: [] });
    expect(senate(result)).toHaveLength(2);
    expect(house(result)).toHaveLength(0);
    expect(result.message).toMatch(/PO boxes/);
    // The person can still pick their district within the state.
    expect(house(find('PO Box 5, Los Angeles, CA 90053', 'CA-11'))).toHaveLength(1);
  });

  test('when a ZIP has no row in an at-large state, then the House member is returned too', () => {
    const result = find('PO Box 1, Juneau, AK 99811');
    expect(result.precision).toBe('state');
    expect(result.needsFullAddress).toBe(false);
    expect(house(result)).toHaveLength(1);
    expect(senate(result)).toHaveLength(2);
  });

  test('when a territory ZIP has no row, then its Delegate is found from the ZIP prefix', () => {
    expect(find('96799').members.map((m) => `${m.title} ${m.state}`)).toEqual(['Delegate AS']);
    expect(find('96910').members.map((m) => `${m.title} ${m.state}`)).toEqual(['Delegate GU']);
    expect(find('96950').members.map((m) => `${m.title} ${m.state}`)).toEqual(['Delegate MP']);
    expect(find('00802').members.map((m) => `${m.title} ${m.state}`)).toEqual(['Delegate VI']);
  });

  test('when the seat is vacant, then it is listed in vacancies rather than skipped', () => {
    const caZip = findVacantZip(index, 'CA', 14);
    const result = find(caZip);
    expect(result.vacancies).toContainEqual({ state: 'CA', district: 14 });
    expect(result.members.some((m) => m.chamber === 'house' && m.district === 14)).toBe(false);
    expect(result.message).toMatch(/CA-14 is vacant/);
  });

  test.each(['00000', '99999'])(
    'when the ZIP %s is unknown, then it is a ValidationError on address',
    (zip) => {
      const error = validationError(() => find(`1 Main St, Nowhere, ${zip}`));
      expect(error.field).toBe('address');
      expect(error.message).toMatch(new RegExp(`We could not find ZIP code ${zip}`));
    },
  );

  test('when the address is empty or 10 kB long, then it is a ValidationError on address', () => {
    expect(validationError(() => find('')).field).toBe('address');
    expect(validationError(() => findMembersForAddress(index, {}, TEST_NOW)).field).toBe('address');
    expect(validationError(() => find('9'.repeat(10_240))).field).toBe('address');
    expect(validationError(() => find(`${'a'.repeat(10_240)} 62704`)).field).toBe('address');
  });

  test('when only a ZIP field is given, then it is used, and a bad one is a ValidationError on zip', () => {
    expect(house(findMembersForAddress(index, { zip: '62704-1234' }, TEST_NOW))).toHaveLength(1);
    expect(validationError(() => findMembersForAddress(index, { zip: '6270' }, TEST_NOW)).field).toBe('zip');
  });
});

function findVacantZip(index: CivicIndex, state: string, district: number): string {
  for (let n = 0; n < 100_000; n++) {
    const zip = String(n).padStart(5, '0');
    const rows = index.districtsForZip(zip);
    if (rows.length === 1 && rows[0]!.state === state && rows[0]!.district === district) return zip;
  }
  throw new Error(`no ZIP for ${state}-${district}`);
}

describe('findMembersForAddress with Census overlap shares', () => {
  let source: string;
  let out: string;
  let index: CivicIndex;

  beforeAll(async () => {
    source = await copyFixtureSources({ zccd: false });
    out = await makeTempDir('civic-out-');
    await fs.mkdir(path.join(source, 'census'));
    await fs.copyFile(
      path.join(FIXTURES_DIR, 'census', relationshipFileName(119)),
      path.join(source, 'census', relationshipFileName(119)),
    );
    await editManifest(source, { zips: { records: 6 } });
    await importCivicData({ from: source, outDir: out, now: TEST_NOW });
    index = loadCivicIndex(out);
  });
  afterAll(async () => {
    await removeDir(source);
    await removeDir(out);
  });

  test('when a ZIP spans two districts, then the largest overlap comes first with its share', () => {
    const result = findMembersForAddress(index, { zip: '10001' }, TEST_NOW);
    expect(result.districts).toEqual([
      { state: 'NY', district: 12, share: 0.75 },
      { state: 'NY', district: 10, share: 0.25 },
    ]);
    expect(house(result).map((m) => m.district)).toEqual([12, 10]);
    expect(result.message).toMatch(/the first is the most likely/);
  });
});
