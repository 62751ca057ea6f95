/**
 * The real app with email delivery into a local SMTP server, and a CSRF session for its forms: the setup of
 * route tests that follow letters through the outbox.
 */
import request from 'supertest';
import { csrfSession } from '../web/security-helpers';
import { createTestApp, type TestApp } from './app';
import { askForConfirmation, confirmationPath, pressConfirm } from './letter-forms';
import { SmtpSink } from './smtp-sink';

export interface EmailTestApp {
  sink: SmtpSink;
  t: TestApp;
  csrf: { cookie: string; token: string };
  close(): Promise<void>;
}

/** Starts one for the test file (beforeAll) and closes it (afterAll); read its fields inside tests. */
export function useEmailTestApp(): EmailTestApp {
  const app = {} as EmailTestApp;
  beforeAll(async () => {
    Object.assign(app, await startEmailTestApp());
  });
  afterAll(() => app.close());
  return app;
}

export async function startEmailTestApp(): Promise<EmailTestApp> {
  const sink = await SmtpSink.start();
  const t = await createTestApp({
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
  });
  const csrf = await csrfSession(t.app);
  return {
    sink,
    t,
    csrf,
    close: async () => {
      await t.close();
      await sink.stop();
    },
  };
}

/**
 * Asks for a saved batch to be emailed and presses the confirmation email's button, as the writer does;
 * returns the confirmation email. The letters are then queued: the caller runs the worker when it wants.
 */
export async function emailAndConfirmBatch(app: EmailTestApp, batchUrl: string) {
  const client = request(app.t.app);
  const before = app.sink.messages.length;
  await askForConfirmation(client, app.csrf, batchUrl);
  while ((await app.t.runtime.worker.runOnce()) > 0);
  const confirmation = (await app.sink.waitForMessages(before + 1))[before]!;
  const link = confirmationPath(confirmation.parsed.text);
  // The link opens a page; its button confirms (src/web/handlers/letters.ts).
  await client.get(link).expect(200);
  await pressConfirm(client, app.csrf, link);
  return confirmation;
}
