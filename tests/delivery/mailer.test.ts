import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import {
  classifyDeliveryError,
  createMailTransport,
  emlFileName,
  PermanentDeliveryError,
  TemporaryDeliveryError,
  type MailTransport,
  type OutgoingMail,
} from '../../src/delivery/mailer';

interface Received {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

interface TestServer {
  port: number;
  received: Received[];
  close: () => Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** A real SMTP server on 127.0.0.1; `hooks` may refuse RCPT or DATA. */
async function startServer(
  hooks: { onRcpt?: (address: string) => Error | null; onData?: () => Error | null } = {},
): Promise<TestServer> {
  const received: Received[] = [];
  const options: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const err = hooks.onRcpt?.(address.address) ?? null;
      if (err) return callback(err);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const err = hooks.onData?.() ?? null;
        if (err) return callback(err);
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function smtp(port: number): MailTransport {
  return createMailTransport({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    outboxDir: '/nonexistent',
    timeoutMs: 3000,
  });
}

const PDF = Buffer.from('%PDF-1.4\n% test attachment\n%%EOF\n', 'latin1');

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    messageId: '<letter-abc123@dearcongress.test>',
    from: 'Dear Congress <letters@dearcongress.test>',
    to: ['office@senate.test'],
    cc: ['zoe@example.com'],
    replyTo: { name: 'Zoë Łukasiewicz-Núñez', address: 'zoe@example.com' },
    subject: 'Please support S. 1829',
    text: 'Dear Senator Cantwell:\n\nPlease support S. 1829.\n\nSincerely,\nZoë',
    html: '<p>Dear Senator Cantwell:</p><p>Please support S. 1829.</p>',
    attachments: [{ filename: 'letter.pdf', content: PDF, contentType: 'application/pdf' }],
    headers: { 'X-Dear-Congress-Campaign': 'stop-csam' },
    ...overrides,
  };
}

function addresses(
  obj: AddressObject | AddressObject[] | undefined,
): Array<{ name: string; address: string }> {
  const list = obj === undefined ? [] : Array.isArray(obj) ? obj : [obj];
  return list.flatMap((o) => o.value.map((v) => ({ name: v.name, address: v.address ?? '' })));
}

function headerBlock(raw: Buffer): string {
  const s = raw.toString('latin1');
  return s.slice(0, s.indexOf('\r\n\r\n'));
}

/** Header names at the start of unfolded lines, lowercased. */
function headerNames(raw: Buffer): string[] {
  return headerBlock(raw)
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
}

async function expectRejection<T extends Error>(
  p: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as T;
}

describe('createMailTransport over SMTP', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('delivers recipients, headers, both bodies and the PDF attachment', async () => {
    server = await startServer();
    const transport = smtp(server.port);
    const result = await transport.send(mail());
    expect(result.messageId).toBe('<letter-abc123@dearcongress.test>');
    expect(result.accepted.sort()).toEqual(['office@senate.test', 'zoe@example.com']);
    expect(result.rejected).toEqual([]);

    expect(server.received).toHaveLength(1);
    const got = server.received[0]!;
    expect(got.mailFrom).toBe('letters@dearcongress.test');
    expect(got.rcptTo.sort()).toEqual(['office@senate.test', 'zoe@example.com']);

    const parsed: ParsedMail = await simpleParser(got.raw);
    expect(addresses(parsed.from)).toEqual([{ name: 'Dear Congress', address: 'letters@dearcongress.test' }]);
    expect(addresses(parsed.to)).toEqual([{ name: '', address: 'office@senate.test' }]);
    expect(addresses(parsed.cc)).toEqual([{ name: '', address: 'zoe@example.com' }]);
    expect(addresses(parsed.replyTo)).toEqual([
      { name: 'Zoë Łukasiewicz-Núñez', address: 'zoe@example.com' },
    ]);
    expect(parsed.messageId).toBe('<letter-abc123@dearcongress.test>');
    expect(parsed.subject).toBe('Please support S. 1829');
    expect(parsed.text?.trim()).toBe('Dear Senator Cantwell:\n\nPlease support S. 1829.\n\nSincerely,\nZoë');
    expect(parsed.html).toContain('<p>Please support S. 1829.</p>');
    expect(parsed.headers.get('x-dear-congress-campaign')).toBe('stop-csam');
    expect(parsed.attachments).toHaveLength(1);
    const [pdf] = parsed.attachments;
    expect(pdf!.filename).toBe('letter.pdf');
    expect(pdf!.contentType).toBe('application/pdf');
    expect(Buffer.compare(pdf!.content, PDF)).toBe(0);
    expect(headerNames(got.raw)).not.toContain('bcc');
  });

  it('classifies 451 on DATA as temporary', async () => {
    server = await startServer({ onData: () => smtpError('Try again later', 451) });
    const err = await expectRejection(smtp(server.port).send(mail()), TemporaryDeliveryError);
    expect(err.responseCode).toBe(451);
    expect(err.reason).toBe('smtp_451');
  });

  it('classifies 451 on RCPT as temporary', async () => {
    server = await startServer({ onRcpt: () => smtpError('Greylisted', 451) });
    const err = await expectRejection(smtp(server.port).send(mail({ cc: [] })), TemporaryDeliveryError);
    expect(err.responseCode).toBe(451);
  });

  it('classifies 550 on RCPT as permanent, without personal data in reason or message', async () => {
    server = await startServer({ onRcpt: () => smtpError('No such user here', 550) });
    const err = await expectRejection(smtp(server.port).send(mail({ cc: [] })), PermanentDeliveryError);
    expect(err.responseCode).toBe(550);
    expect(err.reason).toBe('smtp_550');
    expect(`${err.message} ${err.reason}`).not.toMatch(/@/);
  });

  it('classifies 554 on DATA as permanent', async () => {
    server = await startServer({ onData: () => smtpError('Message rejected', 554) });
    const err = await expectRejection(smtp(server.port).send(mail()), PermanentDeliveryError);
    expect(err.responseCode).toBe(554);
  });

  it('reports a recipient refused while another is accepted', async () => {
    server = await startServer({
      onRcpt: (a) => (a === 'zoe@example.com' ? smtpError('No such user', 550) : null),
    });
    const result = await smtp(server.port).send(mail());
    expect(result.accepted).toEqual(['office@senate.test']);
    expect(result.rejected).toEqual(['zoe@example.com']);
  });
});

