/**
 * lookup/zip-prefixes: USPS ZIP code prefix (first three digits) to state, for ZIPs that have no ZIP-area
 * (ZCTA) row: PO boxes, single-organisation ZIPs such as 20500 (the White House), new ZIPs.
 * Ranges are inclusive 5-digit bounds; 3-digit prefixes are written as xxx00-xxx99.
 */

type Range = [from: number, to: number, state: string];

/** [first prefix, last prefix, state] */
const PREFIXES: Array<[number, number, string]> = [
  [5, 5, 'NY'], // 005 Holtsville IRS
  [6, 7, 'PR'],
  [8, 8, 'VI'],
  [9, 9, 'PR'],
  [10, 27, 'MA'],
  [28, 29, 'RI'],
  [30, 38, 'NH'],
  [39, 49, 'ME'],
  [50, 54, 'VT'],
  [55, 55, 'MA'], // Andover IRS
  [56, 59, 'VT'],
  [60, 69, 'CT'],
  [70, 89, 'NJ'],
  [100, 149, 'NY'],
  [150, 196, 'PA'],
  [197, 199, 'DE'],
  [200, 200, 'DC'],
  [201, 201, 'VA'],
  [202, 205, 'DC'],
  [206, 212, 'MD'],
  [214, 219, 'MD'],
  [220, 246, 'VA'],
  [247, 268, 'WV'],
  [270, 289, 'NC'],
  [290, 299, 'SC'],
  [300, 319, 'GA'],
  [320, 339, 'FL'],
  [341, 342, 'FL'],
  [344, 344, 'FL'],
  [346, 347, 'FL'],
  [349, 349, 'FL'],
  [350, 352, 'AL'],
  [354, 369, 'AL'],
  [370, 385, 'TN'],
  [386, 397, 'MS'],
  [398, 399, 'GA'],
  [400, 418, 'KY'],
  [420, 427, 'KY'],
  [430, 459, 'OH'],
  [460, 479, 'IN'],
  [480, 499, 'MI'],
  [500, 516, 'IA'],
  [520, 528, 'IA'],
  [530, 532, 'WI'],
  [534, 535, 'WI'],
  [537, 549, 'WI'],
  [550, 551, 'MN'],
  [553, 567, 'MN'],
  [569, 569, 'DC'],
  [570, 577, 'SD'],
  [580, 588, 'ND'],
  [590, 599, 'MT'],
  [600, 620, 'IL'],
  [622, 629, 'IL'],
  [630, 631, 'MO'],
  [633, 641, 'MO'],
  [644, 658, 'MO'],
  [660, 662, 'KS'],
  [664, 679, 'KS'],
  [680, 681, 'NE'],
  [683, 693, 'NE'],
  [700, 714, 'LA'],
  [716, 729, 'AR'],
  [730, 731, 'OK'],
  [733, 733, 'TX'], // Austin IRS
  [734, 741, 'OK'],
  [743, 749, 'OK'],
  [750, 770, 'TX'],
  [772, 799, 'TX'],
  [800, 816, 'CO'],
  [820, 831, 'WY'],
  [832, 838, 'ID'],
  [840, 847, 'UT'],
  [850, 853, 'AZ'],
  [855, 857, 'AZ'],
  [859, 860, 'AZ'],
  [863, 865, 'AZ'],
  [870, 875, 'NM'],
  [877, 884, 'NM'],
  [885, 885, 'TX'], // El Paso
  [889, 891, 'NV'],
  [893, 895, 'NV'],
  [897, 898, 'NV'],
  [900, 908, 'CA'],
  [910, 928, 'CA'],
  [930, 961, 'CA'],
  [967, 968, 'HI'],
  [970, 979, 'OR'],
  [980, 986, 'WA'],
  [988, 994, 'WA'],
];

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
  ...PREFIXES.map(([from, to, state]): Range => [from * 100, to * 100 + 99, state]),
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
