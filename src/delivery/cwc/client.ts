/**
 * delivery/cwc/client: posts CWC documents to the House's or the Senate's service, with a timeout, and
 * reads their lists of the offices that take CWC today. The two differ (docs/delivery.md):
 * - House: `POST {url}/v2/message?apikey=` delivers, `/v2/validate` only checks, `GET /v2/offices` lists
 *   the offices; the key goes in the query string.
 * - Senate: the vendor's URL is used exactly as given (nothing appended), success is 201, there is no
 *   validate endpoint, and the active-office list is its own public URL.
 * The answer decides what the outbox does: any 2xx delivered; 409 delivered already (the same DeliveryId
 * arrived before: never sent twice); 400 rejected with the service's reason (retrying cannot help); 5xx,
 * 429, timeouts and network errors are temporary. The API key is never logged or put in an error.
 */
import { PermanentDeliveryError, TemporaryDeliveryError } from '../mailer';
import type { Chamber } from '../../civic-data/types';
import { oneLine, trimEnd } from '../../platform/text';

/** `url`, `apiKey` and `officesUrl` as the header says for each chamber; `timeoutMs` per request. */
interface CwcClientOptions {
  chamber: Chamber;
  url: string;
  apiKey?: string;
  officesUrl?: string;
  timeoutMs?: number;
}

export type CwcClient = ReturnType<typeof createCwcClient>;

/** The longest part of the service's answer kept as a reason (it lands in the letter's status). */
const MAX_REASON = 160;

/** A readable one-line reason from an XML or text error body: the text of its elements, squeezed. */
export function reasonFromBody(body: string): string {
  const squeezed = oneLine(
    body
      .slice(0, 4096)
      .replace(/<\?xml[^<>]*\?>/g, ' ')
      .replace(/<[^<>]+>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
  return squeezed.slice(0, MAX_REASON) || 'no reason given';
}

/** Statuses that reject the message itself. */
const REJECTED = new Set([400, 413, 422]);
const isOk = (status: number) => status >= 200 && status < 300;

/** The House's URL for a path, with the key; the Senate's messages URL is its own. */
function houseUrl(base: string, path: string, apiKey: string): string {
  return `${trimEnd(base, '/')}${path}?apikey=${encodeURIComponent(apiKey)}`;
}

export function createCwcClient(options: CwcClientOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const apiKey = options.apiKey ?? '';
  const messageUrl = options.chamber === 'house' ? houseUrl(options.url, '/v2/message', apiKey) : options.url;

  async function request(url: string, init: RequestInit): Promise<{ status: number; body: string }> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (error) {
      const name = (error as Error)?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'cwc_timeout' : 'cwc_unreachable';
      throw new TemporaryDeliveryError(reason);
    }
    const body = await response.text().catch(() => {
      if (response.ok) return '';
      throw new TemporaryDeliveryError(`cwc_${response.status}`);
    });
    return { status: response.status, body };
  }

  const post = (url: string, xml: string) =>
    request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, text/plain' },
      body: xml,
    });

  return {
    chamber: options.chamber,
    /** Delivers one document; resolves with the service's status (2xx, or 409: delivered before). */
    async deliver(xml: string) {
      const { status, body } = await post(messageUrl, xml);
      if (isOk(status)) return { status, alreadyDelivered: false };
      // Our DeliveryId is reused only for the same letter: a conflict means the office has it already.
      if (status === 409) return { status, alreadyDelivered: true };
      if (REJECTED.has(status)) {
        // A rejected message stays rejected: the reason is kept for the person and the organiser.
        throw new PermanentDeliveryError(`cwc_${status}: ${reasonFromBody(body)}`);
      }
      // 401/403 (a wrong key, an unregistered address), 404, 429 and 5xx are the organiser's or the
      // service's to fix: the letters wait, retried with back-off, instead of all failing at once.
      throw new TemporaryDeliveryError(`cwc_${status}`);
    },
    /** House only: checks one document without delivering it. The Senate has no such endpoint. */
    async validate(xml: string) {
      if (options.chamber === 'senate') throw new Error('the Senate service has no validate endpoint');
      const answer = await post(houseUrl(options.url, '/v2/validate', apiKey), xml);
      return { ...answer, ok: isOk(answer.status) };
    },
    /** The offices that take CWC today, as the service lists them (JSON); see offices.ts. */
    async offices(): Promise<unknown> {
      const url =
        options.chamber === 'house' ? houseUrl(options.url, '/v2/offices', apiKey) : options.officesUrl;
      if (!url) throw new Error('no active-office list URL for the Senate');
      const { status, body } = await request(url, {
        method: 'GET',
        headers: { Accept: 'application/json' },
      });
      if (!isOk(status)) throw new TemporaryDeliveryError(`cwc_${status}`);
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new TemporaryDeliveryError('cwc_offices_not_json');
      }
    },
  };
}
