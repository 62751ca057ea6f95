/**
 * Helpers for the attack replays in tests/security: an app whose clients are told apart by
 * X-Forwarded-For (TRUST_PROXY), so one test can play several source addresses, and the few requests an
 * attacker strings together (save letters, read the public numbers, read a confirmation link).
 */
import type { Express } from 'express';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { askForConfirmation, confirmationPath, saveLetters as saveLettersAs } from '../helpers/letter-forms';
import { ADDRESS, SENDER } from '../helpers/sender';
import { SmtpSink } from '../helpers/smtp-sink';
import { csrfSession } from '../web/security-helpers';

export type Session = Awaited<ReturnType<typeof csrfSession>>;

/** An app that trusts X-Forwarded-For, so each test request can come from its own address. */
export function createAttackedApp(env: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({ TRUST_PROXY: 'true', ...env });
}

/** How many letters the app's database holds. */
export async function letterCount(t: TestApp): Promise<number> {
  const row = await t.runtime.deps.storage.db
    .selectFrom('letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The members the test address writes to (the compose page's checkboxes). */
export async function membersFor(app: Express): Promise<string[]> {
  const compose = await request(app)
    .get('/campaigns/stop-csam/write')
    .query({ address: ADDRESS })
    .set('X-Forwarded-For', '198.51.100.250')
    .expect(200);
  return [...compose.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
}

/** Saves a batch of letters as `email` from `ip`; returns the batch page's path. */
export function saveLetters(
  app: Express,
  session: Session,
  members: string[],
  options: { email: string; ip: string; name?: string },
): Promise<string> {
  return saveLettersAs(
    request(app),
    { ...session, from: options.ip },
    { name: options.name ?? SENDER.name, email: options.email, member: members },
  );
}

/** The public numbers: the JSON total and "reported by writers", and the home page's total. */
export async function publicNumbers(app: Express): Promise<{ total: number; reported: number }> {
  const stats = await request(app).get('/api/campaigns/stop-csam/stats').expect(200);
  return { total: stats.body.total as number, reported: stats.body.reportedByWriters as number };
}

/** The confirmation link (a path) in the newest email to `to`. */
export function confirmationLink(sink: SmtpSink, to: string): string {
  return confirmationPath([...sink.messages].reverse().find((m) => m.envelopeTo.includes(to))?.parsed.text);
}

export { csrfSession };

/**
 * Asks for the confirmation email of a batch ('email': send the letters; 'verify': only count them), lets
 * the outbox worker send it, and returns the link's path.
 */
export async function requestConfirmationLink(
  t: TestApp,
  sink: SmtpSink,
  session: Session,
  batchUrl: string,
  to: string,
  kind: 'email' | 'verify' = 'email',
): Promise<string> {
  await askForConfirmation(request(t.app), session, batchUrl, kind);
  await t.runtime.worker.runOnce();
  await sink.waitUntil(
    () => sink.messages.some((m) => m.envelopeTo.includes(to)),
    10_000,
    `an email to ${to}`,
  );
  return confirmationLink(sink, to);
}

export interface MailedApp {
  t: TestApp;
  sink: SmtpSink;
  session: Session;
  close(): Promise<void>;
}

/** An attacked app that sends its email to a local SMTP sink, and a visitor's CSRF session. */
export async function startMailedApp(env: Record<string, string> = {}): Promise<MailedApp> {
  const sink = await SmtpSink.start();
  const t = await createAttackedApp({ SMTP_URL: sink.url, ...env });
  return {
    t,
    sink,
    session: await csrfSession(t.app),
    async close() {
      await t.close();
      await sink.stop();
    },
  };
}
