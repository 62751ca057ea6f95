/**
 * web/request-log: the request id (`X-Request-Id`, `req.id`) and one log line per finished request, in
 * pino-http's shape (`req: { id, method, path }`, `res: { statusCode }`, `responseTime`, "request
 * completed" / "request aborted"; "request errored" at error level for a 5xx). Leaner than pino-http,
 * which builds a child logger (serialising and redacting the request) for every request even when the
 * line is never written: here the line is built only when its level is enabled.
 */
import type { RequestHandler, Request, Response } from 'express';
import type { Logger } from '../platform/logger';
import { newId } from '../platform/ids';

export interface RequestLogOptions {
  /** The path as it may appear in a log (no query string, no capability ids). */
  redactPath(url: string): string;
  /** Requests that get an id but no log line (probes, static files). */
  ignore?(req: Request): boolean;
}

export function requestLogger(logger: Logger, options: RequestLogOptions): RequestHandler {
  function log(req: Request, res: Response, started: number): void {
    const failed = res.statusCode >= 500;
    const level = failed ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const line = {
      req: { id: req.id, method: req.method, path: options.redactPath(req.originalUrl ?? req.url) },
      res: { statusCode: res.statusCode },
      ...(failed ? { err: new Error(`failed with status code ${res.statusCode}`) } : {}),
      responseTime: Date.now() - started,
    };
    if (failed) logger.error(line, 'request errored');
    else logger.info(line, res.writableEnded ? 'request completed' : 'request aborted');
  }

  return (req, res, next) => {
    const id = newId();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (!options.ignore?.(req)) {
      const started = Date.now();
      // A response emits 'close' once, after 'finish' or when the connection went away first.
      res.once('close', () => log(req, res, started));
    }
    next();
  };
}

declare module 'node:http' {
  interface IncomingMessage {
    /** Set by requestLogger for every request; sent back as X-Request-Id and written in its log lines. */
    id: string;
  }
}
