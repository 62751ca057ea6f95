/**
 * web/error-handler: the one place where errors become HTTP responses. AppErrors carry their status and
 * a message safe to show; anything else is logged with the request id and shown as a plain apology.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, UnavailableError, ValidationError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { ZodError } from 'zod';

function wantsJson(path: string, accept: string | undefined): boolean {
  return path.startsWith('/api/') || (accept ?? '').startsWith('application/json');
}

export const notFoundHandler: RequestHandler = (req, res) => {
  const message = 'We could not find that page.';
  if (wantsJson(req.path, req.headers.accept)) {
    res.status(404).json({ error: { code: 'not_found', message } });
    return;
  }
  res.status(404).render('errors/error', { title: 'Page not found', message, status: 404 });
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_PROTOCOL',
]);
const UNAVAILABLE_MESSAGES =
  /driver has already been destroyed|database connection is not open|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to administrator command/i;

/** Whether an error means the database (or another dependency) is down, not that the request is bad. */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR')))
    return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isUnavailableError(e, depth + 1)))
    return true;
  return isUnavailableError(cause, depth + 1);
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (caught: unknown, req, res, next) => {
    // A database that is down is a 503 with a friendly message (lookups keep working without it).
    const error =
      !(caught instanceof AppError) && isUnavailableError(caught)
        ? new UnavailableError(
            'Part of our service is briefly unavailable, so this page cannot be shown right now. Nothing you typed has been lost: please try again in a minute.',
            { cause: caught },
          )
        : caught instanceof ZodError
          ? // Request input that a route parsed with `.parse` (query or form): the client's mistake.
            new ValidationError(
              'Some of what was sent could not be used.',
              Object.fromEntries(
                caught.issues.map((issue) => [issue.path.join('.') || 'input', issue.message]),
              ),
            )
          : caught;
    if (res.headersSent) {
      next(error);
      return;
    }
    // Body-parser and similar middleware errors carry a status; treat 4xx ones as the client's mistake.
    const status =
      error instanceof AppError
        ? error.status
        : typeof (error as { status?: unknown })?.status === 'number' &&
            (error as { status: number }).status < 500
          ? (error as { status: number }).status
          : 500;
    const code =
      error instanceof AppError
        ? error.code
        : status === 413
          ? 'too_large'
          : status < 500
            ? 'bad_request'
            : 'internal';
    const message =
      error instanceof AppError
        ? error.message
        : status === 413
          ? 'What you sent is too large.'
          : status < 500
            ? 'We could not read that request.'
            : 'Something went wrong on our side. Your text has not been lost: please go back and try again.';
    if (status >= 500) {
      logger.error({ err: error, reqId: req.id, path: req.path }, 'request failed');
    } else {
      logger.info({ code, reqId: req.id, path: req.path }, 'request rejected');
    }
    if (error instanceof AppError && status === 429) res.setHeader('Retry-After', '60');
    if (wantsJson(req.path, req.headers.accept)) {
      const field = error instanceof ValidationError ? error.field : undefined;
      const fields = error instanceof ValidationError ? error.fields : undefined;
      res.status(status).json({ error: { code, message, ...(field ? { field, fields } : {}) } });
      return;
    }
    res
      .status(status)
      .render('errors/error', { title: status >= 500 ? 'Sorry' : 'There is a problem', message, status });
  };
}
