/**
 * Header injection through what a person typed (name, email, subject) and HTML injection through the
 * letter body: neutralised before anything reaches the SMTP server. Rows are inserted directly, bypassing
 * the form's own cleaning, to test the email layer on its own.
 */
import { findBatch } from '../../src/letters/letter-store';
import {
  CAMPAIGN_INBOX,
  CANTWELL_INBOX,
  createHarness,
  drain,
  insertBatch,
  members,
  tokenFromText,
  useSinkAndStorage,
} from './email-fixtures';

describe('email header and body injection', () => {
  const suite = useSinkAndStorage('sqlite');

  async function confirmAndSend(h: Awaited<ReturnType<typeof createHarness>>, batchId: string) {
    await h.service.requestEmailConfirmation({ batchId });
    await drain(h.worker);
    const token = tokenFromText(suite.sink.messages.at(-1)!.parsed.text);
    await h.service.confirmBatch(token);
    await drain(h.worker);
  }

  test('when the name and subject carry CR/LF and encoded words, then no header is added or decoded from them', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await insertBatch(
      h.storage,
      h.clock,
      {
        name: 'Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes =?utf-8?B?QWRtaW4=?=',
        subject: 'Hello\r\nBcc: victim2@evil.example\nX-Also: 1 =?utf-8?Q?=41dmin?=',
        body: 'Dear office,\n\n<script>alert(1)</script> <a href="https://evil.example">click</a> {{constructor}}',
      },
      [members.cantwell],
    );
    await confirmAndSend(h, batchId);
    expect(suite.sink.messages).toHaveLength(3);
    for (const m of suite.sink.messages) {
      expect(m.envelopeTo).toHaveLength(1);
      expect(m.envelopeTo[0]).not.toMatch(/evil/);
      expect(m.parsed.bcc).toBeUndefined();
      expect(m.parsed.headers.has('x-injected')).toBe(false);
      expect(m.parsed.headers.has('x-also')).toBe(false);
      const head = m.raw.toString('latin1').split(/\r\n\r\n/)[0]!;
      expect(head).not.toMatch(/^Bcc:/im);
      expect(head).not.toMatch(/^X-Injected:/im);
    }
    const office = suite.sink.messages.find((m) => m.envelopeTo[0] === CANTWELL_INBOX)!;
    // The name is one line, its encoded-word opener broken, so no client decodes "Admin" out of it.
    const replyName = office.parsed.replyTo!.value[0]!.name;
    expect(replyName).not.toMatch(/[\r\n]/);
    expect(replyName).not.toContain('Admin');
    expect(replyName).toContain('Eve Bcc');
    expect(office.parsed.replyTo!.value[0]!.address).toBe('zoe@example.net');
    expect(office.parsed.subject).not.toMatch(/[\r\n]/);
    expect(office.parsed.subject).toContain('Hello Bcc');
    expect(office.parsed.subject).not.toContain('Admin');
    // The body is data: escaped in HTML, never compiled as a template.
    expect(office.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(office.parsed.html).not.toContain('<script>');
    expect(office.parsed.html).not.toContain('href="https://evil.example"');
    expect(office.parsed.text).toContain('{{constructor}}');
  });

  test('when the sender address is unsafe, then the office copy has no Reply-To and the sender copy fails, named', async () => {
    const h = await createHarness(suite.db.storage, suite.sink);
    const { batchId } = await insertBatch(h.storage, h.clock, {}, [members.jayapal]);
    // The confirmation goes out with the good address; the address is then tampered with.
    await h.service.requestEmailConfirmation({ batchId });
    await drain(h.worker);
    const token = tokenFromText(suite.sink.messages[0]!.parsed.text);
    await h.storage.db
      .updateTable('letters')
      .set({ sender_email: 'zoe@example.net\r\nBcc: victim@evil.example' })
      .where('batch_id', '=', batchId)
      .execute();
    await h.service.confirmBatch(token);
    await drain(h.worker);
    const office = suite.sink.messages.find((m) => m.envelopeTo[0] === CAMPAIGN_INBOX)!;
    expect(office.parsed.replyTo).toBeUndefined();
    expect(office.parsed.text).not.toContain('evil');
    expect(suite.sink.messages.some((m) => m.envelopeTo.some((to) => to.includes('evil')))).toBe(false);
    const copy = await h.storage.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'sender_copy')
      .executeTakeFirst();
    expect(copy).toMatchObject({ status: 'failed', last_error: 'invalid_sender_address' });
    // The office copy is what counts: the letter is sent.
    expect((await findBatch(h.storage.db, batchId))[0]!.status).toBe('sent');
  });
});
