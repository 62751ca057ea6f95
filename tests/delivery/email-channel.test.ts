/**
 * The email channel wired from a Config, as bootstrap.ts does, with the fixture's members and the
 * campaign's asks: the worker is started, woken by the service after a commit, holds back a letter to a
 * member who left Congress, and stops cleanly.
 */
import { createPdfRenderer } from '../../src/delivery/pdf-renderer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAskResolver } from '../../src/campaign/asks';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { loadCivicIndex } from '../../src/civic-data/load';
import { loadConfig } from '../../src/config/config';
import { createEmailChannel } from '../../src/delivery/email-channel';
import { findLetter } from '../../src/letters/letter-store';
import { RECIPIENT_LEFT_CONGRESS } from '../../src/letters/recipients';
import { createHandlebars } from '../../src/platform/handlebars';
import { recordAction } from '../../src/tracking/actions';
import { importedDataDir, TEST_NOW } from '../helpers/civic-data';
import { ManualClock } from '../helpers/clock';
import { SmtpSink } from '../helpers/smtp-sink';
import {
  APP_SECRET,
  campaigns,
  insertBatch,
  members,
  openTestStorage,
  silentLogger,
  tokenFromText,
} from './email-fixtures';

test('when wired from the config, then a confirmation and the letters go without waiting for a poll, and a letter to a member who left Congress fails', async () => {
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
  const clock = new ManualClock(TEST_NOW);
  const channel = createEmailChannel({
    config,
    storage: db.storage,
    clock,
    logger: silentLogger,
    hbs: createHandlebars(),
    campaigns,
    civic: loadCivicIndex(await importedDataDir()),
    asks: createAskResolver({ clock, sponsors: createSponsorRoll(new Map()) }),
    recordAction,
    // Drawn in the test's own thread; the worker thread is tested in pdf-renderer.test.ts.
    pdf: createPdfRenderer({ threads: 0, queueLimit: 30 }),
  });
  const service = channel.service;
  try {
    channel.start();
    const departed = { ...members.cantwell, bioguide: 'X000001' };
    const { batchId, letterIds } = await insertBatch(db.storage, clock, {}, [
      members.cantwell,
      members.jayapal,
      departed,
    ]);
    await service.requestEmailConfirmation({ batchId });
    await sink.waitForMessages(1, 10_000);
    const token = tokenFromText(sink.messages[0]!.parsed.text);
    expect(sink.messages[0]!.parsed.text).toContain(`https://letters.example.org/letters/confirm/${token}`);
    await expect(service.confirmBatch(token)).resolves.toMatchObject({ batchId, alreadyConfirmed: false });
    // The confirmation, two office letters and two sender's copies; the departed member's letter fails.
    await sink.waitForMessages(5, 10_000);
    await channel.worker.stop();
    const status = await service.getBatchStatus(batchId);
    expect(status.letters.filter((l) => l.channels.emailed)).toHaveLength(2);
    expect(await findLetter(db.storage.db, letterIds[2]!)).toMatchObject({
      status: 'failed',
      status_reason: RECIPIENT_LEFT_CONGRESS,
    });
  } finally {
    await channel.stop();
    await sink.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
