/**
 * platform/logger: structured JSON logs with pino. Personal data never reaches a log line: the redact
 * list covers every field name under which a person's email, address, name or letter could travel, and
 * every path or URL field of every line (top level or under `req`, whoever logs it: the request log, the
 * error handler, pino-http) loses its query string and its capability ids (see redactPath).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACTED_PATHS = [
  // Headers that carry a session or a token.
  ...['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-admin-token"]'],
  'res.headers["set-cookie"]',
  // Personal data and tokens, at the top of a line or one object down.
  ...['email', 'address', 'body', 'token'],
  ...['*.email', '*.senderEmail', '*.street', '*.address', '*.name', '*.body', '*.token'],
];

/**
 * The path of a request, fit for a log: query strings carry addresses, and letter, batch and confirmation
 * ids in the path are capabilities that open a person's letters (any segment of 20 or more id
 * characters, before a `/`, a `.` or the end).
 */
export function redactPath(url: string): string {
  // Decoded first: Express routes `/letters/%41bc…` to the letter `Abc…`, so the id must not pass in clear
  // just because it was percent-encoded. Only id characters are decoded; anything else stays as sent.
  const decoded = (url.split('?')[0] ?? '').replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return /[\w-]/.test(character) ? character : escape;
  });
  return decoded.replace(/\/[\w-]{20,}(?=[/.]|$)/g, '/:id');
}

/**
 * A message with any secret a URL in it may carry blanked: the value of a key or token query parameter
 * (`api_key=`, `apikey=`, `key=`, `token=`, `access_token=`) and the password of `scheme://user:pass@host`.
 * Every pattern is a fixed prefix followed by one character class, so it runs in linear time.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([?&](?:api_?key|key|token|access_token)=)[^&\s#'"]+/gi, '$1[redacted]')
    .replace(/(:\/\/[^/\s:@]*:)[^@\s/]+@/g, '$1[redacted]@');
}

/** A failure's message, as kept for an operator to read: secrets blanked (`redactSecrets`). */
export function redactedReason(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}

const PATH_FIELDS = ['path', 'url', 'originalUrl'] as const;
/** Fields that carry an error's text (a refresh's reason): whatever they quote loses its secrets. */
const MESSAGE_FIELDS = ['reason', 'error'] as const;

/** The object with each string field among `fields` passed through `redact` (a copy only when one changed). */
function withRedactedFields(
  object: Record<string, unknown>,
  fields: readonly string[],
  redact: (text: string) => string,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const field of fields) {
    const value = object[field];
    if (typeof value === 'string') (copy ??= { ...object })[field] = redact(value);
  }
  return copy ?? object;
}

const withRedactedPaths = (object: Record<string, unknown>) =>
  withRedactedFields(object, PATH_FIELDS, redactPath);

/**
 * pino's `formatters.log`: path and URL fields of the line and of its `req` are redacted, and error texts
 * lose any key, token or password a URL in them carried.
 */
function redactPathsInLine(line: Record<string, unknown>): Record<string, unknown> {
  const redacted = withRedactedFields(withRedactedPaths(line), MESSAGE_FIELDS, redactSecrets);
  const req = redacted.req;
  if (!req || typeof req !== 'object') return redacted;
  const redactedReq = withRedactedPaths(req as Record<string, unknown>);
  return redactedReq === req ? redacted : { ...redacted, req: redactedReq };
}

/** pino's error serializer, with any secret a URL in the message or stack carried blanked. */
function serializeError(error: Error): pino.SerializedError {
  const serialized = pino.stdSerializers.err(error);
  serialized.message = redactSecrets(serialized.message);
  if (serialized.stack) serialized.stack = redactSecrets(serialized.stack);
  return serialized;
}

/** Creates the app logger, writing to standard output, a file (LOG_FILE) or a stream. */
export function createLogger(level: string, destination?: pino.DestinationStream | string): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { log: redactPathsInLine },
      serializers: { err: serializeError },
    },
    // Synchronous, as pino writes standard output: a line is in the file when the call returns.
    typeof destination === 'string'
      ? pino.destination({ dest: destination, sync: true, mkdir: true })
      : destination,
  );
}
