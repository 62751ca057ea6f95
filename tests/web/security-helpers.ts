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
