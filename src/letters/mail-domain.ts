/**
 * letters/mail-domain: whether a sender's email domain can receive the confirmation email at all (issue 28:
 * throwaway mailboxes padded the verified total). Refused: disposable-mail domains and their subdomains
 * (mailchecker's maintained list) and domains without mail exchangers: no MX and no address record
 * (RFC 5321's implicit MX), a null MX (RFC 7505) or a name that does not exist. A domain's answer is
 * cached for a day. When DNS cannot answer (offline, a resolver that times out) the address is
 * accepted and the log says once that the check was skipped: a DNS outage must not stop letters. Also:
 * one key per mailbox however it is spelled (`normaliseEmail`).
 */
import dns from 'node:dns';
import { LRUCache } from 'lru-cache';
import { blacklist as disposableDomains } from 'mailchecker';
import { DAY_MS } from '../platform/clock';
import type { Logger } from '../platform/logger';

type MailDomainVerdict = 'ok' | 'disposable' | 'no_mail_exchanger' | 'unchecked';

export type MailDomainCheck = ReturnType<typeof createMailDomainCheck>;

export interface MailDomainCheckOptions {
  /** Ask DNS for mail exchangers; off, only the disposable list is consulted. */
  mxCheck: boolean;
  /** `host` or `host:port` of the DNS servers to ask (DNS_SERVERS); empty, the system's. */
  dnsServers?: readonly string[];
  logger?: Pick<Logger, 'warn'>;
}

/** Whether a domain or one of its parent domains is on the disposable list (`x.mailinator.com` too). */
export function isDisposableDomain(domain: string, list: ReadonlySet<string> = disposableDomains()): boolean {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i += 1) {
    if (list.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}

export function createMailDomainCheck(options: MailDomainCheckOptions) {
  const list = disposableDomains();
  const resolver = new dns.promises.Resolver({ timeout: 2_000, tries: 2 });
  if (options.dnsServers?.length) resolver.setServers([...options.dnsServers]);
  const verdicts = new LRUCache<string, MailDomainVerdict>({ max: 10_000, ttl: DAY_MS });
  let skipNoted = false;

  /** Whether a name with no MX still takes mail at its address records (RFC 5321 section 5.1). */
  async function hasAddress(domain: string): Promise<boolean> {
    const answers = await Promise.allSettled([resolver.resolve4(domain), resolver.resolve6(domain)]);
    return answers.some((a) => a.status === 'fulfilled' && a.value.length > 0);
  }

  async function lookUp(domain: string): Promise<MailDomainVerdict> {
    try {
      const records = await resolver.resolveMx(domain);
      // A null MX (RFC 7505: one record, exchange ".") says the domain takes no mail.
      if (records.some((r) => r.exchange !== '' && r.exchange !== '.')) return 'ok';
      if (records.length > 0) return 'no_mail_exchanger';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === dns.NOTFOUND) return 'no_mail_exchanger';
      if (code !== dns.NODATA) {
        if (!skipNoted) {
          skipNoted = true;
          options.logger?.warn(
            { code },
            'mail exchanger check skipped: DNS did not answer (letters are accepted until it does)',
          );
        }
        return 'unchecked';
      }
    }
    return (await hasAddress(domain)) ? 'ok' : 'no_mail_exchanger';
  }

  return {
    /** The verdict on an address's domain (the part after the last `@`). */
    async check(email: string): Promise<MailDomainVerdict> {
      const domain = email
        .slice(email.lastIndexOf('@') + 1)
        .trim()
        .toLowerCase()
        .replace(/\.$/, '');
      if (isDisposableDomain(domain, list)) return 'disposable';
      if (!options.mxCheck || domain === '') return 'unchecked';
      const cached = verdicts.get(domain);
      if (cached) return cached;
      const verdict = await lookUp(domain);
      // "Could not ask" is asked again next time; an answer holds for a day.
      if (verdict !== 'unchecked') verdicts.set(domain, verdict);
      return verdict;
    },
  };
}

/** Domains of Gmail, which ignores dots in the local part and delivers googlemail.com to gmail.com. */
const GMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/**
 * One mailbox, one key, folded as the providers deliver: lower case, trimmed, "+tag" removed, and for
 * Gmail the dots of the local part and googlemail.com too (a.b.c@googlemail.com is abc@gmail.com). The
 * same person counts once and gets at most 3 confirmation emails a day, however they spell the address.
 */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  let local = (at < 0 ? trimmed : trimmed.slice(0, at)).split('+')[0]!;
  let domain = at < 0 ? '' : trimmed.slice(at + 1).replace(/\.$/, '');
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
