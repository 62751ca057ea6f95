import { geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { Kysely } from 'kysely';
test('x', () => { expect(typeof geoPath).toBe('function'); expect(typeof feature).toBe('function'); expect(typeof Kysely).toBe('function'); });
