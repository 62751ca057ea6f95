/**
 * web/error-handler: the one place where errors become HTTP responses. AppErrors carry their status and
 * what to tell the person (a catalogue key and values): pages show it in the person's language, the JSON
 * API in English with the error's `code`. Anything else is logged with the request id and shown as a
 * plain apology.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  AppError,
  BusyError,
  fieldErrorsFromZod,
  UnavailableError,
  type FieldErrors,
  ValidationError,
} from '../platform/errors';
import { englishText, type Message } from '../platform/messages';
import { redactPath, type Logger } from '../platform/logger';
import { ZodError } from 'zod';

/** The path without its query or capability ids (a batch id opens a person's name and street). */
function loggedPath(req: Request): string {
  return redactPath(req.originalUrl ?? req.url);
}

/**
 * The JSON API, or a client that asks for JSON or sends it: it is answered in JSON (errors, refused forms)
 * rather than with a page.
 */
export function wantsJson(req: Request): boolean {
  return (
    req.path.startsWith('/api/') ||
    (req.headers.accept ?? '').startsWith('application/json') ||
    Boolean(req.is('application/json'))
  );
}

/** A text in the page's language; English before the language middleware ran (probes, the lookup API). */
function pageText(req: Request, key: string): string {
  return typeof req.t === 'function' ? req.t(key) : englishText({ key });
}

export const notFoundHandler: RequestHandler = (req, res) =>
  sendError(req, res, { status: 404, code: 'not_found', message: { key: 'errors.notFound' } });

/**
 * The error as JSON (the API answers in English, field messages included) or as the error page, in the
 * person's language.
 */
function sendError(
  req: Request,
  res: Response,
  error: { status: number; code: string; message: Message; fields?: FieldErrors; titleKey?: string },
): void {
  const { status, code, message, fields = {} } = error;
  if (wantsJson(req)) {
    const field = Object.keys(fields)[0];
    const body = {
      code,
      message: englishText(message),
      ...(field
        ? { field, fields: Object.fromEntries(Object.entries(fields).map(([k, m]) => [k, englishText(m)])) }
        : {}),
    };
    res.status(status).json({ error: body });
    return;
  }
  const titleKey =
    error.titleKey ??
    (status >= 500 ? 'errors.serverTitle' : status === 404 ? 'errors.notFoundTitle' : 'errors.problemTitle');
  res.status(status).render('errors/error', { title: pageText(req, titleKey), message, status });
}

const UNAVAILABLE_CODES = new Set([
  // The network: refused, reset, timed out, or the host not found.
  ...['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'],
  // PostgreSQL: the server shutting down or starting (57P0x), a connection exception (class 08).
  ...['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'],
  // SQLite: the file locked, unopenable, full or read-only.
  ...['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_PROTOCOL'],
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

/** An error that is not an AppError, as one: a database that is down, a Zod parse, a body-parser error. */
function asAppError(caught: unknown): AppError | undefined {
  if (caught instanceof AppError) return caught;
  // A database that is down is a 503 with a friendly message (lookups keep working without it).
  if (isUnavailableError(caught))
    return new UnavailableError('messages.serviceUnavailable', { cause: caught });
  // Request input that a route parsed with `.parse` (query or form): the client's mistake.
  if (caught instanceof ZodError) {
    return new ValidationError('messages.sentInvalid', { fields: fieldErrorsFromZod(caught), cause: caught });
  }
  return undefined;
}

/** Body-parser and similar middleware errors carry a status; a 4xx one is the client's mistake. */
function clientStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (caught: unknown, req, res, next) => {
    const appError = asAppError(caught);
    if (res.headersSent) {
      next(appError ?? caught);
      return;
    }
    const otherStatus = clientStatus(caught);
    const status = appError?.status ?? otherStatus ?? 500;
    const code = appError?.code ?? (status === 413 ? 'too_large' : status < 500 ? 'bad_request' : 'internal');
    const message: Message = appError?.userMessage ?? {
      key: status === 413 ? 'messages.tooLarge' : status < 500 ? 'messages.requestNotRead' : 'errors.server',
    };
    if (status >= 500 && !(appError instanceof BusyError)) {
      logger.error({ err: appError ?? caught, reqId: req.id, path: loggedPath(req) }, 'request failed');
    } else {
      logger.info({ code, reqId: req.id, path: loggedPath(req) }, 'request rejected');
    }
    if (appError && status === 429 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', '60');
    if (appError instanceof BusyError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    sendError(req, res, {
      status,
      code,
      message,
      fields: appError instanceof ValidationError ? appError.fields : {},
      titleKey: appError instanceof BusyError ? appError.titleKey : undefined,
    });
  };
}
