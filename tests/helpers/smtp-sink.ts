/**
 * A real SMTP server for tests, in-process on 127.0.0.1 (port 0 by default): every accepted message is kept
 * raw and parsed with mailparser. Controls: answer 4xx/5xx for the next N messages, delay the reply to
 * DATA, stop (connections cut: "server down") and start again on the same port.
 *
 * A message counts as received when the sink decides to accept it, even if the client has gone away before
 * the 250 reply arrives: that models a real server that delivered a message its client never heard back about.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  messageId: string;
}

interface Failure {
  code: number;
  message: string;
  /** Only messages to this envelope recipient; any message when absent. */
  to?: string;
}

export class SmtpSink extends EventEmitter {
  readonly messages: ReceivedMail[] = [];
  /** DATA commands whose content arrived (accepted, refused or still waiting for the delayed reply). */
  dataReceived = 0;
  private failures: Failure[] = [];
  private delayMs = 0;
  private server: SMTPServer | undefined;
  private sockets = new Set<Socket>();
  private constructor(public port: number) {
    super();
  }

  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink(port);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /**
   * The next `count` messages (to `options.to` only, when given) are refused at DATA with `code`
   * (e.g. 451 temporary, 550 permanent).
   */
  failNext(count: number, code: number, options: { to?: string; message?: string } = {}): void {
    const message = options.message ?? (code >= 500 ? 'Rejected by test sink' : 'Try again later');
    for (let i = 0; i < count; i++)
      this.failures.push({ code, message, ...(options.to ? { to: options.to } : {}) });
  }

  /** Waits this long before replying to each DATA (the message is already fully received). */
  delayData(ms: number): void {
    this.delayMs = ms;
  }

  /** Resolves once at least `count` messages were received. */
  async waitForMessages(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    await this.waitUntil(() => this.messages.length >= count, timeoutMs, `${count} messages`);
    return this.messages;
  }

  async waitUntil(predicate: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`SmtpSink: timed out waiting for ${what} (have ${this.messages.length} messages)`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  byMessageId(): Map<string, ReceivedMail[]> {
    const map = new Map<string, ReceivedMail[]>();
    for (const m of this.messages) map.set(m.messageId, [...(map.get(m.messageId) ?? []), m]);
    return map;
  }

  /** Stops listening and cuts open connections at once: the server is "down". */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port after `stop()`. */
  async restart(): Promise<void> {
    if (!this.server) await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      banner: 'test sink',
      size: 20 * 1024 * 1024,
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    server.on('error', () => undefined);
    // The underlying net.Server: track sockets so stop() can cut them.
    const net = (server as unknown as { server: import('node:net').Server }).server;
    net.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        net.off('error', reject);
        resolve();
      });
    });
    const address = net.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      this.dataReceived++;
      this.emit('data-received', this.dataReceived);
      const raw = Buffer.concat(chunks);
      const finish = async () => {
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const index = this.failures.findIndex((f) => !f.to || recipients.includes(f.to));
        const failure = index >= 0 ? this.failures.splice(index, 1)[0] : undefined;
        if (failure) {
          const err = new Error(failure.message) as Error & { responseCode: number };
          err.responseCode = failure.code;
          callback(err);
          return;
        }
        const parsed = await simpleParser(raw);
        const mail: ReceivedMail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed,
          messageId: parsed.messageId ?? '',
        };
        this.messages.push(mail);
        this.emit('message', mail);
        callback(null);
      };
      const run = () => void finish().catch((err: Error) => callback(err));
      if (this.delayMs > 0) setTimeout(run, this.delayMs);
      else run();
    });
  }
}
