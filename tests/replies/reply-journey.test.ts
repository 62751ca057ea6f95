/**
 * "Did they answer?" from start to end, driven by the clock: a writer ticks the box when confirming, the
 * letters are delivered, 14 days later one email asks, the writer answers (a reply with a stance, and a
 * "no reply yet"), 28 days later one reminder asks about the "no reply yet", and 14 days after that the
 * question closes. On SQLite with one instance; on PostgreSQL with two instances sharing the database,
 * each running the schedule and an outbox worker at the same time: every email arrives once, never twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestPostgres, describePostgres, type TestPostgres } from '../helpers/postgres';
import {
  askForConfirmation,
  confirmationPath,
  openWritePage,
  pressConfirm,
  saveLetters,
} from '../helpers/letter-forms';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';
import { csrfSession } from '../web/security-helpers';

jest.setTimeout(120_000);
const DAY = 24 * 60 * 60 * 1000;

interface Instances {
  apps: TestApp[];
  sink: SmtpSink;
  /** Renewed after each jump of the clock: CSRF tokens expire with time (src/web/csrf.ts). */
  csrf: { cookie: string; token: string };
}

async function startInstances(database: Record<string, string>, count: 1 | 2): Promise<Instances> {
  const sink = await SmtpSink.start();
  const env = {
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'https://letters.example.org',
    APP_SECRET: 'reply-journey-test-secret-0123456789abcdef',
    ...database,
  };
  // One after the other: the second finds the migrations applied.
  const apps = [await createTestApp(env)];
  if (count === 2) apps.push(await createTestApp(env));
  const csrf = await csrfSession(apps[0]!.app);
  return { apps, sink, csrf };
}

async function setClocks(inst: Instances, at: Date): Promise<void> {
  for (const a of inst.apps) a.clock.set(at);
  const fresh = await csrfSession(inst.apps[0]!.app);
  inst.csrf.cookie = fresh.cookie;
  inst.csrf.token = fresh.token;
}

/** Both instances run the schedule at once, then both workers until nothing is due. */
async function tick(apps: TestApp[]): Promise<Array<{ asked: number; reminded: number; closed: number }>> {
  const runs = await Promise.all(apps.map((a) => a.runtime.replies.runSchedule()));
  for (let i = 0; i < 20; i++) {
    const sent = await Promise.all(apps.map((a) => a.runtime.worker.runOnce()));
    if (sent.every((n) => n === 0)) break;
  }
  return runs;
}

function replyEmails(sink: SmtpSink): ReceivedMail[] {
  return sink.messages.filter(
    (m) => m.envelopeTo.includes('ana@example.org') && (m.parsed.text ?? '').includes('/replies/'),
  );
}

