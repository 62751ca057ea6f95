/**
 * Exact counts under concurrency, through the HTTP routes: 1,000 letters submitted at once from parallel
 * requests give exactly 1,000 on SQLite and on PostgreSQL; the same sender writing twice counts once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { LISTEN_BACKLOG } from '../../src/web/app';
import { createTestApp, fromManyClients, type TestApp } from '../helpers/app';
import { createTestPostgres, describeEachStorage, type TestPostgres } from '../helpers/postgres';

jest.setTimeout(180_000);
const LETTERS = 1000;

async function withApp(
  kind: 'sqlite' | 'postgres',
  run: (t: TestApp, base: string) => Promise<void>,
): Promise<void> {
  let pg: TestPostgres | undefined;
  if (kind === 'postgres') {
    pg = await createTestPostgres();
  }
  const t = await createTestApp({ TRUST_PROXY: 'loopback', ...(pg ? { DATABASE_URL: pg.url } : {}) });
  // The server's own accept queue: 1,000 connections arrive at once (src/web/app.ts, LISTEN_BACKLOG),
  // from 1,000 writers (the per-client limits as deployed).
  const server = http
    .createServer(fromManyClients(t.app))
    .listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
  await new Promise((r) => server.once('listening', r));
  try {
    await run(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((r) => server.close(r));
    await t.close();
    await pg?.drop();
  }
}

describeEachStorage('on %s', (kind) => {
  test('when 1,000 letters are submitted at once, then the campaign counts exactly 1,000 saved letters', async () => {
    await withApp(kind, async (t, base) => {
      const agent = request.agent(base);
      const address = '100 Main St, Springfield, IL 62704';
      const compose = await agent.get('/campaigns/stop-csam/write').query({ address }).expect(200);
      const csrf = /name="_csrf" value="([^"]*)"/.exec(compose.text)?.[1] ?? '';
      const member = /name="member" value="([A-Z]\d{6})"/.exec(compose.text)![1]!;
      const form = (n: number) => ({
        _csrf: csrf,
        // Names are letters only (src/letters/letter.ts): the number spelled in letters a-j.
        name: `Writer ${[...String(n)].map((d) => String.fromCharCode(97 + Number(d))).join('')}`,
        email: `writer${n}@example.org`,
        street: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        zip: '62704',
        address,
        member,
      });
      // Saved letters are not in the public API (only verified ones are): read the campaign's counters.
      const saved = async () => {
        t.runtime.deps.stats.invalidate('stop-csam');
        return (await t.runtime.deps.stats.getCampaignStats('stop-csam')).byChannel.created;
      };
      const before = await saved();
      // allSettled, not all: every submission has finished (or failed) before anything is asserted, so
      // none of them is still committing when the next test counts.
      const outcomes = await Promise.allSettled(
        Array.from({ length: LETTERS }, (_, n) =>
          agent
            .post('/campaigns/stop-csam/letters')
            .type('form')
            .send(form(n))
            .then((r) => r.status),
        ),
      );
      const failures = outcomes.flatMap((o): Array<string | number> =>
        o.status === 'rejected' ? [String(o.reason)] : o.value === 303 ? [] : [o.value],
      );
      expect(failures).toEqual([]);
      // The same sender (email in another case, with a +tag) writing to the same member again counts once.
      await agent
        .post('/campaigns/stop-csam/letters')
        .type('form')
        .send({ ...form(7), email: 'Writer7+again@Example.org' })
        .expect(303);
      // Saved letters are counted per sender and member ('created'); the public total waits for a
      // confirmed email (tests/security).
      expect((await saved()) - before).toBe(LETTERS);
      const rows = await t.runtime.deps.storage.db
        .selectFrom('letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(LETTERS + 1);
    });
  });
});
