/**
 * web/turns: page requests take turns, `perTurn` per turn of the event loop (one in the app), first
 * come first served.
 *
 * Why: since libuv 1.45 (libuv pull request #3696, in every Node.js since 20) a listening socket accepts
 * ONE new connection per turn of the event loop. A turn runs every request whose bytes have arrived, so
 * at 100 busy connections and 0.5-1 ms of CPU per page a turn lasts 50-100 ms, and a burst of new
 * connections waits in the kernel's accept queue, one per turn: 100 connections opened at once took
 * 2.4-3.9 s to be accepted (strace: one accept4 per turn). Those visitors see a page after seconds while
 * everyone already connected is served in 50 ms. Running the page work from a queue, `perTurn` requests
 * per turn, keeps turns to about a millisecond, so new connections are accepted within ~100 ms of
 * arriving, and waiting requests are still served in arrival order. The JSON API and health probes are
 * mounted before this and answer at once: they cost tens of microseconds.
 *
 * A burst of new connections (a campaign email goes out; a load generator starts) still meets the
 * one-per-turn accept: at one page per turn, the hundredth visitor is accepted a hundred pages later, then
 * waits behind the hundred requests already queued. So a turn in which a connection was accepted is
 * followed by a turn without page work, which only accepts and reads, until no more arrive; at most
 * `maxEmptyTurns` in a row, so pages keep being served during a flood of new connections.
 *
 * A request whose client has already gone (closed tab, load generator stopped) is dropped from the
 * queue without running: under overload that is work nobody would see.
 */
import type { EventEmitter } from 'node:events';
import type { NextFunction, Request, RequestHandler } from 'express';

interface Waiting {
  req: Request;
  next: NextFunction;
}

/** First in, first out, without Array#shift's copying when thousands wait. */
class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export interface RequestTurns {
  middleware: RequestHandler;
  /** Requests waiting for their turn (read by the tests). */
  readonly waiting: number;
}

export interface RequestTurnOptions {
  /** Requests started per turn. */
  perTurn: number;
  /** Turns in a row without page work while new connections keep being accepted (default 16). */
  maxEmptyTurns?: number;
}

export function createRequestTurns(options: RequestTurnOptions): RequestTurns {
  const queue = new Fifo<Waiting>();
  const maxEmptyTurns = options.maxEmptyTurns ?? 16;
  const watchedServers = new WeakSet<EventEmitter>();
  let scheduled = false;
  let acceptedSinceTurn = false;
  let emptyTurns = 0;

  function noteConnection(): void {
    acceptedSinceTurn = true;
  }

  /** The server a request came through (net.Server sets `socket.server`), watched for new connections. */
  function watchServerOf(req: Request): void {
    const server = (req.socket as { server?: unknown }).server as EventEmitter | undefined;
    if (!server || typeof server.on !== 'function' || watchedServers.has(server)) return;
    watchedServers.add(server);
    server.on('connection', noteConnection);
  }

  function runTurn(): void {
    scheduled = false;
    if (acceptedSinceTurn && emptyTurns < maxEmptyTurns) {
      acceptedSinceTurn = false;
      emptyTurns += 1;
      schedule();
      return;
    }
    acceptedSinceTurn = false;
    emptyTurns = 0;
    let started = 0;
    while (started < options.perTurn) {
      const item = queue.take();
      if (!item) break;
      if (item.req.socket.destroyed) continue;
      started += 1;
      item.next();
    }
    if (queue.size > 0) schedule();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after this turn's input has been read (and a connection possibly accepted); an
    // idle server runs the request in the same turn it arrived.
    setImmediate(runTurn);
  }

  return {
    middleware: (req, _res, next) => {
      watchServerOf(req);
      queue.push({ req, next });
      schedule();
    },
    get waiting() {
      return queue.size;
    },
  };
}
