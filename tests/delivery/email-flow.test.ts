/**
 * The email channel end to end at the service level, against a real SMTP server: double opt-in request,
 * the confirmation email and its one-time link, confirmation, then the office and sender copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfirmationExpiredError } from '../../src/delivery/email-service';
import { findBatch } from '../../src/letters/letter-store';
import { NotFoundError, RateLimitedError } from '../../src/platform/errors';
import { describeEachStorage } from '../helpers/postgres';
import {
  CAMPAIGN_INBOX,
  CANTWELL_INBOX,
  createHarness,
  drain,
  insertBatch,
  members,
  memoryLogger,
  PUBLIC_URL,
  tokenFromText,
  useSinkAndStorage,
} from './email-fixtures';

const HOUR = 60 * 60 * 1000;

describeEachStorage('email flow on %s', (kind) => {
  const suite = useSinkAndStorage(kind);

  test('when a person confirms by the emailed link, then the office and sender copies arrive once each', async () => {
    const logger = memoryLogger();
    const { storage, service, worker, clock } = await createHarness(suite.db.storage, suite.sink, { logger });
    const { batchId, letterIds } = await insertBatch(storage, clock);

    // Request: letters await confirmation, and the email is queued in the same transaction.
    const requested = await service.requestEmailConfirmation({ batchId });
    expect(requested.letters).toBe(2);
    expect((await findBatch(storage.db, batchId)).map((l) => l.status)).toEqual([
      'awaiting_confirmation',
      'awaiting_confirmation',
    ]);
    const stored = await storage.db.selectFrom('confirmations').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.expires_at).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());

    expect(await drain(worker)).toBe(1);
    const [confirmation] = await suite.sink.waitForMessages(1);
    expect(confirmation!.envelopeTo).toEqual(['zoe@example.net']);
    expect(confirmation!.parsed.subject).toBe('Confirm your letters to Congress');
    expect(confirmation!.parsed.from?.text).toContain('letters@campaign.example.org');
    const text = confirmation!.parsed.text ?? '';
    expect(text).toContain('Senator Maria Cantwell');
    expect(text).toContain('Representative Pramila Jayapal');
    expect(text).toContain('24 hours');
    expect(text).toContain(`${PUBLIC_URL}/letters/batch/${batchId}`);
    expect(text).toContain(`${PUBLIC_URL}/letters/batch/${batchId}/delete`);
    const token = tokenFromText(text);
    expect(confirmation!.parsed.html).toContain(`${PUBLIC_URL}/letters/confirm/${token}`);
    // Only a keyed hash is stored, never the token.
    expect(JSON.stringify(stored)).not.toContain(token);

    // Confirm: every letter of the batch, one click.
    const confirmed = await service.confirmBatch(token);
    expect(confirmed).toEqual({ batchId, purpose: 'send', alreadyConfirmed: false, queued: 2, verified: 2 });
    const queued = await findBatch(storage.db, batchId);
    expect(queued.map((l) => l.status)).toEqual(['queued', 'queued']);
    expect(queued.every((l) => l.confirmed_at === clock.now().toISOString())).toBe(true);

    expect(await drain(worker)).toBe(4);
    expect(suite.sink.messages).toHaveLength(5);
    const outbox = await storage.db.selectFrom('outbox').selectAll().execute();
    expect(outbox.every((o) => o.status === 'sent' && o.attempts === 1)).toBe(true);

    // Message-IDs: <outbox-id@host of PUBLIC_URL>, one per row.
    for (const row of outbox) {
      const copies = suite.sink.messages.filter((m) => m.messageId === `<${row.id}@letters.example.org>`);
      expect(copies).toHaveLength(1);
    }

    const offices = suite.sink.messages.filter((m) => m.envelopeTo[0] !== 'zoe@example.net');
    expect(offices.map((m) => m.envelopeTo[0]).sort()).toEqual([CANTWELL_INBOX, CAMPAIGN_INBOX].sort());
    for (const office of offices) {
      expect(office.parsed.from?.value[0]).toEqual({
        name: 'Stop CSAM Letters',
        address: 'letters@campaign.example.org',
      });
      expect(office.parsed.replyTo?.value[0]).toEqual({ name: 'Zoë Example', address: 'zoe@example.net' });
      expect(office.parsed.subject).toMatch(
        /^Please support (S\. 1829|H\.R\. 3921), the STOP CSAM Act of 2025$/,
      );
      const body = office.parsed.text ?? '';
      expect(body).toContain('As your constituent in Seattle');
      expect(body).toContain('Please co-sponsor it & vote "yes".');
      expect(body).toContain('Sincerely,');
      expect(body).toContain('Email: zoe@example.net');
      expect(body).toContain('Seattle, WA 98101');
      expect(office.parsed.html).toContain('<p>Please co-sponsor it &amp; vote &quot;yes&quot;.</p>');
      expect(office.parsed.attachments).toHaveLength(0);
    }
    const cantwellCopy = offices.find((m) => m.envelopeTo[0] === CANTWELL_INBOX)!;
    expect(cantwellCopy.parsed.text).toContain('Dear Senator Cantwell:');

    const copies = suite.sink.messages.filter((m) => m.envelopeTo[0] === 'zoe@example.net').slice(1);
    expect(copies).toHaveLength(2);
    for (const copy of copies) {
      expect(copy.parsed.replyTo).toBeUndefined();
      expect(copy.parsed.subject).toMatch(
        /^Your letter to (Senator Maria Cantwell|Representative Pramila Jayapal)$/,
      );
      const pdf = copy.parsed.attachments[0]!;
      expect(pdf.contentType).toBe('application/pdf');
      expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(copy.parsed.text).toContain(`${PUBLIC_URL}/letters/batch/${batchId}/delete`);
    }
    const senateCopy = copies.find((m) => m.parsed.subject?.includes('Cantwell'))!;
    expect(senateCopy.parsed.text).toContain(members.cantwell.contactUrl);
    // Each member's district office nearest the writer, from the data in service (the fixture's).
    expect(senateCopy.parsed.text).toContain(members.cantwell.districtOffices[0]!.address);
    const houseCopy = copies.find((m) => m.parsed.subject?.includes('Jayapal'))!;
    expect(houseCopy.parsed.text).toContain('2033 6th Ave., Suite 1011');

    // Letters sent, 'emailed' counted once each, status readable for the batch page.
    const status = await service.getBatchStatus(batchId);
    expect(status.letters.map((l) => [l.id, l.status, l.channels.emailed, l.deliveredAt !== null])).toEqual(
      letterIds.map((id) => [id, 'sent', true, true]),
    );
    expect(status.letters.every((l) => l.email.office === 'sent' && l.email.senderCopy === 'sent')).toBe(
      true,
    );
    expect(status.confirmation).toMatchObject({ requested: true, emailStatus: 'sent', sentLastHour: 1 });
    const emailed = await storage.db
      .selectFrom('actions')
      .selectAll()
      .where('action', '=', 'emailed')
      .execute();
    expect(emailed).toHaveLength(2);

    // Logs carry ids and reasons, never addresses, names or letter text.
    const logs = logger.lines.join('\n');
    expect(logs).not.toMatch(/zoe@example\.net|Zoë|constituent in Seattle|campaign\.example\.org/);
    expect(logs).not.toContain(batchId);
  });

  test('when a link is used twice, then the second click changes nothing and says already confirmed', async () => {
    const { storage, service, worker, clock } = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await insertBatch(storage, clock);
    await service.requestEmailConfirmation({ batchId });
    await drain(worker);
    const token = tokenFromText(suite.sink.messages[0]!.parsed.text);
    await service.confirmBatch(token);
    await expect(service.confirmBatch(token)).resolves.toEqual({
      batchId,
      purpose: 'send',
      alreadyConfirmed: true,
      queued: 0,
      verified: 0,
    });
    const rows = await storage.db.selectFrom('outbox').select('kind').execute();
    expect(rows).toHaveLength(5);
    await expect(service.requestEmailConfirmation({ batchId })).rejects.toThrow(/already confirmed/);
  });

  test('when a link is unknown or malformed, then NotFoundError explains it', async () => {
    const { service } = await createHarness(suite.db.storage, suite.sink);
    await expect(service.confirmBatch('A'.repeat(43))).rejects.toThrow(NotFoundError);
    await expect(service.confirmBatch('not a token')).rejects.toThrow(/This confirmation link is not valid/);
  });

  test('when 24 hours pass, then the link expires and a new one can be requested', async () => {
    const { storage, service, worker, clock } = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await insertBatch(storage, clock);
    await service.requestEmailConfirmation({ batchId });
    await drain(worker);
    const token = tokenFromText(suite.sink.messages[0]!.parsed.text);
    clock.advance(24 * HOUR);
    const error = await service.confirmBatch(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfirmationExpiredError);
    expect((error as ConfirmationExpiredError).batchId).toBe(batchId);
    expect((error as Error).message).toMatch(/expired.*Request a new one/s);
    expect((await findBatch(storage.db, batchId)).every((l) => l.status === 'awaiting_confirmation')).toBe(
      true,
    );

    await service.requestEmailConfirmation({ batchId });
    await drain(worker);
    const fresh = tokenFromText(suite.sink.messages[1]!.parsed.text);
    expect(fresh).not.toBe(token);
    await expect(service.confirmBatch(fresh)).resolves.toMatchObject({ alreadyConfirmed: false, queued: 2 });
  });

  test('when confirmation emails are requested again, then 60 s apart and 3 per hour, and older links still work', async () => {
    const { storage, service, worker, clock } = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await insertBatch(storage, clock);
    await service.requestEmailConfirmation({ batchId });
    await expect(service.requestEmailConfirmation({ batchId })).rejects.toThrow(RateLimitedError);
    await expect(service.requestEmailConfirmation({ batchId })).rejects.toThrow(/try again in 60 seconds/);
    clock.advance(61_000);
    await service.requestEmailConfirmation({ batchId });
    clock.advance(61_000);
    await service.requestEmailConfirmation({ batchId });
    clock.advance(61_000);
    await expect(service.requestEmailConfirmation({ batchId })).rejects.toThrow(/3 confirmation emails/);
    expect((await service.getBatchStatus(batchId)).confirmation.sentLastHour).toBe(3);
    await drain(worker);
    expect(suite.sink.messages).toHaveLength(3);
    const tokens = suite.sink.messages.map((m) => tokenFromText(m.parsed.text));
    expect(new Set(tokens).size).toBe(3);

    // An hour later the batch may ask again, but the mailbox had its 3 emails today (tests/security).
    clock.advance(HOUR);
    await expect(service.requestEmailConfirmation({ batchId })).rejects.toMatchObject({ field: 'email' });

    // The first (older, unused) link still confirms; the others then report "already confirmed".
    await expect(service.confirmBatch(tokens[0]!)).resolves.toMatchObject({
      alreadyConfirmed: false,
      queued: 2,
    });
    await expect(service.confirmBatch(tokens[2]!)).resolves.toMatchObject({
      alreadyConfirmed: true,
      queued: 0,
    });
    const offices = await storage.db.selectFrom('outbox').select('id').where('kind', '=', 'office').execute();
    expect(offices).toHaveLength(2);
  });
});

describe('email templates', () => {
  test('HTML email templates never use triple-stash', () => {
    const dir = path.resolve('templates/email');
    const html = fs.readdirSync(dir).filter((f) => f.endsWith('.html.hbs'));
    expect(html.length).toBeGreaterThanOrEqual(3);
    for (const file of html) expect(fs.readFileSync(path.join(dir, file), 'utf8')).not.toContain('{{{');
  });
});
