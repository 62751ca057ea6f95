import { CivicIndex, loadCivicIndex } from '../../src/civic-data/load';
import { assertRepresents, representativesOf } from '../../src/lookup/constituency';
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

  test("when the district sent is not one of the ZIP's, then it cannot widen the choice", () => {
    const far = index.houseMemberFor('NY', 3)!;
    const allowed = representativesOf(index, { state: 'NY', zip: '10001', district: 'NY-3' }, TEST_NOW);
    expect(allowed.has(far.bioguide)).toBe(false);
    expect(allowed.has(index.houseMemberFor('NY', 10)!.bioguide)).toBe(true);
  });
});
