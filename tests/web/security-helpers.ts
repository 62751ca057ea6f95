/**
 * CSRF helpers for route tests: a Supertest agent that keeps the CSRF cookie, and the token from a page.
 */
import type { Express } from 'express';
import request from 'supertest';

/** The `_csrf` value written into a page's forms by the `{{> csrf}}` partial. */
export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** An agent holding the CSRF cookie, and the token to send with its forms (`_csrf`) or API calls. */
export async function csrfSession(
  app: Express,
  path = '/',
): Promise<{ agent: ReturnType<typeof request.agent>; token: string; cookie: string }> {
  const agent = request.agent(app);
  const page = await agent.get(path).expect(200);
  // The token is the cookie's value (double submit), so any page works, with or without a form.
  const cookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => /^(__Host-)?dc\.csrf=/.test(c));
  if (!cookie) throw new Error('no CSRF cookie set');
  const pair = cookie.split(';')[0]!;
  // `cookie` is for `.set('Cookie', ...)`: the agent will not send a Secure (https) cookie over http.
  return { agent, token: decodeURIComponent(pair.slice(pair.indexOf('=') + 1)), cookie: pair };
}

/**
 * An organiser signed in to /admin with the token: `cookies` carries the CSRF cookie and the session,
 * `csrfCookie` the CSRF cookie alone, `token` the CSRF token for forms.
 */
export async function adminSession(
  app: Express,
  adminToken: string,
): Promise<{ cookies: string; csrfCookie: string; token: string }> {
  const session = await csrfSession(app, '/admin');
  const login = await request(app)
    .post('/admin/login')
    .set('Cookie', session.cookie)
    .type('form')
    .send({ _csrf: session.token, token: adminToken })
    .expect(303);
  const adminCookie = ([] as string[])
    .concat(login.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('dc_admin='))!
    .split(';')[0]!;
  return { cookies: `${session.cookie}; ${adminCookie}`, csrfCookie: session.cookie, token: session.token };
}
