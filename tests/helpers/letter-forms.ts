/**
 * A writer's steps through the letter forms, as a browser takes them: the write page's members, saving
 * letters, asking for the confirmation email, reading its link and pressing the page's button. A client
 * is `request(app)` with the session's cookie, or `request.agent(...)`, which keeps its own cookies.
 */
import request from 'supertest';
import { ADDRESS, SENDER } from './sender';

export type Client = ReturnType<typeof request>;

/** The CSRF token for the forms, and the cookie to send it with (none for an agent that keeps it). */
export interface FormSession {
  token: string;
  cookie?: string;
  /** The client's address as X-Forwarded-For, for an app that trusts it (TRUST_PROXY). */
  from?: string;
}

function postForm(client: Client, session: FormSession, url: string, form: object) {
  const post = client.post(url);
  if (session.cookie) post.set('Cookie', session.cookie);
  if (session.from) post.set('X-Forwarded-For', session.from);
  return post.type('form').send({ _csrf: session.token, ...form });
}

/** The write page for `address`: its HTML, the members it offers, and its forms' CSRF token. */
export async function openWritePage(
  client: Client,
  address = ADDRESS,
): Promise<{ html: string; members: string[]; token: string }> {
  const page = await client.get('/campaigns/stop-csam/write').query({ address }).expect(200);
  return {
    html: page.text,
    members: [...page.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!),
    token: /name="_csrf" value="([^"]*)"/.exec(page.text)?.[1] ?? '',
  };
}

/** Saves letters as SENDER at ADDRESS, with `form` added or replacing; returns the batch page's path. */
export async function saveLetters(client: Client, session: FormSession, form: object): Promise<string> {
  const saved = await postForm(client, session, '/campaigns/stop-csam/letters', {
    ...SENDER,
    address: ADDRESS,
    ...form,
  }).expect(303);
  return saved.headers.location as string;
}

/** Asks for the batch's confirmation email ('email': send the letters; 'verify': only count them). */
export async function askForConfirmation(
  client: Client,
  session: FormSession,
  batchUrl: string,
  kind: 'email' | 'verify' = 'email',
): Promise<void> {
  await postForm(client, session, `${batchUrl}/${kind}`, {}).expect(303);
}

/** The confirmation link's path in an email's text. */
export function confirmationPath(text: string | undefined): string {
  const link = /https?:\/\/[^/\s]+(\/letters\/confirm\/[\w-]+)/.exec(text ?? '')?.[1];
  if (!link) throw new Error('no confirmation link in the email');
  return link;
}

/** Presses the confirmation page's button, with `form` (the replies box) as the person fills it. */
export async function pressConfirm(
  client: Client,
  session: FormSession,
  path: string,
  form: object = {},
): Promise<void> {
  await postForm(client, session, path, form).expect(303);
}
