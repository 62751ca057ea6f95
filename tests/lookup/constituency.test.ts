import { CivicIndex, loadCivicIndex } from '../../src/civic-data/load';
import { assertRepresents, geocodedDistrict, representativesOf } from '../../src/lookup/constituency';
import { NotYourMemberError } from '../../src/platform/errors';
import { TEST_NOW, importFixture, removeDir } from '../fixtures/civic/mirror';

describe('constituency: who may receive a letter from an address', () => {
  let dir: string;
  let index: CivicIndex;
  beforeAll(async () => {
    ({ dir } = await importFixture());
    index = loadCivicIndex(dir);
  });
  afterAll(() => removeDir(dir));

  const member = (bioguide: string) => index.memberByBioguide(bioguide)!;
  const senatorsOf = (state: string) => index.senatorsForState(state).map((m) => m.bioguide);

  test('when the address is in Illinois, then its senators and its House member may receive letters', () => {
    const allowed = representativesOf(index, { state: 'IL', zip: '62704' }, TEST_NOW);
    const house = index.houseMemberFor('IL', 13)!;
    expect([...allowed].sort()).toEqual([...senatorsOf('IL'), house.bioguide].sort());
  });

  test("when a letter goes to another state's senator, then it is refused with not_your_member", () => {
    const schumer = member(senatorsOf('NY')[0]!);
    let caught: unknown;
    try {
      assertRepresents(index, { state: 'IL', zip: '62704' }, [schumer], TEST_NOW);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotYourMemberError);
    expect((caught as NotYourMemberError).code).toBe('not_your_member');
    expect((caught as NotYourMemberError).status).toBe(400);
    expect((caught as NotYourMemberError).fields.members?.values?.name).toBe(schumer.formalName);
    expect((caught as NotYourMemberError).message).toContain(schumer.formalName);
  });

  test("when a letter goes to another district's House member in the same state, then it is refused", () => {
    const other = index.houseMemberFor('IL', 7)!;
    expect(() => assertRepresents(index, { state: 'IL', zip: '62704' }, [other], TEST_NOW)).toThrow(
      NotYourMemberError,
    );
  });

  test('when the ZIP is split, then every candidate is allowed until the person picks, then only their pick', () => {
    const ny10 = index.houseMemberFor('NY', 10)!;
    const ny12 = index.houseMemberFor('NY', 12)!;
    const open = representativesOf(index, { state: 'NY', zip: '10001' }, TEST_NOW);
    expect(open.has(ny10.bioguide) && open.has(ny12.bioguide)).toBe(true);
    const picked = representativesOf(index, { state: 'NY', zip: '10001', district: 'NY-12' }, TEST_NOW);
    expect(picked.has(ny12.bioguide)).toBe(true);
    expect(picked.has(ny10.bioguide)).toBe(false);
  });

  test("when the district sent is not one of the ZIP's, then it is refused, not trusted", () => {
    expect(() => representativesOf(index, { state: 'NY', zip: '10001', district: 'NY-3' }, TEST_NOW)).toThrow(
      /District NY-3 is not one of the districts for ZIP code 10001/,
    );
  });

  describe('one district per batch, from the looked-up address (issue 28)', () => {
    const claremont = { state: 'CA', zip: '91711', lookedUp: '1 College Ave, Claremont, CA 91711' };
    const rep = (state: string, district: number) => index.houseMemberFor(state, district)!;

    test('when a split ZIP batch names three of its House members, then it is refused; one of them passes', () => {
      const reps = [rep('CA', 28), rep('CA', 31), rep('CA', 35)];
      expect(() => assertRepresents(index, claremont, reps, TEST_NOW)).toThrow(NotYourMemberError);
      expect(() => assertRepresents(index, claremont, reps, TEST_NOW)).toThrow(/Tick only one House member/);
      expect(() => assertRepresents(index, claremont, [reps[1]!], TEST_NOW)).not.toThrow();
    });

    test('when a split ZIP batch has a district, then only that district’s member passes', () => {
      const chosen = { ...claremont, district: 'CA-31' };
      expect(() => assertRepresents(index, chosen, [rep('CA', 31)], TEST_NOW)).not.toThrow();
      expect(() => assertRepresents(index, chosen, [rep('CA', 28)], TEST_NOW)).toThrow(NotYourMemberError);
    });

    test('when a PO-box ZIP (10008) names a district, then it is refused unless the geocoder found it', () => {
      const poBox = { state: 'NY', zip: '10008', lookedUp: 'PO Box 1, New York, NY 10008' };
      for (const district of [14, 21]) {
        expect(() =>
          assertRepresents(index, { ...poBox, district: `NY-${district}` }, [rep('NY', district)], TEST_NOW),
        ).toThrow(/ZIP code 10008 does not tell us your district/);
      }
      expect(() => assertRepresents(index, poBox, [rep('NY', 14)], TEST_NOW)).toThrow(NotYourMemberError);
      expect(() => assertRepresents(index, poBox, senatorsOf('NY').map(member), TEST_NOW)).not.toThrow();
      const geocoded = { state: 'NY', district: 14 };
      const named = { ...poBox, district: 'NY-14' };
      expect(() => assertRepresents(index, named, [rep('NY', 14)], TEST_NOW, geocoded)).not.toThrow();
      expect(() =>
        assertRepresents(index, { ...poBox, district: 'NY-21' }, [rep('NY', 21)], TEST_NOW, geocoded),
      ).toThrow(/ZIP code 10008/);
    });

    test('when the geocoder is asked for a PO-box ZIP district, then only its address answer counts', async () => {
      const poBox = {
        state: 'NY',
        zip: '10008',
        lookedUp: '1 Main St, New York, NY 10008',
        district: 'NY-14',
      };
      const answer = (precision: 'address' | 'zip') => async () =>
        ({ precision, districts: [{ state: 'NY', district: 14 }] }) as never;
      expect(await geocodedDistrict(index, poBox, TEST_NOW, answer('address'))).toEqual({
        state: 'NY',
        district: 14,
      });
      expect(await geocodedDistrict(index, poBox, TEST_NOW, answer('zip'))).toBeUndefined();
      // A ZIP with districts of its own never asks.
      const asked = jest.fn(answer('address'));
      await geocodedDistrict(index, { ...claremont, district: 'CA-31' }, TEST_NOW, asked);
      expect(asked).not.toHaveBeenCalled();
    });

    test('when an Illinois address was looked up and NY 10001 is signed, then Schumer is refused at the ZIP', () => {
      const schumer = member(senatorsOf('NY').find((id) => member(id).lastName === 'Schumer')!);
      const signed = { state: 'NY', zip: '10001', lookedUp: '100 Main St, Springfield, IL 62704' };
      expect(() => assertRepresents(index, signed, [schumer], TEST_NOW)).toThrow(
        /signed with the ZIP code you looked up \(62704\)/,
      );
      expect(() => assertRepresents(index, { ...signed, zip: '62704' }, [schumer], TEST_NOW)).toThrow(
        /ZIP code 62704 is in IL, not NY/,
      );
    });
  });
});