async function walkThrough(inst: Instances): Promise<void> {
  const { apps, sink, csrf } = inst;
  const a = apps[0]!;
  const b = apps[1] ?? a;
  const start = new Date('2026-11-28T12:00:00Z');
  await setClocks(inst, start);

  // Letters written on instance A, the confirmation email asked for there.
  const { members } = await openWritePage(request(a.app));
  expect(members.length).toBe(3);
  const batchUrl = await saveLetters(request(a.app), csrf, { member: members });
  await askForConfirmation(request(a.app), csrf, batchUrl);
  await tick(apps);
  const confirmation = sink.messages.find((m) => /Confirm/.test(m.parsed.subject ?? ''))!;
  const link = confirmationPath(confirmation.parsed.text);

  // The confirm page offers the box, unticked; the writer ticks it on instance B, in Spanish.
  const page = await request(b.app).get(link).expect(200);
  expect(page.text).toMatch(/<input[^>]*id="ask-replies"[^>]*>/);
  expect(/<input[^>]*id="ask-replies"[^>]*>/.exec(page.text)![0]).not.toContain('checked');
  await pressConfirm(request(b.app), csrf, `${link}?lang=es`, { askReplies: 'yes' });
  await tick(apps);
  const delivered = sink.messages.filter((m) => m.envelopeTo.includes('letters@stop-csam.example.org'));
  expect(delivered).toHaveLength(3);

  // Thirteen days later: too early, nothing is asked.
  await setClocks(inst, new Date(start.getTime() + 13 * DAY));
  let runs = await tick(apps);
  expect(runs.reduce((n, r) => n + r.asked, 0)).toBe(0);
  expect(replyEmails(sink)).toHaveLength(0);

  // Fourteen days after delivery: one email, whichever instance asked.
  await setClocks(inst, new Date(start.getTime() + 14 * DAY + 60_000));
  runs = await tick(apps);
  expect(runs.reduce((n, r) => n + r.asked, 0)).toBe(1);
  await tick(apps);
  const asked = replyEmails(sink);
  expect(asked).toHaveLength(1);
  const email = asked[0]!;
  expect(email.parsed.subject).toBe('¿Le respondieron sus legisladores en el Congreso?');
  expect(email.parsed.html).toContain('lang="es"');
  const text = email.parsed.text ?? '';
  const answerLinks = [
    ...text.matchAll(
      /https:\/\/letters\.example\.org(\/replies\/[\w-]+\/[A-Z]\d{6})\?answer=(replied|no_reply)/g,
    ),
  ];
  expect(answerLinks).toHaveLength(6);
  const [senator, other] = [members[0]!, members[1]!];
  const pathFor = (bioguide: string) => answerLinks.find((l) => l[1]!.endsWith(bioguide))![1]!;

  // A link scanner opening every link answers nothing.
  for (const l of answerLinks) await request(a.app).get(`${l[1]}?answer=${l[2]}`).expect(200);
  const overview = pathFor(senator).replace(/\/[A-Z]\d{6}$/, '');
  const before = await request(a.app).get(`${overview}?lang=en`).expect(200);
  expect((before.text.match(/Not answered yet/g) ?? []).length).toBe(3);

  // "They replied": undecided, a form letter. "No reply yet" for the other senator.
  await request(a.app)
    .post(pathFor(senator))
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({
      _csrf: csrf.token,
      answer: 'replied',
      about: 'yes',
      stance: 'undecided',
      form: 'yes',
      note: 'Polite, vague.',
    })
    .expect(303);
  await request(b.app)
    .post(pathFor(other))
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, answer: 'no_reply' })
    .expect(303);
  const after = await request(b.app).get(`${overview}?lang=en`).expect(200);
  expect(after.text).toContain('Your answer: they replied (undecided).');
  expect(after.text).toContain('Your answer: no reply yet.');

  // Four weeks later: one reminder, about the "no reply yet" only.
  await setClocks(inst, new Date(start.getTime() + 42 * DAY + 120_000));
  runs = await tick(apps);
  expect(runs.reduce((n, r) => n + r.reminded, 0)).toBe(1);
  await tick(apps);
  const reminders = replyEmails(sink).slice(1);
  expect(reminders).toHaveLength(1);
  expect(reminders[0]!.parsed.subject).toBe('¿Sigue sin respuesta del Congreso?');
  const reminderLinks = [
    ...(reminders[0]!.parsed.text ?? '').matchAll(/\/replies\/[\w-]+\/([A-Z]\d{6})\?answer=replied/g),
  ];
  expect(reminderLinks.map((l) => l[1])).toEqual([other]);

  // The answer can still change: the reply arrived after all.
  await request(a.app)
    .post(pathFor(other))
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, answer: 'replied', about: 'yes', stance: 'support', form: 'no' })
    .expect(303);

  // Two weeks after the reminder the question closes; answers are final, and no email follows.
  await setClocks(inst, new Date(start.getTime() + 56 * DAY + 180_000));
  runs = await tick(apps);
  expect(runs.reduce((n, r) => n + r.closed, 0)).toBe(1);
  const closed = await request(a.app)
    .post(pathFor(senator))
    .set('Cookie', csrf.cookie)
    .type('form')
    .send({ _csrf: csrf.token, answer: 'no_reply' })
    .expect(409);
  expect(closed.text).toContain('closed');
  await setClocks(inst, new Date(start.getTime() + 120 * DAY));
  await tick(apps);
  expect(replyEmails(sink)).toHaveLength(2);

  // One answer per letter: two answers counted, the second changed from "no reply yet" to "support".
  const rows = await a.runtime.deps.storage.db
    .selectFrom('reply_letters')
    .select(['bioguide', 'answer', 'stance'])
    .orderBy('bioguide')
    .execute();
  expect(rows).toHaveLength(3);
  expect(
    rows
      .filter((r) => r.answer === 'replied')
      .map((r) => r.stance)
      .sort(),
  ).toEqual(['support', 'undecided']);
}

// SQLite serves one instance (its writers queue on a file lock; two in one process would block each other).
describe('on SQLite', () => {
  let inst: Instances;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-replies-'));
    inst = await startInstances({ SQLITE_PATH: path.join(dir, 'replies.sqlite') }, 1);
  });
  afterAll(async () => {
    for (const a of inst.apps) await a.close();
    await inst.sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when a writer ticks the box, then one question, one reminder and the close follow the clock', async () => {
    await walkThrough(inst);
  });
});

describePostgres('on PostgreSQL, two instances', () => {
  let pg: TestPostgres | undefined;
  let inst: Instances | undefined;
  beforeAll(async () => {
    pg = await createTestPostgres();
    inst = await startInstances({ DATABASE_URL: pg.url }, 2);
  });
  afterAll(async () => {
    for (const a of inst?.apps ?? []) await a.close();
    await inst?.sink.stop();
    await pg?.drop();
  });

  test('when a writer ticks the box, then one question, one reminder and the close follow the clock', async () => {
    await walkThrough(inst!);
  });
});
