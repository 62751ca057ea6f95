/**
 * web/error-handler: the one place where errors become HTTP responses. AppErrors carry their status and
 * a message safe to show; anything else is logged with the request id and shown as a plain apology.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ValidationError } from '../platform/errors';
import type { Logger } from '../platform/logger';

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

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
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
