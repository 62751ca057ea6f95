/**
 * delivery/cwc/client: posts CWC documents to the service (`/v2/message` delivers, `/v2/validate` only
 * checks), with a timeout. The answer decides what the outbox does: 200 delivered; 400 rejected with the
 * service's reason (retrying cannot help); 5xx, timeouts and network errors are temporary. The API key goes
 * in the query string, as the service requires, and is never logged or put in an error.
 */
import { PermanentDeliveryError, TemporaryDeliveryError } from '../mailer';

export interface CwcClientOptions {
  /** The service's base URL, e.g. the test host; `/v2/message` is appended. */
  url: string;
  apiKey: string;
  /** Per request. Default 30 s. */
  timeoutMs?: number;
}

export interface CwcClient {
  /** Delivers one document; resolves when the service accepted it (HTTP 200). */
  deliver(xml: string): Promise<void>;
  /** Checks one document without delivering it; resolves with the service's answer. */
  validate(xml: string): Promise<{ ok: boolean; status: number; body: string }>;
}

/** The longest part of the service's answer kept as a reason (it lands in the letter's status). */
const MAX_REASON = 160;

/** A readable one-line reason from an XML or text error body: the text of its elements, squeezed. */
export function reasonFromBody(body: string): string {
  const squeezed = body
    .replace(/<\?xml[^<>]*\?>/g, ' ')
    .replace(/<[^<>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return squeezed.slice(0, MAX_REASON) || 'no reason given';
}

/** Statuses that reject the message itself. */
const REJECTED = new Set([400, 413, 422]);

export function createCwcClient(options: CwcClientOptions): CwcClient {
  const base = options.url.replace(/(?<!\/)\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function post(path: string, xml: string): Promise<{ status: number; body: string }> {
    const url = `${base}${path}?apikey=${encodeURIComponent(options.apiKey)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, text/plain' },
        body: xml,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error)?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'cwc_timeout' : 'cwc_unreachable';
      throw new TemporaryDeliveryError(reason);
    }
    let body = '';
    try {
      body = await response.text();
    } catch {
      if (response.ok) return { status: response.status, body: '' };
      throw new TemporaryDeliveryError(`cwc_${response.status}`, { responseCode: response.status });
    }
    return { status: response.status, body };
  }

  return {
    async deliver(xml) {
      const { status, body } = await post('/v2/message', xml);
      if (status === 200) return;
      if (REJECTED.has(status)) {
        // A rejected message stays rejected: the reason is kept for the person and the organiser.
        throw new PermanentDeliveryError(`cwc_${status}: ${reasonFromBody(body)}`, { responseCode: status });
      }
      // 401/403 (a wrong key, an unregistered address) and 404 are the organiser's to fix: the letters
      // wait, retried with back-off, instead of all failing at once.
      throw new TemporaryDeliveryError(`cwc_${status}`, { responseCode: status });
    },
    async validate(xml) {
      const { status, body } = await post('/v2/validate', xml);
      return { ok: status === 200, status, body };
    },
  };
}
