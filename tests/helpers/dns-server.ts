/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, dns-packet), so tests ask real DNS questions through
 * node:dns without the internet. Zones map a name to its MX, A and AAAA records; a name not listed is
 * NXDOMAIN; a listed name without a record of the asked type is NOERROR with no answer (NODATA).
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as packet from 'dns-packet';

export interface DnsZone {
  mx?: Array<{ preference: number; exchange: string }>;
  a?: string[];
  aaaa?: string[];
}

export class DnsServer {
  /** Every question asked, as `TYPE name`. */
  readonly questions: string[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: string,
  ) {}

  static async start(zones: Record<string, DnsZone>): Promise<DnsServer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address() as AddressInfo;
    const server = new DnsServer(socket, `127.0.0.1:${port}`);
    socket.on('message', (message, peer) => {
      const query = packet.decode(message);
      const question = query.questions?.[0];
      if (!question) return;
      server.questions.push(`${question.type} ${question.name}`);
      const zone = zones[question.name.toLowerCase()];
      const answers: packet.Answer[] = [];
      if (zone && question.type === 'MX') {
        for (const mx of zone.mx ?? []) answers.push({ type: 'MX', name: question.name, ttl: 60, data: mx });
      }
      if (zone && question.type === 'A') {
        for (const ip of zone.a ?? []) answers.push({ type: 'A', name: question.name, ttl: 60, data: ip });
      }
      if (zone && question.type === 'AAAA') {
        for (const ip of zone.aaaa ?? [])
          answers.push({ type: 'AAAA', name: question.name, ttl: 60, data: ip });
      }
      const response = packet.encode({
        id: query.id,
        type: 'response',
        // RCODE 3 (NXDOMAIN) for a name with no zone; authoritative answer, recursion available.
        flags: packet.AUTHORITATIVE_ANSWER | packet.RECURSION_AVAILABLE | (zone ? 0 : 3),
        questions: query.questions,
        answers,
      });
      socket.send(response, peer.port, peer.address);
    });
    return server;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
