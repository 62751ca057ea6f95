/**
 * Senders' email domains (issue 28): disposable-mail domains and domains without mail exchangers are
 * refused; each domain is asked once; when DNS cannot answer, the address is accepted and the log says so
 * once. DNS questions go to a small local server (tests/helpers/dns-server.ts), never the internet.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { createMailDomainCheck, isDisposableDomain } from '../../src/letters/mail-domain';
import { DnsServer } from '../helpers/dns-server';

let dns: DnsServer;
beforeAll(async () => {
  dns = await DnsServer.start({
    'mail.example.test': { mx: [{ preference: 10, exchange: 'mx1.mail.example.test' }] },
    'null-mx.example.test': { mx: [{ preference: 0, exchange: '.' }], a: ['192.0.2.1'] },
    'address-only.example.test': { a: ['192.0.2.2'] },
    'no-mail.example.test': {},
  });
});
afterAll(() => dns.stop());

describe('the disposable-mail list', () => {
  test('when a domain or a parent domain is on the maintained list, then it is disposable', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true);
    expect(isDisposableDomain('team.mailinator.com')).toBe(true);
    expect(isDisposableDomain('MAILINATOR.COM.')).toBe(true);
    expect(isDisposableDomain('gmail.com')).toBe(false);
    expect(isDisposableDomain('example.org')).toBe(false);
  });

  test('when the MX check is off, then a disposable domain is still refused and others pass unchecked', async () => {
    const check = createMailDomainCheck({ mxCheck: false });
    expect(await check.check('x@guerrillamail.com')).toBe('disposable');
    expect(await check.check('x@no-mail.example.test')).toBe('unchecked');
  });
});

describe('mail exchangers, asked of DNS', () => {
  test.each([
    ['mail.example.test', 'ok'],
    ['address-only.example.test', 'ok'],
    ['null-mx.example.test', 'no_mail_exchanger'],
    ['no-mail.example.test', 'no_mail_exchanger'],
    ['missing.example.test', 'no_mail_exchanger'],
  ])('when the domain is %s, then the verdict is %s', async (domain, verdict) => {
    const check = createMailDomainCheck({ mxCheck: true, dnsServers: [dns.address] });
    expect(await check.check(`Someone@${domain.toUpperCase()}`)).toBe(verdict);
  });

  test('when the same domain is checked again, then DNS is asked only once', async () => {
    const check = createMailDomainCheck({ mxCheck: true, dnsServers: [dns.address] });
    const before = dns.questions.filter((q) => q === 'MX mail.example.test').length;
    for (let i = 0; i < 5; i += 1) expect(await check.check(`p${i}@mail.example.test`)).toBe('ok');
    expect(dns.questions.filter((q) => q === 'MX mail.example.test').length - before).toBe(1);
  });

  test('when DNS does not answer, then the address is accepted unchecked and the log says so once', async () => {
    // A port where nothing listens: the question is refused at once (offline, or a broken resolver).
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const warnings: unknown[] = [];
    const check = createMailDomainCheck({
      mxCheck: true,
      dnsServers: [`127.0.0.1:${port}`],
      logger: { warn: (...args: unknown[]) => warnings.push(args) },
    });
    expect(await check.check('a@mail.example.test')).toBe('unchecked');
    expect(await check.check('b@mail.example.test')).toBe('unchecked');
    expect(warnings).toHaveLength(1);
  });
});
