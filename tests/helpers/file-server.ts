/**
 * A stand-in for a publisher's file server on 127.0.0.1 (random port): answers each GET with what
 * `answer(path)` gives, or 404 when it gives nothing, and records the paths asked for.
 *
 *   const server = await startFileServer((p) => (p === '/a.txt' ? { body: 'a' } : undefined));
 *   ... fetch(`${server.url}/a.txt`) ...; await server.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileAnswer {
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface FileServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** The paths asked for, in order. */
  requested: string[];
  close(): Promise<void>;
}

export async function startFileServer(
  answer: (urlPath: string) => FileAnswer | undefined | Promise<FileAnswer | undefined>,
): Promise<FileServer> {
  const requested: string[] = [];
  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://stand-in').pathname;
    requested.push(urlPath);
    void Promise.resolve(answer(urlPath)).then(
      (found) => {
        if (found) res.writeHead(200, found.headers ?? {}).end(found.body);
        else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
