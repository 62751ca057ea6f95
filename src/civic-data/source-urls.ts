/**
 * civic-data/source-urls: where the public sources are fetched from. Every address is a setting
 * (src/config/config.ts, documented in the README), read by `npm run data:update` and by the server's
 * refresh alike, so an operator (or a test's local stand-in server) moves a source in one place. The
 * defaults are the canonical public URLs (docs/data.md). File names and folders inside each base are the
 * publishers' own and templated by Congress here.
 */

export interface CivicSourceUrls {
  /** congress-legislators' published folder: legislators-current.json and its two companions. */
  members: string;
  /** The Census Bureau's file server: relationship files, BEFs, the ZCTA-block file, boundaries. */
  census: string;
  /** us-zipcodes-congress's zccd.csv (the 119th Congress's fallback ZIP table). */
  zccd: string;
  /** One fixed boundary file instead of the Census Bureau's for the members' Congress (DISTRICT_SHAPES_URL). */
  districtShapes: string | undefined;
  /** govinfo's BILLSTATUS bulk data folder. */
  govinfoBillStatus: string;
  /** The congress.gov API (v3). */
  congressGovApi: string;
  /** congress.gov's bill pages, linked from a reintroduced bill found by the refresh. */
  congressGovBillPages: string;
}

export const CANONICAL_SOURCE_URLS: Readonly<CivicSourceUrls> = Object.freeze({
  members: 'https://unitedstates.github.io/congress-legislators',
  census: 'https://www2.census.gov',
  zccd: 'https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv',
  districtShapes: undefined,
  govinfoBillStatus: 'https://www.govinfo.gov/bulkdata/BILLSTATUS',
  congressGovApi: 'https://api.congress.gov/v3',
  congressGovBillPages: 'https://www.congress.gov/bill',
});

/** A base URL without its trailing slashes, so that paths join with one. */
export function trimBase(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
