import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import express, { type Request } from 'express';
import { createRequestTurns, type RequestTurnOptions } from '../../src/web/turns';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function fakeRequest(destroyed = false): Request {
  return { socket: { destroyed } } as unknown as Request;
}

describe('createRequestTurns', () => {
  it('starts perTurn requests per event-loop turn, in arrival order', async () => {
    const turns = createRequestTurns({ perTurn: 2 });
    const started: number[] = [];
    for (let i = 0; i < 5; i++) turns.middleware(fakeRequest(), {} as never, () => started.push(i));
    expect(started).toEqual([]);
    expect(turns.waiting).toBe(5);
    await nextTurn();
    expect(started).toEqual([0, 1]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(turns.waiting).toBe(0);
  });

  it('drops requests whose client has gone, without counting them against the turn', async () => {
    const turns = createRequestTurns({ perTurn: 1 });
    const started: string[] = [];
    turns.middleware(fakeRequest(true), {} as never, () => started.push('gone'));
    turns.middleware(fakeRequest(), {} as never, () => started.push('here'));
    await nextTurn();
    expect(started).toEqual(['here']);
    expect(turns.waiting).toBe(0);
  });

  it('keeps order across thousands of waiting requests', async () => {
    const turns = createRequestTurns({ perTurn: 500 });
    const started: number[] = [];
    for (let i = 0; i < 3000; i++) turns.middleware(fakeRequest(), {} as never, () => started.push(i));
    while (turns.waiting > 0) await nextTurn();
    expect(started).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

/**
 * The reason for the turns: libuv accepts one connection per event-loop turn. Twenty requests that each
 * take 3 ms of CPU are waiting when five new visitors connect at once; this counts how many of the twenty
 * were served before the server had accepted all five.
 */
async function servedBeforeNewConnectionAccepted(turns?: RequestTurnOptions): Promise<number> {
  const app = express();
  if (turns) app.use(createRequestTurns(turns).middleware);
  let served = 0;
  app.get('/work', (_req, res) => {
    const until = performance.now() + 3;
    while (performance.now() < until); // CPU-bound work, as a page render is
    served += 1;
    res.type('text').send('done');
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  let connections = 0;
  let servedAtNewConnection = -1;
  const allConnected = new Promise<void>((resolve) =>
    server.on('connection', () => {
      connections += 1;
      if (connections === 20) resolve();
      if (connections === 25) servedAtNewConnection = served;
    }),
  );
  const clients = Array.from({ length: 20 }, () => net.connect(port, '127.0.0.1'));
  // Both ends connected: a client socket still connecting would hold its request back.
  await Promise.all([
    allConnected,
    ...clients.map((c) => new Promise((resolve) => c.once('connect', resolve))),
  ]);
  let answered = 0;
  const allAnswered = new Promise<void>((resolve) => {
    for (const client of clients)
      client.on('data', () => {
        answered += 1;
        if (answered === 20) resolve();
      });
  });
  // All twenty requests reach the server's sockets, then five new visitors connect, before the server's
  // event loop runs again.
  for (const client of clients) client.write('GET /work HTTP/1.1\r\nHost: test\r\n\r\n');
  const newcomers = Array.from({ length: 5 }, () => net.connect(port, '127.0.0.1'));
  await allAnswered;
  while (connections < 25) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const client of [...clients, ...newcomers]) client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return servedAtNewConnection;
}

describe('page requests taking turns', () => {
  it('accepts a burst of new connections before serving the requests already waiting', async () => {
    expect(await servedBeforeNewConnectionAccepted({ perTurn: 1 })).toBeLessThanOrEqual(1);
  });

  it('without the empty turns after an accept, takes one page per connection of the burst', async () => {
    const served = await servedBeforeNewConnectionAccepted({ perTurn: 1, maxEmptyTurns: 0 });
    expect(served).toBeGreaterThanOrEqual(2);
    expect(served).toBeLessThanOrEqual(6);
  });

  it('(the problem it solves) without turns, new connections wait for every ready request', async () => {
    expect(await servedBeforeNewConnectionAccepted()).toBe(20);
  });
});

describe('empty turns after an accept', () => {
  it('are bounded, so waiting pages are served during a flood of new connections', async () => {
    const turns = createRequestTurns({ perTurn: 1, maxEmptyTurns: 3 });
    const server = new EventEmitter();
    const started: number[] = [];
    const request = { socket: { destroyed: false, server } } as unknown as Request;
    for (let i = 0; i < 3; i++) turns.middleware(request, {} as never, () => started.push(i));
    // A connection accepted before every turn: three empty turns, then one page, then three empty again.
    for (let turn = 0; turn < 8; turn++) {
      server.emit('connection');
      await nextTurn();
    }
    expect(started).toEqual([0, 1]);
  });
});
