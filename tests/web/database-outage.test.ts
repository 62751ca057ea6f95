/**
 * PostgreSQL going away and coming back, for real: the app talks to the database through a TCP proxy on
 * 127.0.0.1 that the test closes and reopens. Also: rate limits shared by two instances through the database.
 */
import net from 'node:net';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestPostgres, describePostgres, type TestPostgres } from '../helpers/postgres';

class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const proxy = new TcpProxy(port, target);
    await proxy.open();
    return proxy;
  }

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server.listen(this.port, '127.0.0.1');
    await new Promise((r) => this.server!.once('listening', r));
  }

  /** The database "goes down": every connection is cut and new ones are refused. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }
}

describePostgres('PostgreSQL outages and shared state', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await createTestPostgres();
  });
  afterAll(async () => {
    await pg?.drop();
  });

  describe('when PostgreSQL goes down and comes back', () => {
    test('then database pages answer 503 kindly, the lookup keeps working, and work resumes without a restart', async () => {
      const target = new URL(pg.url);
      const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
      const viaProxy = new URL(pg.url);
      viaProxy.port = String(proxy.port);
      // Rate limits on, as deployed: their counters live in PostgreSQL too, and must not take the lookup down.
      const t: TestApp = await createTestApp({ DATABASE_URL: viaProxy.toString() });
      try {
        await request(t.app).get('/api/campaigns/stop-csam/stats').expect(200);
        await proxy.close();

        const stats = await request(t.app).get('/api/campaigns/stop-csam/stats').expect(503);
        expect(stats.body.error.message).not.toMatch(/ECONNREFUSED|stack|at /);
        const page = await request(t.app).get('/campaigns/stop-csam/progress').expect(503);
        expect(page.text).toContain('<main');
        await request(t.app).get('/readyz').expect(503);
        const lookup = await request(t.app).get('/api/representatives').query({ zip: '80202' }).expect(200);
        expect(lookup.body.members.length).toBe(3);
        await request(t.app).get('/').expect(200);

        await proxy.open();
        await request(t.app).get('/api/campaigns/stop-csam/stats').expect(200);
        await request(t.app).get('/readyz').expect(200);
      } finally {
        await t.close();
        await proxy.close();
      }
    });
  });

  describe('when two instances share PostgreSQL', () => {
    test('then a client’s lookups count against one shared rate limit', async () => {
      const a = await createTestApp({ DATABASE_URL: pg.url });
      const b = await createTestApp({ DATABASE_URL: pg.url });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 60; i++) {
          const app = i % 2 === 0 ? a.app : b.app;
          statuses.push((await request(app).get('/api/representatives').query({ zip: '80202' })).status);
        }
        expect(statuses.every((s) => s === 200)).toBe(true);
        const limited = await request(a.app).get('/api/representatives').query({ zip: '80202' }).expect(429);
        expect(limited.body.error.code).toBe('rate_limited');
        await request(b.app).get('/api/representatives').query({ zip: '80202' }).expect(429);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
