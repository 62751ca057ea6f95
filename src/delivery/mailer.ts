/**
 * delivery/mailer: one small mail transport for the app. With an SMTP URL it sends through Nodemailer's
 * SMTP transport; without one it writes each message as an RFC 822 `.eml` file under the outbox directory
 * (development, or an operator who relays the files). Failures come back as `TemporaryDeliveryError` (try
 * again later) or `PermanentDeliveryError` (do not retry), carrying a short reason without personal data.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import nodemailer from 'nodemailer';
import writeFileAtomic from 'write-file-atomic';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { isSafeEmailAddress, parseMailbox, safeDisplayName, sanitizeHeaderText } from './email-headers';

/** An address with a display name; the name is sanitised before it reaches a header. */
interface NamedAddress {
  name: string;
  address: string;
}

export interface OutgoingMail {
  /** Stable Message-ID we choose, e.g. `<letter-id@host>`; a retry sends the same id. */
  messageId: string;
  /** `addr`, `Name <addr>` or `{ name, address }`. */
  from: string | NamedAddress;
  to: string[];
  cc?: string[];
  /** `addr`, `Name <addr>` or `{ name, address }`; the name typically comes from the person. */
  replyTo?: string | NamedAddress;
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  /** Extra headers (X-..., List-...): names checked, values sanitised. Address and MIME headers are refused. */
  headers?: Record<string, string>;
}

interface SendResult {
  messageId: string;
  accepted: string[];
  /** Recipients the SMTP server refused while others were accepted (empty for the file outbox). */
  rejected: string[];
  /** The `.eml` file written, file outbox only. */
  file?: string;
}

export interface MailTransport {
  send(message: OutgoingMail): Promise<SendResult>;
  close(): void;
}

interface MailTransportConfig {
  /** smtp://user:pass@host:587 or smtps://...; absent: write .eml files to outboxDir. */
  smtpUrl?: string;
  outboxDir: string;
  logger?: { info(obj: object, msg: string): void };
  /** SMTP_TIMEOUT_MS: the connection, greeting and socket inactivity timeouts (default 10 000 ms each). */
  timeoutMs?: number;
  /** SMTP connections kept open and reused (default 1); the outbox sends that many messages at once. */
  maxConnections?: number;
}

/** Base of the two delivery failures; `reason` is a short code safe to log and store. */
export abstract class DeliveryError extends Error {
  readonly reason: string;
  /** The SMTP server's reply code; undefined when it did not reply at all. */
  readonly responseCode: number | undefined;

  constructor(message: string, reason: string, responseCode?: number) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
    this.responseCode = responseCode;
  }
}

/** Worth retrying later: 4xx replies, network failures, timeouts, DNS, TLS, login problems. */
export class TemporaryDeliveryError extends DeliveryError {
  constructor(reason: string, responseCode?: number) {
    super(`Temporary mail delivery failure: ${reason}`, reason, responseCode);
  }
}

/** Retrying will not help: 5xx replies, invalid or refused addresses, a message the server will not take. */
export class PermanentDeliveryError extends DeliveryError {
  constructor(reason: string, responseCode?: number) {
    super(`Permanent mail delivery failure: ${reason}`, reason, responseCode);
  }
}

const TEMPORARY_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  ETIMEDOUT: 'timeout',
  ESOCKET: 'socket_error',
  EDNS: 'dns_error',
  ENOTFOUND: 'dns_error',
  EAI_AGAIN: 'dns_error',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'network_unreachable',
  EPIPE: 'connection_reset',
  ECONNECTION: 'connection_closed',
  ETLS: 'tls_error',
  EREQUIRETLS: 'tls_error',
  EPROTOCOL: 'protocol_error',
  EPROXY: 'proxy_error',
  ECONFIG: 'transport_config',
  // Login failures are an operator problem: retry once the configuration is fixed, never drop the letter.
  EAUTH: 'auth_failed',
  ENOAUTH: 'auth_failed',
  EOAUTH2: 'auth_failed',
  EMAXLIMIT: 'rate_limited',
};

const PERMANENT_CODES: Record<string, string> = {
  EENVELOPE: 'invalid_envelope',
  EMESSAGE: 'message_rejected',
  EMAXRECIPIENTS: 'too_many_recipients',
  EFILEACCESS: 'content_refused',
  EURLACCESS: 'content_refused',
};

