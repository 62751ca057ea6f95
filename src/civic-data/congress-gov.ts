/**
 * civic-data/congress-gov: the requests for a bill's facts (govinfo's bulk data and the congress.gov API,
 * for the sponsor rolls and the reintroduction search). The congress.gov key travels in the `X-Api-Key`
 * header (api.data.gov takes it there as well as in the query), so the URL that errors and logs name
 * never carries it.
 */
import { z } from 'zod';
import { DataError } from '../platform/errors';

/** How long one request may take before the import gives up on it. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface CongressGovRequest {
  apiKey?: string | undefined;
  /** Default REQUEST_TIMEOUT_MS. */
  timeoutMs?: number | undefined;
}

/** GET with a time limit; a DataError naming `what` and the URL when it fails. */
export async function fetchText(url: string, what: string, request: CongressGovRequest): Promise<string> {
  const timeoutMs = request.timeoutMs ?? REQUEST_TIMEOUT_MS;
  try {
    const response = await fetch(url, {
      headers: {
        accept: 'application/xml, application/json',
        ...(request.apiKey ? { 'x-api-key': request.apiKey } : {}),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new DataError(`${what}: ${url} answered ${response.status}`);
    }
    return await response.text();
  } catch (error) {
    if (error instanceof DataError) throw error;
    const name = (error as Error)?.name;
    const why =
      name === 'TimeoutError' ? `did not answer within ${timeoutMs / 1000} s` : 'could not be reached';
    throw new DataError(`${what}: ${url} ${why}`, { cause: error });
  }
}

/** One congress.gov API answer (JSON) checked against `schema`. */
export async function fetchCongressGov<T>(
  schema: z.ZodType<T>,
  url: string,
  what: string,
  request: CongressGovRequest,
): Promise<T> {
  const text = await fetchText(url, what, request);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // A proxy's or a maintenance page's HTML, say: named like any other unusable answer.
    throw new DataError(`${what}: ${url} did not answer JSON`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DataError(`${what}: ${url} is not the expected congress.gov answer`);
  return parsed.data;
}

/** The congress.gov API's answer about one bill (`/bill/{congress}/{type}/{number}`): the fields read. */
export const CongressGovBill = z.object({
  bill: z.object({
    introducedDate: z.iso.date(),
    updateDate: z.string().optional(),
    sponsors: z.array(z.object({ bioguideId: z.string(), fullName: z.string().optional() })).default([]),
    latestAction: z.object({ actionDate: z.string(), text: z.string() }).optional(),
  }),
});

/** The link to a list's next page, in each page of a congress.gov API list. */
export const Pagination = z.object({ next: z.string().optional() }).optional();

/** The pages of a congress.gov API list from `url` on, at most `most`, each checked against `schema`. */
export async function* congressGovPages<T extends { pagination?: z.infer<typeof Pagination> }>(
  schema: z.ZodType<T>,
  url: string,
  what: string,
  request: CongressGovRequest,
  most: number,
): AsyncGenerator<T> {
  let next: string | undefined = url;
  for (let page = 0; next && page < most; page++) {
    const answer: T = await fetchCongressGov(schema, next, what, request);
    yield answer;
    next = answer.pagination?.next ? withoutApiKey(answer.pagination.next, what) : undefined;
  }
}

/** The congress.gov API's pagination link, without any key it may carry (ours goes in a header). */
function withoutApiKey(link: string, what: string): string {
  const url = URL.parse(link);
  if (!url) throw new DataError(`${what}: the congress.gov API's next-page link is not a URL`);
  url.searchParams.delete('api_key');
  return url.toString();
}
