/**
 * platform/logger: structured JSON logs with pino. Personal data never reaches a log line: the redact
 * list covers every field name under which a person's email, address, name or letter could travel, and
 * every path or URL field of every line (top level or under `req`, whoever logs it: the request log, the
 * error handler, pino-http) loses its query string and its capability ids (see redactPath).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  '*.email',
  '*.senderEmail',
  '*.street',
  '*.address',
  '*.name',
  '*.body',
  '*.token',
  'email',
  'address',
  'body',
  'token',
];

/**
 * The path of a request, fit for a log: query strings carry addresses, and letter, batch and confirmation
 * ids in the path are capabilities that open a person's letters (any segment of 20 or more id
 * characters, before a `/`, a `.` or the end).
 */
export function redactPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/\/[\w-]{20,}(?=[/.]|$)/g, '/:id');
}

const PATH_FIELDS = ['path', 'url', 'originalUrl'] as const;

function withRedactedPaths(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const field of PATH_FIELDS) {
    const value = object[field];
    if (typeof value === 'string') (copy ??= { ...object })[field] = redactPath(value);
  }
  return copy ?? object;
}

/** pino's `formatters.log`: path and URL fields of the line and of its `req` are redacted. */
export function redactPathsInLine(line: Record<string, unknown>): Record<string, unknown> {
  const redacted = withRedactedPaths(line);
  const req = redacted.req;
  if (!req || typeof req !== 'object') return redacted;
  const redactedReq = withRedactedPaths(req as Record<string, unknown>);
  return redactedReq === req ? redacted : { ...redacted, req: redactedReq };
}

/** Creates the app logger; pass a destination stream in tests to read what was logged. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { log: redactPathsInLine },
    },
    destination,
  );
}
