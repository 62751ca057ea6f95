/**
 * lookup/zip-prefixes: USPS ZIP code prefix (first three digits) to state, for ZIPs that have no ZIP-area
 * (ZCTA) row: PO boxes, single-organisation ZIPs such as 20500 (the White House), new ZIPs.
 * Prefix ranges are inclusive; the finer exceptions are inclusive 5-digit bounds.
 */

type Range = [from: number, to: number, state: string];

/** Each state's USPS prefixes (first three digits), single or as inclusive ranges. */
const PREFIXES: Record<string, string> = {
  NY: '005 100-149', // 005: Holtsville IRS
  PR: '006-007 009',
  VI: '008',
  MA: '010-027 055', // 055: Andover IRS
  RI: '028-029',
  NH: '030-038',
  ME: '039-049',
  VT: '050-054 056-059',
  CT: '060-069',
  NJ: '070-089',
  PA: '150-196',
  DE: '197-199',
  DC: '200 202-205 569',
  VA: '201 220-246',
  MD: '206-212 214-219',
  WV: '247-268',
  NC: '270-289',
  SC: '290-299',
  GA: '300-319 398-399',
  FL: '320-339 341-342 344 346-347 349',
  AL: '350-352 354-369',
  TN: '370-385',
  MS: '386-397',
  KY: '400-418 420-427',
  OH: '430-459',
  IN: '460-479',
  MI: '480-499',
  IA: '500-516 520-528',
  WI: '530-532 534-535 537-549',
  MN: '550-551 553-567',
  SD: '570-577',
  ND: '580-588',
  MT: '590-599',
  IL: '600-620 622-629',
  MO: '630-631 633-641 644-658',
  KS: '660-662 664-679',
  NE: '680-681 683-693',
  LA: '700-714',
  AR: '716-729',
  OK: '730-731 734-741 743-749',
  TX: '733 750-770 772-799 885', // 733: Austin IRS, 885: El Paso
  CO: '800-816',
  WY: '820-831',
  ID: '832-838',
  UT: '840-847',
  AZ: '850-853 855-857 859-860 863-865',
  NM: '870-875 877-884',
  NV: '889-891 893-895 897-898',
  CA: '900-908 910-928 930-961',
  HI: '967-968',
  OR: '970-979',
  WA: '980-986 988-994',
};

/** Finer 5-digit ranges, checked before the prefixes. An empty state marks ZIPs that are not in use. */
const EXCEPTIONS: Range[] = [
  [96799, 96799, 'AS'],
  [96910, 96932, 'GU'],
  [96950, 96952, 'MP'],
  [99501, 99950, 'AK'],
  [99500, 99500, ''],
  [99951, 99999, ''],
];

/** Military post offices (APO/FPO/DPO): AE 090-098, AA 340, AP 962-966. */
const MILITARY: Array<[number, number]> = [
  [90, 98],
  [340, 340],
  [962, 966],
];

const RANGES: Range[] = [
  ...EXCEPTIONS,
  ...Object.entries(PREFIXES).flatMap(([state, prefixes]) =>
    prefixes.split(' ').map((range): Range => {
      const [from = '', to = from] = range.split('-');
      return [Number(from) * 100, Number(to) * 100 + 99, state];
    }),
  ),
];

/** The state (or DC, PR, territory) of a 5-digit ZIP from its USPS prefix; undefined when not in use. */
export function stateForZip(zip: string): string | undefined {
  const digits = /^(\d{5})/.exec(zip.trim())?.[1];
  if (!digits) return undefined;
  const n = Number(digits);
  for (const [from, to, state] of RANGES) {
    if (n >= from && n <= to) return state || undefined;
  }
  return undefined;
}

/** Whether a ZIP belongs to a military post office overseas (no congressional district of its own). */
export function isMilitaryZip(zip: string): boolean {
  const prefix = Number(zip.trim().slice(0, 3));
  return MILITARY.some(([from, to]) => prefix >= from && prefix <= to);
}
