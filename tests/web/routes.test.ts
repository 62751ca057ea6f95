import express, { type Response } from 'express';
import request from 'supertest';
import {
  createRouteGuards,
  mountRoutes,
  routeTable,
  type Route,
  type RouteGuards,
  type Stage,
} from '../../src/web/routes';
import { createTestApp, type TestApp } from '../helpers/app';
import { csrfSession } from './security-helpers';

const ADMIN_TOKEN = 'route-table-admin-token-42';
/** The admin routes open to a visitor without a session: the sign-in form, signing in and signing out. */
const OPEN_ADMIN_PATHS = ['/admin', '/admin/login', '/admin/logout'];

let t: TestApp;
let guards: RouteGuards;
let routes: Route[];

beforeAll(async () => {
  t = await createTestApp({ ADMIN_TOKEN });
  guards = createRouteGuards(t.runtime.deps);
  routes = routeTable(t.runtime.deps, guards);
});
afterAll(async () => {
  await t.close();
});

/** A URL that the route's path matches, with every parameter filled in. */
function sampleUrl(path: string): string {
  return path.replace(/:(\w+)/g, (_match, name: string) =>
    name === 'slug' ? 'stop-csam' : `sample-${name}`,
  );
}

/** The stages in the order src/web/app.ts mounts them. */
const STAGES: Stage[] = ['probe', 'api', 'page'];
const label = (route: Route) => `${route.method.toUpperCase()} ${route.path}`;
const isAdmin = (route: Route) => /^\/(api\/)?admin(\/|$)/.test(route.path);

describe('the route table', () => {
  test('when each URL is requested, then the row that lists it answers, never an earlier one', async () => {
    const app = express();
    const answering = routes.map((route, index) => ({
      ...route,
      guards: [],
      handler: (_req: unknown, res: Response) => {
        res.send(String(index));
      },
    }));
    for (const stage of STAGES) mountRoutes(app, answering, stage);
    for (const [index, route] of routes.entries()) {
      const res = await request(app)[route.method](sampleUrl(route.path));
      expect({ route: label(route), answeredBy: res.text }).toEqual({
        route: label(route),
        answeredBy: String(index),
      });
    }
  });

  test('when the table is read top to bottom, then its stages come in the order they are mounted', () => {
    const stages = routes.map((route) => route.stage);
    expect(stages).toEqual([...stages].sort((a, b) => STAGES.indexOf(a) - STAGES.indexOf(b)));
  });

  test('when a route changes something (POST), then its first guard is the CSRF check', () => {
    const posts = routes.filter((route) => route.method === 'post');
    expect(posts.length).toBeGreaterThan(10);
    for (const route of posts) {
      // The JSON preview changes nothing; it checks a token only when one is sent (src/web/csrf.ts).
      const expected =
        route.path === '/api/letters/preview' ? guards.csrf.checkWhenHeaderSent : guards.csrf.check;
      expect({ route: label(route), csrfFirst: route.guards[0] === expected }).toEqual({
        route: label(route),
        csrfFirst: true,
      });
    }
  });

  test('when a route is under /admin or /api/admin, then it needs the admin token set and, past sign-in, a session', () => {
    const admin = routes.filter(isAdmin);
    expect(admin.length).toBeGreaterThan(5);
    for (const route of admin) {
      const needsSession =
        route.guards.includes(guards.admin.required) || route.guards.includes(guards.admin.bearerOrSession);
      expect({
        route: label(route),
        available: route.guards.includes(guards.admin.available),
        needsSession: needsSession || OPEN_ADMIN_PATHS.includes(route.path),
      }).toEqual({ route: label(route), available: true, needsSession: true });
    }
  });

  test('when a route is under /letters or /replies, then its answer is private (no-store, noindex)', () => {
    const personal = routes.filter((route) => /^\/(letters|replies)\//.test(route.path));
    expect(personal.length).toBeGreaterThan(10);
    for (const route of personal) {
      expect({ route: label(route), private: route.guards.includes(guards.private) }).toEqual({
        route: label(route),
        private: true,
      });
    }
  });
});

describe('the guards the table lists, on the running app', () => {
  test('when any POST of the table is sent without a CSRF token, then it is refused with 403', async () => {
    for (const route of routes.filter((r) => r.method === 'post')) {
      const req = request(t.app).post(sampleUrl(route.path)).type('form');
      // The preview is checked only when it sends the header: a wrong one is refused.
      if (route.path === '/api/letters/preview') req.set('x-csrf-token', 'forged');
      const res = await req.send({ token: ADMIN_TOKEN });
      expect({ route: label(route), status: res.status }).toEqual({ route: label(route), status: 403 });
    }
  });

  test('when an admin route that needs a session is asked without one, then it answers 401', async () => {
    const csrf = await csrfSession(t.app);
    const guarded = routes.filter(isAdmin).filter((route) => !OPEN_ADMIN_PATHS.includes(route.path));
    for (const route of guarded) {
      const res =
        route.method === 'post'
          ? await request(t.app)
              .post(sampleUrl(route.path))
              .set('Cookie', csrf.cookie)
              .type('form')
              .send({ _csrf: csrf.token, campaign: 'stop-csam' })
          : await request(t.app).get(sampleUrl(route.path));
      expect({ route: label(route), status: res.status }).toEqual({ route: label(route), status: 401 });
    }
  });
});
