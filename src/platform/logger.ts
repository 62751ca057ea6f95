/**
 * platform/logger: structured JSON logs with pino. Personal data never reaches a log line: the redact
 * list covers every field name under which a person's email, address, name or letter could travel.
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

/** Creates the app logger; pass a destination stream in tests to read what was logged. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
