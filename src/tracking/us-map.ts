/**
 * tracking/us-map: a choropleth SVG of letters per state, rendered on the server (no JavaScript, no
 * map tiles). Geometry comes from us-atlas' pre-projected Albers USA file (50 states and DC, 975x610),
 * drawn with d3-geo's geoPath and a null projection; the path strings are computed once per process.
 * Five sequential, colour-blind-safe blues (ColorBrewer "Blues"); the legend labels every colour with
 * its range in text, each state carries a <title> with its name and count, and the page shows the same
 * numbers as a table. Territories are not on this map: the table lists them.
 */
import fs from 'node:fs';
import { geoPath } from 'd3-geo';
import Handlebars from 'handlebars';
import { feature } from 'topojson-client';
import { stateByFips } from '../civic-data/states';
import { formatNumber } from '../platform/i18n-format';
import { compareText } from './stats';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** ColorBrewer Blues, 5 classes: sequential and distinguishable with the common colour-vision deficiencies. */
export const MAP_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const;
const NO_LETTERS_COLOUR = '#ffffff';
const WIDTH = 975;
const MAP_HEIGHT = 610;
const LEGEND_HEIGHT = 60;

interface StatePath {
  code: string;
  name: string;
  d: string;
}

let cachedPaths: StatePath[] | undefined;

/** The projected outline of each state and DC; computed on first use, then kept. */
function statePaths(): StatePath[] {
  if (cachedPaths) return cachedPaths;
  const file = require.resolve('us-atlas/states-albers-10m.json');
  const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology<{ states: GeometryCollection }>;
  const states = feature(topology, topology.objects.states);
  // Whole units (a pixel at the full 975-unit width) look the same as decimals and keep the inline SVG about 25 kB gzipped.
  const path = geoPath().digits(0);
  cachedPaths = states.features
    .map((f) => {
      const info = stateByFips(String(f.id));
      if (!info) return undefined;
      return { code: info.abbr, name: info.name, d: path(f) ?? '' };
    })
    .filter((p): p is StatePath => p !== undefined && p.d !== '')
    .sort((a, b) => compareText(a.code, b.code));
  return cachedPaths;
}

interface MapBucket {
  /** Inclusive bounds; 0..0 is "no letters". */
  min: number;
  max: number;
  colour: string;
  label: string;
}

/** Up to five equal-width ranges from 1 to the largest count, plus a "no letters" class. */
export function mapBuckets(max: number, noneLabel: string): MapBucket[] {
  const buckets: MapBucket[] = [{ min: 0, max: 0, colour: NO_LETTERS_COLOUR, label: noneLabel }];
  if (max <= 0) return buckets;
  const classes = Math.min(MAP_COLOURS.length, max);
  const step = Math.ceil(max / classes);
  for (let i = 0; i < classes; i += 1) {
    const lo = 1 + i * step;
    if (lo > max) break;
    const hi = i === classes - 1 ? max : Math.min(max, (i + 1) * step);
    // Spread the colours over the classes used, so few classes still run from light to dark.
    const colourIndex =
      classes === 1 ? MAP_COLOURS.length - 1 : Math.round((i * (MAP_COLOURS.length - 1)) / (classes - 1));
    const label = lo === hi ? formatNumber('en', lo) : `${formatNumber('en', lo)}–${formatNumber('en', hi)}`;
    buckets.push({ min: lo, max: hi, colour: MAP_COLOURS[colourIndex]!, label });
  }
  return buckets;
}

const escapeXml = Handlebars.escapeExpression;

interface MapOptions {
  /** Prefix for element ids, unique per page. */
  idPrefix: string;
  title: string;
  description: string;
  /** A state's count with its noun in the language's plural form ("1 letter", "3 letters"). */
  countLabel: (n: number) => string;
  /** The legend's heading ("Letters"). */
  legendTitle: string;
  /** The legend's label for states without letters. */
  noneLabel: string;
}

/** The SVG (a string of markup) for counts keyed by USPS code. Unknown codes are ignored. */
export function renderStateMapSvg(counts: Record<string, number>, options: MapOptions): string {
  const { title, description, countLabel } = options;
  const prefix = options.idPrefix.replace(/[^A-Za-z0-9_-]/g, '');
  const paths = statePaths();
  const max = Math.max(0, ...paths.map((p) => Math.floor(Number(counts[p.code] ?? 0)) || 0));
  const buckets = mapBuckets(max, options.noneLabel);
  const colourFor = (n: number) => buckets.find((b) => n >= b.min && n <= b.max)?.colour ?? NO_LETTERS_COLOUR;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${MAP_HEIGHT + LEGEND_HEIGHT}" role="img" ` +
      `aria-labelledby="${prefix}-title ${prefix}-desc" class="dc-us-map" focusable="false">`,
  );
  out.push(`<title id="${prefix}-title">${escapeXml(title)}</title>`);
  out.push(`<desc id="${prefix}-desc">${escapeXml(description)}</desc>`);
  out.push(`<g class="dc-us-map__states" stroke="#5c5c5c" stroke-width="0.75" stroke-linejoin="round">`);
  for (const p of paths) {
    const n = Math.floor(Number(counts[p.code] ?? 0)) || 0;
    const label = `${p.name}: ${countLabel(n)}`;
    out.push(
      `<path data-state="${escapeXml(p.code)}" fill="${colourFor(n)}" d="${escapeXml(p.d)}"><title>${escapeXml(label)}</title></path>`,
    );
  }
  out.push('</g>');

  // Legend: a swatch and a text range for each class.
  const swatch = 18;
  const itemWidth = 150;
  const legendY = MAP_HEIGHT + 20;
  out.push(`<g class="dc-us-map__legend" font-family="sans-serif" font-size="14" fill="#1b1b1b">`);
  out.push(`<text x="10" y="${legendY + 14}">${escapeXml(options.legendTitle)}:</text>`);
  buckets.forEach((b, i) => {
    const x = 80 + i * itemWidth;
    out.push(
      `<rect x="${x}" y="${legendY}" width="${swatch}" height="${swatch}" fill="${b.colour}" stroke="#5c5c5c" stroke-width="1"/>` +
        `<text x="${x + swatch + 6}" y="${legendY + 14}">${escapeXml(b.label)}</text>`,
    );
  });
  out.push('</g></svg>');
  return out.join('\n');
}