interface NodemailerLikeError {
  code?: unknown;
  /** Nodemailer keeps the socket's code here when it reports ESOCKET/ECONNECTION. */
  originalCode?: unknown;
  responseCode?: unknown;
  timeoutType?: unknown;
}

/** Maps anything Nodemailer or the socket layer throws to one of the two delivery errors. */
export function classifyDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerLikeError;
  const original = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  const code =
    original && original in TEMPORARY_CODES ? original : typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' && e.responseCode > 0 ? e.responseCode : undefined;

  // Checked before the reply code: a 535 login refusal must not drop the letter as a permanent failure.
  if (code && TEMPORARY_CODES[code] === 'auth_failed')
    return new TemporaryDeliveryError('auth_failed', responseCode);
  if (responseCode !== undefined) {
    if (responseCode >= 400 && responseCode < 500)
      return new TemporaryDeliveryError(`smtp_${responseCode}`, responseCode);
    if (responseCode >= 500 && responseCode < 600)
      return new PermanentDeliveryError(`smtp_${responseCode}`, responseCode);
  }
  if (code === 'ETIMEDOUT' && typeof e.timeoutType === 'string') {
    const kind = e.timeoutType.toLowerCase().replace(/[^a-z]+/g, '_');
    return new TemporaryDeliveryError(`timeout_${kind}`.slice(0, 40), responseCode);
  }
  if (code && code in TEMPORARY_CODES)
    return new TemporaryDeliveryError(TEMPORARY_CODES[code]!, responseCode);
  if (code && code in PERMANENT_CODES)
    return new PermanentDeliveryError(PERMANENT_CODES[code]!, responseCode);
  // Unknown failures are retried: the outbox bounds the attempts, and losing a letter is worse.
  return new TemporaryDeliveryError('unknown', responseCode);
}

/** Awaits a Nodemailer call, turning whatever it throws into a delivery error. */
async function classified<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw classifyDeliveryError(err);
  }
}

const MESSAGE_ID = /^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>$/;
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,75}$/;
// Headers built from checked values only: the addresses, and the message's identity and threading.
const ADDRESS_HEADERS = ['from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'return-path'];
const MESSAGE_HEADERS = ['subject', 'message-id', 'date', 'mime-version', 'in-reply-to', 'references'];
const RESERVED_HEADERS = new Set([...ADDRESS_HEADERS, ...MESSAGE_HEADERS]);

function addressOrThrow(address: string, reason: string): string {
  const trimmed = address.trim();
  if (!isSafeEmailAddress(trimmed)) throw new PermanentDeliveryError(reason);
  return trimmed;
}

/** `addr`, `Name <addr>` or `{ name, address }` to a safe Nodemailer address; a list or a group is refused. */
function toAddress(input: string | NamedAddress, reason: string): string | NamedAddress {
  const mailbox =
    typeof input === 'string'
      ? parseMailbox(input)
      : { name: input.name, address: addressOrThrow(input.address, reason) };
  if (!mailbox) throw new PermanentDeliveryError(reason);
  const display = safeDisplayName(mailbox.name);
  return display ? { name: display, address: mailbox.address } : mailbox.address;
}

function customHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(lower) || lower.startsWith('content-')) {
      throw new TypeError(`Header not allowed: ${name.slice(0, 40)}`);
    }
    out[name] = sanitizeHeaderText(value, 900);
  }
  return out;
}

