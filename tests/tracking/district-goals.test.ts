import { DistrictGoals, districtGoalFor } from '../../src/campaign/campaign';
import { districtProgress, districtsClosestToGoal } from '../../src/tracking/district-goals';
import { statsFromCounters } from '../../src/tracking/stats';

const CONGRESS = 119;

function statsWith(
  districts: Record<string, number>,
  congress = CONGRESS,
  earlier: Record<string, number> = {},
) {
  const rows = (n: number, counts: Record<string, number>) =>
    Object.entries(counts).map(([key, count]) => ({ dimension: 'district', key: `${n}:${key}`, count }));
  return statsFromCounters(
    'stop-csam',
    [...rows(congress, districts), ...rows(congress - 1, earlier)],
    '2026-11-28T12:00:00.000Z',
  );
}

describe('district goals', () => {
  test('when a campaign sets one number, then every district has that goal', () => {
    const one = { districtGoals: DistrictGoals.parse(100) };
    expect(districtGoalFor(one, 'IL-13')).toBe(100);
    expect(districtGoalFor(one, 'AK-0')).toBe(100);
    expect(districtGoalFor({}, 'IL-13')).toBeUndefined();
  });

  test('when a campaign sets a table, then listed districts use it and the others the default, or none', () => {
    const table = { districtGoals: DistrictGoals.parse({ default: 50, districts: { 'IL-13': 250 } }) };
    expect(districtGoalFor(table, 'IL-13')).toBe(250);
    expect(districtGoalFor(table, 'IL-7')).toBe(50);
    const only = { districtGoals: DistrictGoals.parse({ districts: { 'IL-13': 250 } }) };
    expect(districtGoalFor(only, 'IL-7')).toBeUndefined();
  });

  test("when a district's letters are measured, then the count, goal and whether it is reached come back", () => {
    const stats = statsWith({ 'IL-13': 41, 'NY-10': 120 });
    const goal = () => 100;
    expect(districtProgress(stats, CONGRESS, goal, 'IL-13')).toEqual({
      district: 'IL-13',
      count: 41,
      goal: 100,
      reached: false,
    });
    expect(districtProgress(stats, CONGRESS, goal, 'NY-10')?.reached).toBe(true);
    expect(districtProgress(stats, CONGRESS, goal, 'TX-2')).toEqual({
      district: 'TX-2',
      count: 0,
      goal: 100,
      reached: false,
    });
    expect(districtProgress(stats, CONGRESS, () => undefined, 'IL-13')).toBeUndefined();
  });

  test('when districts are ranked, then the nearest share of its goal comes first, reached ones are only counted', () => {
    const stats = statsWith({
      'IL-13': 41,
      'IL-7': 88,
      'CA-12': 63,
      'TX-2': 97,
      'NY-10': 120,
      'AK-0': 12,
      'WA-7': 0,
    });
    const goals: Record<string, number> = { 'AK-0': 13 };
    const { closest, reached } = districtsClosestToGoal(stats, CONGRESS, (d) => goals[d] ?? 100, 3);
    expect(closest.map((d) => [d.district, d.remaining])).toEqual([
      ['TX-2', 3],
      ['AK-0', 1],
      ['IL-7', 12],
    ]);
    expect(reached).toBe(1);
  });

  test('when two districts are equally near, then the one needing fewer letters comes first, then by name', () => {
    const stats = statsWith({ 'IL-13': 50, 'IL-7': 25, 'CA-12': 25 });
    const goals: Record<string, number> = { 'IL-13': 100, 'IL-7': 50, 'CA-12': 50 };
    const { closest } = districtsClosestToGoal(stats, CONGRESS, (d) => goals[d]);
    expect(closest.map((d) => d.district)).toEqual(['CA-12', 'IL-7', 'IL-13']);
  });

  test("when letters were written in an earlier Congress, then they do not count toward this Congress's goals", () => {
    const stats = statsWith({ 'IL-13': 41 }, CONGRESS, { 'IL-13': 500, 'IL-7': 99 });
    expect(districtProgress(stats, CONGRESS, () => 100, 'IL-13')?.count).toBe(41);
    expect(districtProgress(stats, CONGRESS, () => 100, 'IL-7')?.count).toBe(0);
    expect(districtsClosestToGoal(stats, CONGRESS, () => 100)).toEqual({
      closest: [{ district: 'IL-13', count: 41, goal: 100, reached: false, remaining: 59 }],
      reached: 0,
    });
  });
});
