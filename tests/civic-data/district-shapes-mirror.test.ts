/**
 * District shapes on the real 119th Congress boundaries from the national data mirror (cb_2024_us_cd119_20m),
 * only when CIVIC_DATA_FROM names it (tests/helpers/civic-data.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDistrictShapes, type DistrictShapeIndex } from '../../src/civic-data/district-shapes';
import { readDistrictShapes, writeDistrictShapes } from '../../src/civic-data/district-shapes-import';

import { describeWithNationalData, nationalDataDir } from '../helpers/civic-data';

describeWithNationalData('district shapes on the national boundaries', () => {
  let outDir: string;
  let index: DistrictShapeIndex;
  let imported: { features: number };

  beforeAll(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shapes-mirror-'));
    const read = await readDistrictShapes({ from: nationalDataDir() });
    await writeDistrictShapes(outDir, read.file);
    imported = { features: read.file.districts.length };
    index = loadDistrictShapes(outDir)!;
  });

  afterAll(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('imports all 437 features (435 districts, DC, PR)', () => {
    expect(imported.features).toBe(437);
    expect(index.districts).toHaveLength(437);
    const states = new Set(index.districts.map((d) => d.state));
    expect(states.size).toBe(52);
  });

  test.each([
    ['downtown Denver', 'CO', 1, 39.7392, -104.9903],
    ['Anchorage', 'AK', 0, 61.2181, -149.9003],
    ['San Juan', 'PR', 0, 18.4655, -66.1057],
    ['the White House', 'DC', 0, 38.8977, -77.0365],
    ['Cheyenne', 'WY', 0, 41.14, -104.8202],
    ['Seattle', 'WA', 7, 47.6062, -122.3321],
    ['Honolulu (Waikiki)', 'HI', 1, 21.2793, -157.8292],
  ])('%s is %s-%i', (_name, state, district, lat, lon) => {
    expect(index.findDistrictAtPoint(lat, lon)).toMatchObject({ state, district });
  });

  test('open ocean and abroad are null', () => {
    expect(index.findDistrictAtPoint(35, -40)).toBeNull();
    expect(index.findDistrictAtPoint(48.8566, 2.3522)).toBeNull();
  });

  test('a point on a state line is near the boundary with the other state as neighbour', () => {
    // Texarkana: State Line Avenue is the Texas/Arkansas border.
    const result = index.findDistrictAtPoint(33.4251, -94.0431);
    expect(result?.nearBoundary).toBe(true);
    const all = [result!, ...result!.neighbours].map((d) => d.state).sort();
    expect(all).toEqual(expect.arrayContaining(['AR', 'TX']));
  });

  test('district office accuracy: offices lie in their member district (or its near-boundary neighbours)', () => {
    const current = JSON.parse(
      fs.readFileSync(path.join(nationalDataDir(), 'congress-legislators/legislators-current.json'), 'utf8'),
    ) as Array<{
      id: { bioguide: string };
      terms: Array<{ type: string; state: string; district?: number }>;
    }>;
    const offices = JSON.parse(
      fs.readFileSync(
        path.join(nationalDataDir(), 'congress-legislators/legislators-district-offices.json'),
        'utf8',
      ),
    ) as Array<{
      id: { bioguide: string };
      offices: Array<{ id: string; latitude?: number; longitude?: number }>;
    }>;

    const house = new Map<string, { state: string; district: number }>();
    for (const member of current) {
      const term = member.terms[member.terms.length - 1];
      if (term?.type === 'rep')
        house.set(member.id.bioguide, { state: term.state, district: term.district ?? 0 });
    }

    let total = 0;
    let own = 0;
    let ownOrNeighbour = 0;
    const misses: string[] = [];
    for (const entry of offices) {
      const member = house.get(entry.id.bioguide);
      if (!member) continue;
      for (const office of entry.offices) {
        if (typeof office.latitude !== 'number' || typeof office.longitude !== 'number') continue;
        total++;
        const found = index.findDistrictAtPoint(office.latitude, office.longitude);
        const same = (d: { state: string; district: number }) =>
          d.state === member.state && d.district === member.district;
        if (found && same(found)) own++;
        if (found && (same(found) || found.neighbours.some(same))) ownOrNeighbour++;
        else
          misses.push(
            `${office.id} (${member.state}-${member.district}): ${found ? `${found.state}-${found.district}` : 'none'}`,
          );
      }
    }
    const shareOwn = own / total;
    const shareWithNeighbours = ownOrNeighbour / total;
    console.log(
      `district offices: ${total} House offices with coordinates; in own district ${(shareOwn * 100).toFixed(1)}%, ` +
        `own or near-boundary neighbour ${(shareWithNeighbours * 100).toFixed(1)}%; misses: ${misses.length}`,
    );
    expect(total).toBeGreaterThan(800);
    expect(shareWithNeighbours).toBeGreaterThanOrEqual(0.97);
    expect(shareOwn).toBeGreaterThanOrEqual(0.9);
  });
});
