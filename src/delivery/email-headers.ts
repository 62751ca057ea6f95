/**
 * delivery/email-headers: the first layer of header safety. No header we send carries raw user input: a
 * display name or subject passes through `sanitizeHeaderText`, an address through `isSafeEmailAddress`.
 * Nodemailer encodes non-ASCII headers itself (RFC 2047); that is the second layer.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { oneLine, replaceControlCharacters } from '../platform/text';

/** Maximum length of a sanitised header value we build from user input. */
const MAX_HEADER_TEXT = 200;

/**
 * Single-line header text: control characters become spaces, whitespace collapses, and an RFC 2047
 * encoded-word opener typed by a person ("=?utf-8?B?...?=") is broken to "= ?" so no mail client decodes
 * it into something else. Trimmed and cut to `maxLength` characters.
 */
export function sanitizeHeaderText(input: string, maxLength = MAX_HEADER_TEXT): string {
  let s = String(input ?? '').normalize('NFC');
  // Control and direction characters become spaces (tab, CR and LF with the rest, as whitespace).
  s = replaceControlCharacters(s, ' ', { direction: true });
  s = oneLine(s);
  // "=?" can only start an encoded word; "?=" alone is harmless once no word can start.
  s = s.replace(/=\?/g, '= ?');
  if (s.length > maxLength) s = Array.from(s).slice(0, maxLength).join('').trim();
  return s;
}

/**
 * A display name for a From/Reply-To header ("Zoë Łukasiewicz" <...>): sanitised header text without the
 * characters that would end the quoted phrase or start an address (quotes, backslash, angle brackets, @,
 * comma, semicolon, colon). Empty when nothing usable is left.
 */
export function safeDisplayName(name: string, maxLength = 100): string {
  const s = oneLine(sanitizeHeaderText(name, maxLength * 2).replace(/["\\<>@,;:()[\]]/g, ' '));
  return Array.from(s).slice(0, maxLength).join('').trim();
}

/**
 * A plain "local@domain" address that can go into a header or an SMTP envelope as is: no whitespace or
 * control characters, no comma, semicolon, double quotes, angle brackets or parentheses, exactly one @, a dotted
 * domain, at most 254 characters (local part at most 64).
 */
export function isSafeEmailAddress(addr: string): boolean {
  if (typeof addr !== 'string' || addr.length === 0 || addr.length > 254) return false;
  if (/[\s,;<>"()[\]\\]/.test(addr) || replaceControlCharacters(addr, '') !== addr) return false;
  const parts = addr.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  if (local.length === 0 || local.length > 64) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  if (!/^[^.\s]+(\.[^.\s]+)+$/.test(domain) || domain.length > 253) return false;
  // Domain labels: letters (any script, for IDN), digits and hyphens, not starting or ending with a hyphen.
  return domain.split('.').every((label) => /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u.test(label));
}

/**
 * One mailbox written as `addr` or `Name <addr>` (MAIL_FROM, a campaign's inbox), as Nodemailer parses it:
 * undefined for a list, a group, or an address `isSafeEmailAddress` refuses.
 */
export function parseMailbox(input: string): { name: string; address: string } | undefined {
  const parsed = addressparser(input);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || only.group !== undefined) return undefined;
  const address = only.address.trim();
  return isSafeEmailAddress(address) ? { name: only.name, address } : undefined;
}