function attachmentName(filename: string): string {
  const s = sanitizeHeaderText(filename, 100).replace(/[/\\"]/g, '_');
  return s || 'attachment';
}

/** The Nodemailer message for an OutgoingMail: every header built from checked or sanitised values. */
function buildMailOptions(message: OutgoingMail): SendMailOptions {
  if (!MESSAGE_ID.test(message.messageId)) throw new TypeError('messageId must look like <id@host>');
  const to = message.to.map((a) => addressOrThrow(a, 'invalid_recipient'));
  if (to.length === 0) throw new PermanentDeliveryError('no_recipients');
  const cc = (message.cc ?? []).map((a) => addressOrThrow(a, 'invalid_recipient'));
  const options: SendMailOptions = {
    messageId: message.messageId,
    from: toAddress(message.from, 'invalid_sender'),
    to,
    subject: sanitizeHeaderText(message.subject, 250),
    text: message.text,
    html: message.html,
    headers: customHeaders(message.headers),
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments: (message.attachments ?? []).map((a) => ({
      filename: attachmentName(a.filename),
      content: a.content,
      contentType: /^[a-z]+\/[a-z0-9.+-]+$/i.test(a.contentType) ? a.contentType : 'application/octet-stream',
    })),
  };
  if (cc.length > 0) options.cc = cc;
  if (message.replyTo !== undefined) options.replyTo = toAddress(message.replyTo, 'invalid_reply_to');
  return options;
}

/** `<abc.123@host>` to `abc.123@host`, with anything outside a safe file-name alphabet replaced. */
export function emlFileName(messageId: string): string {
  const base = messageId
    .replace(/^<|>$/g, '')
    .replace(/[^A-Za-z0-9._@-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200);
  return `${base || 'message'}.eml`;
}

/** The connection failed or went away: the server may be down or unreachable (no SMTP reply at all). */
function unreachable(err: unknown): boolean {
  return (
    (err instanceof TemporaryDeliveryError && err.responseCode === undefined) ||
    err instanceof TaskCancelledError
  );
}

/**
 * One resilience policy around every SMTP send (cockatiel): a time limit per try; a dropped pooled
 * connection retried at once, twice, with exponential back-off and jitter; and a breaker that, after 5
 * tries in a row found the server unreachable, fails sends at once for 30 s instead of each waiting out
 * its timeouts. Everything else (SMTP 4xx replies, an open breaker) is retried by the outbox, minutes later.
 */
function smtpSendPolicy(limitMs: number) {
  const dropped = handleWhen(
    (err) =>
      err instanceof TemporaryDeliveryError &&
      ['connection_reset', 'connection_closed', 'socket_error'].includes(err.reason),
  );
  return wrap(
    retry(dropped, {
      maxAttempts: 2,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    }),
    circuitBreaker(handleWhen(unreachable), { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
    // The send never reads the signal, so nothing is aborted once it returns (an abort builds an error).
    timeout(limitMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
  );
}

function createSmtpTransport(config: MailTransportConfig & { smtpUrl: string }): MailTransport {
  if (!/^smtps?:\/\//i.test(config.smtpUrl))
    throw new TypeError('smtpUrl must start with smtp:// or smtps://');
  const timeoutMs = config.timeoutMs ?? 10_000;
  // Pooled: one handshake (and TLS negotiation) serves many messages instead of one per message.
  const transporter: Transporter = nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: config.maxConnections ?? 1,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // Nodemailer's own timeouts bound each step; this bounds a whole try (twice the three steps' timeouts),
  // however its steps add up.
  const policy = smtpSendPolicy(6 * timeoutMs);
  return {
    async send(message) {
      const options = buildMailOptions(message);
      let info: { accepted?: unknown; rejected?: unknown };
      try {
        info = await policy.execute(() => classified(transporter.sendMail(options)));
      } catch (err) {
        if (err instanceof BrokenCircuitError) throw new TemporaryDeliveryError('smtp_unreachable');
        if (err instanceof TaskCancelledError) throw new TemporaryDeliveryError('timeout_send');
        throw err;
      }
      const accepted = Array.isArray(info.accepted) ? info.accepted.map(String) : [];
      const rejected = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
      if (accepted.length === 0) throw new PermanentDeliveryError('all_recipients_rejected');
      return { messageId: message.messageId, accepted, rejected };
    },
    close() {
      transporter.close();
    },
  };
}

function createFileTransport(config: MailTransportConfig): MailTransport {
  const transporter = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      const options = buildMailOptions(message);
      const info = (await classified(transporter.sendMail(options))) as {
        envelope: { to: string[] };
        message: unknown;
      };
      if (!Buffer.isBuffer(info.message)) throw new TemporaryDeliveryError('outbox_write_failed');
      const file = path.join(config.outboxDir, emlFileName(message.messageId));
      try {
        await fs.mkdir(config.outboxDir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, info.message, { mode: 0o600 });
      } catch {
        throw new TemporaryDeliveryError('outbox_write_failed');
      }
      config.logger?.info({ file, messageId: message.messageId }, 'mail written to the outbox directory');
      return { messageId: message.messageId, accepted: [...info.envelope.to], rejected: [], file };
    },
    close() {},
  };
}

/** SMTP when `smtpUrl` is set, else `.eml` files under `outboxDir`. */
export function createMailTransport(config: MailTransportConfig): MailTransport {
  const url = config.smtpUrl?.trim();
  return url ? createSmtpTransport({ ...config, smtpUrl: url }) : createFileTransport(config);
}
