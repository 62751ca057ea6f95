/**
 * The email channel wired from a Config, as bootstrap.ts will: the worker is started, woken by the
 * service after a commit, and stops cleanly. Also checks the service fits the routes' EmailChannel type.
 */
import { createPdfRenderer } from '../../src/delivery/pdf-renderer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createEmailChannel } from '../../src/delivery/email-channel';
import { systemClock } from '../../src/platform/clock';
import { createHandlebars } from '../../src/platform/handlebars';
import { recordAction } from '../../src/tracking/actions';
import type { EmailChannel } from '../../src/web/deps';
import { ManualClock } from '../helpers/clock';
import { SmtpSink } from '../helpers/smtp-sink';
import {
  APP_SECRET,
  campaigns,
  civic,
  insertBatch,
  openTestStorage,
  silentLogger,
  tokenFromText,
} from './email-fixtures';

test('when wired from the config, then a request and a confirmation are delivered without waiting for a poll', async () => {
  const sink = await SmtpSink.start();
  const db = (await openTestStorage('sqlite'))!;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-channel-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    SMTP_URL: sink.url,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://letters.example.org/',
    APP_SECRET,
    MAIL_FROM: 'Letters <letters@campaign.example.org>',
    OUTBOX_POLL_MS: '60000',
  });
  const channel = createEmailChannel({
    config,
    storage: db.storage,
    clock: systemClock,
    logger: silentLogger,
    hbs: createHandlebars(),
    campaigns,
    civic,
    recordAction,
    // Drawn in the test's own thread; the worker thread is tested in pdf-renderer.test.ts.
    pdf: createPdfRenderer({ threads: 0 }),
  });
  const routesView: EmailChannel = channel.service;
  try {
    channel.start();
    const { batchId } = await insertBatch(db.storage, new ManualClock(new Date()));
    await routesView.requestEmailConfirmation({ batchId });
    await sink.waitForMessages(1, 10_000);
    const token = tokenFromText(sink.messages[0]!.parsed.text);
    expect(sink.messages[0]!.parsed.text).toContain(`https://letters.example.org/letters/confirm/${token}`);
    await expect(routesView.confirmBatch(token)).resolves.toMatchObject({ batchId, alreadyConfirmed: false });
    await sink.waitForMessages(5, 10_000);
    const status = await routesView.getBatchStatus(batchId);
    expect(status.letters.every((l) => l.channels.emailed)).toBe(true);
  } finally {
    await channel.stop();
    await sink.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
