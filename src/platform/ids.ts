/**
 * platform/ids: random identifiers. Letter and batch ids double as unguessable capabilities (128 bits),
 * so a person's letter pages need no account.
 */
import crypto from 'node:crypto';

/** A new random 128-bit id, URL-safe. */
export function newId(): string {
  return crypto.randomBytes(16).toString('base64url');
}

/** Keyed hash (HMAC-SHA-256, hex) for values we must compare but not keep: tokens, emails, IPs. */
export function keyedHash(secret: string, value: string): string {
  return crypto.createHmac('sha256', secret).update(value).digest('hex');
}

/** Constant-time string comparison that does not leak the expected length through timing of a short input. */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb) && a.length === b.length;
}
