/**
 * web/request-log: pino-http. Every request gets an id (`req.id`, sent back as `X-Request-Id`) and one
 * log line when it ends: `req: { id, method, url }`, `res: { statusCode }`, `responseTime`; at error level
 * for a 5xx. The line holds no headers (cookies never reach a log) and a redacted URL: no query string
 * (addresses travel in it) and no capability ids (letter, batch and confirmation ids open a person's
 * letters), whatever route they appear in.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { redactPath, type Logger } from '../platform/logger';

/** Probes and static files get an id but no line. */
function quiet(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === '/healthz' || url.startsWith('/static/');
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: quiet },
    // Lines logged through `req.log` carry the request id only, not the request again.
    quietReqLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactPath(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
