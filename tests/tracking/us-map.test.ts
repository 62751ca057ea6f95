import { mapBuckets, MAP_COLOURS, renderStateMapSvg } from '../../src/tracking/us-map';

/** The labels as an English page gives them. */
const ENGLISH = {
  idPrefix: 'us-map',
  title: 'Letters by state',
  description: 'Map of the United States; darker states have more letters.',
  countLabel: (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'letter' : 'letters'}`,
  legendTitle: 'Letters',
  noneLabel: 'No letters',
};

describe('renderStateMapSvg', () => {
  test('when counts are given, then the SVG has one titled path per state and DC, and a text legend', () => {
    const svg = renderStateMapSvg({ WA: 120, CA: 1, TX: 60, ZZ: 5 }, { ...ENGLISH, idPrefix: 'm1' });
    const paths = svg.match(/<path /g) ?? [];
    expect(paths).toHaveLength(51);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="m1-title m1-desc"');
    expect(svg).toContain('<title id="m1-title">');
    expect(svg).toContain('<title>Washington: 120 letters</title>');
    expect(svg).toContain('<title>California: 1 letter</title>');
    expect(svg).toContain('<title>Wyoming: 0 letters</title>');
    expect(svg).toContain('District of Columbia');
    expect(svg).not.toContain('ZZ');
    // Legend: every class has a swatch and a text range.
    expect(svg).toContain('>No letters</text>');
    expect(svg).toContain('>1–24</text>');
    expect(svg).toContain('>97–120</text>');
    expect(svg).toMatch(/data-state="WA" fill="#08519c"/);
    expect(svg).toMatch(/data-state="CA" fill="#eff3ff"/);
    expect(svg).toMatch(/data-state="WY" fill="#ffffff"/);
  });

  test('when the title contains markup, then it is escaped', () => {
    const svg = renderStateMapSvg({}, { ...ENGLISH, title: '<script>alert("x")</script>', idPrefix: 'a"b' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('id="ab-title"');
  });

  test('when the largest count is small, then the classes are whole numbers and still span light to dark', () => {
    expect(mapBuckets(0, 'No letters').map((b) => b.label)).toEqual(['No letters']);
    expect(mapBuckets(2, 'No letters').map((b) => [b.label, b.colour])).toEqual([
      ['No letters', '#ffffff'],
      ['1', MAP_COLOURS[0]],
      ['2', MAP_COLOURS[4]],
    ]);
    expect(mapBuckets(1_000_000, 'No letters').map((b) => b.label)).toEqual([
      'No letters',
      '1–200,000',
      '200,001–400,000',
      '400,001–600,000',
      '600,001–800,000',
      '800,001–1,000,000',
    ]);
  });
});