describe('createMailTransport network failures', () => {
  it('classifies a port with nothing listening as temporary', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const err = await expectRejection(smtp(port).send(mail()), TemporaryDeliveryError);
    expect(err.reason).toBe('connection_refused');
  });

  it('classifies a server that never greets as a temporary timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const transport = createMailTransport({
        smtpUrl: `smtp://127.0.0.1:${port}`,
        outboxDir: '/nonexistent',
        timeoutMs: 300,
      });
      const err = await expectRejection(transport.send(mail()), TemporaryDeliveryError);
      expect(err.reason).toMatch(/^timeout/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('rejects a non-SMTP URL at construction', () => {
    expect(() => createMailTransport({ smtpUrl: 'http://127.0.0.1:25', outboxDir: '/tmp' })).toThrow(
      TypeError,
    );
  });
});

/** A TCP server that hangs up on the first `drops` connections and passes the rest on to `port`. */
async function droppingProxy(port: number | undefined, drops: number) {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    if (connections <= drops || port === undefined) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('createMailTransport resilience (one cockatiel policy around each SMTP send)', () => {
  it('when a connection is dropped, then the send is tried again at once and delivered', async () => {
    const server = await startServer();
    const proxy = await droppingProxy(server.port, 2);
    try {
      const result = await smtp(proxy.port).send(mail());
      expect(result.accepted.length).toBeGreaterThan(0);
      expect(server.received).toHaveLength(1);
      expect(proxy.connections()).toBe(3);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('when the server keeps hanging up, then the breaker opens and sends fail at once without connecting', async () => {
    const proxy = await droppingProxy(undefined, Infinity);
    const transport = smtp(proxy.port);
    try {
      const reasons: string[] = [];
      while (reasons.length < 10 && reasons.at(-1) !== 'smtp_unreachable') {
        reasons.push((await expectRejection(transport.send(mail()), TemporaryDeliveryError)).reason);
      }
      // The tries before the breaker opened found no server; after, no connection is even tried.
      expect(reasons[0]).toMatch(/^connection_|^socket_/);
      expect(reasons.at(-1)).toBe('smtp_unreachable');
      expect(reasons.length).toBeLessThanOrEqual(3);
      const connections = proxy.connections();
      expect((await expectRejection(transport.send(mail()), TemporaryDeliveryError)).reason).toBe(
        'smtp_unreachable',
      );
      expect(proxy.connections()).toBe(connections);
    } finally {
      transport.close();
      await proxy.close();
    }
  });
});

describe('header injection', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const encoded = `=?utf-8?B?${Buffer.from('Bank Security <security@bank.test>').toString('base64')}?=`;

  it('keeps a CRLF "Bcc:" in a display name or subject out of the headers and the envelope', async () => {
    await smtp(server.port).send(
      mail({
        replyTo: { name: 'Eve\r\nBcc: victim@example.com', address: 'eve@example.com' },
        subject: 'Hello\r\nBcc: victim@example.com\nX-Injected: yes',
        cc: [],
      }),
    );
    const got = server.received[0]!;
    expect(got.rcptTo).toEqual(['office@senate.test']);
    const names = headerNames(got.raw);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    const parsed = await simpleParser(got.raw);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    const [replyTo] = addresses(parsed.replyTo);
    expect(replyTo!.address).toBe('eve@example.com');
    expect(replyTo!.name).not.toMatch(/[\r\n<>@]/);
    expect(replyTo!.name).toMatch(/^Eve Bcc/);
    expect(parsed.subject).toBe('Hello Bcc: victim@example.com X-Injected: yes');
  });

  it('does not let a typed encoded-word decode into something else', async () => {
    await smtp(server.port).send(
      mail({ replyTo: { name: encoded, address: 'eve@example.com' }, subject: `Re: ${encoded}` }),
    );
    const parsed = await simpleParser(server.received[0]!.raw);
    const [replyTo] = addresses(parsed.replyTo);
    expect(replyTo!.address).toBe('eve@example.com');
    expect(replyTo!.name).not.toContain('security@bank.test');
    expect(replyTo!.name).not.toContain('Bank Security');
    expect(parsed.subject).not.toContain('Bank Security');
    expect(parsed.subject).toContain('= ?utf-8?B?');
    expect(addresses(parsed.replyTo)).toHaveLength(1);
  });

  it('parses "Name <addr>" strings with a sanitised name', async () => {
    await smtp(server.port).send(mail({ replyTo: 'Eve\r\n  Example <eve@example.com>' }));
    const got = server.received[0]!;
    const parsed = await simpleParser(got.raw);
    expect(addresses(parsed.replyTo)).toEqual([{ name: 'Eve Example', address: 'eve@example.com' }]);
  });

  it('refuses a "Name <addr>" string whose name hides a header (Nodemailer reads it as a group)', async () => {
    await expect(
      smtp(server.port).send(mail({ replyTo: 'Eve\r\nBcc: victim@example.com <eve@example.com>' })),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(server.received).toHaveLength(0);
  });

  it.each([
    ['a CRLF in the reply-to address', { replyTo: 'eve@example.com\r\nBcc: victim@example.com' }],
    ['two recipients in one string', { to: ['a@example.com, victim@example.com'] }],
    ['an angle-bracketed recipient', { to: ['<victim@example.com>'] }],
    ['a cc with two @', { cc: ['a@b@example.com'] }],
    ['no recipient', { to: [] }],
  ])('refuses %s as a permanent failure before connecting', async (_label, overrides) => {
    await expectRejection(
      smtp(server.port).send(mail(overrides as Partial<OutgoingMail>)),
      PermanentDeliveryError,
    );
    expect(server.received).toHaveLength(0);
  });

  it('refuses custom headers that would override address headers, and sanitises values', async () => {
    await expect(smtp(server.port).send(mail({ headers: { Bcc: 'victim@example.com' } }))).rejects.toThrow(
      TypeError,
    );
    await expect(smtp(server.port).send(mail({ headers: { 'X-A\r\nBcc': 'x' } }))).rejects.toThrow(TypeError);
    await smtp(server.port).send(mail({ headers: { 'X-Note': 'a\r\nBcc: victim@example.com' } }));
    expect(headerNames(server.received[0]!.raw)).not.toContain('bcc');
  });
});

describe('createMailTransport without SMTP (.eml outbox)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dc-outbox-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes a parseable .eml file named after the Message-ID and logs where', async () => {
    const logs: Array<{ obj: object; msg: string }> = [];
    const outboxDir = path.join(dir, 'nested', 'outbox');
    const transport = createMailTransport({
      outboxDir,
      logger: { info: (obj, msg) => logs.push({ obj, msg }) },
    });
    const result = await transport.send(mail());
    expect(result.file).toBe(path.join(outboxDir, 'letter-abc123@dearcongress.test.eml'));
    expect(result.accepted.sort()).toEqual(['office@senate.test', 'zoe@example.com']);

    const raw = await fs.readFile(result.file!);
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<letter-abc123@dearcongress.test>');
    expect(parsed.subject).toBe('Please support S. 1829');
    expect(addresses(parsed.replyTo)[0]).toEqual({
      name: 'Zoë Łukasiewicz-Núñez',
      address: 'zoe@example.com',
    });
    expect(parsed.attachments[0]!.filename).toBe('letter.pdf');
    expect((await fs.stat(result.file!)).mode & 0o777).toBe(0o600);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.obj).toEqual({ file: result.file, messageId: '<letter-abc123@dearcongress.test>' });

    // A retry with the same Message-ID replaces the file rather than adding one.
    await transport.send(mail());
    expect(await fs.readdir(outboxDir)).toEqual(['letter-abc123@dearcongress.test.eml']);
  });

  it('turns a write failure into a temporary error', async () => {
    const blocker = path.join(dir, 'file');
    await fs.writeFile(blocker, 'x');
    const transport = createMailTransport({ outboxDir: path.join(blocker, 'outbox') });
    const err = await expectRejection(transport.send(mail()), TemporaryDeliveryError);
    expect(err.reason).toBe('outbox_write_failed');
  });

  it('makes safe file names', () => {
    expect(emlFileName('<../../etc/passwd@x>')).toBe('__.._etc_passwd@x.eml');
    expect(emlFileName('<a b/c@host>')).toBe('a_b_c@host.eml');
  });
});

describe('classifyDeliveryError', () => {
  const cases: Array<[object, 'temporary' | 'permanent', string]> = [
    [{ code: 'ECONNREFUSED' }, 'temporary', 'connection_refused'],
    [{ code: 'ECONNRESET' }, 'temporary', 'connection_reset'],
    [{ code: 'ETIMEDOUT' }, 'temporary', 'timeout'],
    [{ code: 'ESOCKET' }, 'temporary', 'socket_error'],
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'temporary', 'connection_refused'],
    [{ code: 'EDNS' }, 'temporary', 'dns_error'],
    [{ code: 'EENVELOPE', responseCode: 550 }, 'permanent', 'smtp_550'],
    [{ code: 'EENVELOPE', responseCode: 452 }, 'temporary', 'smtp_452'],
    [{ code: 'EENVELOPE' }, 'permanent', 'invalid_envelope'],
    [{ code: 'EMESSAGE', responseCode: 552 }, 'permanent', 'smtp_552'],
    [{ code: 'EAUTH', responseCode: 535 }, 'temporary', 'auth_failed'],
    [{ responseCode: 421 }, 'temporary', 'smtp_421'],
    [new Error('weird'), 'temporary', 'unknown'],
  ];
  it.each(cases)('%j is %s (%s)', (input, kind, reason) => {
    const err = classifyDeliveryError(input);
    expect(err).toBeInstanceOf(kind === 'temporary' ? TemporaryDeliveryError : PermanentDeliveryError);
    expect(err.reason).toBe(reason);
  });
});
