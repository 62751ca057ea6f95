/**
 * platform/ids: random identifiers. Letter and batch ids double as unguessable capabilities (128 bits),
 * so a person's letter pages need no account.
 */
import crypto from 'node:crypto';

/** A new random 128-bit id, URL-safe. */
export function newId(): string {
  return crypto.randomBytes(16).toString('base64url');
}

/** base64url of 32 bytes: a `purposeToken`'s shape. */
const PURPOSE_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A link's token that only the app can make, and can make again at any time without storing it: an
 * HMAC-SHA-256 of `id` under the secret, labelled with its purpose so that one kind never passes for another.
 */
export function purposeToken(secret: string, purpose: string, id: string): string {
  return crypto.createHmac('sha256', secret).update(`${purpose}-token\0${id}`).digest('base64url');
}

/** What the database keeps of a `purposeToken` and looks it up by: a database leak alone opens nothing. */
export function purposeTokenHash(secret: string, purpose: string, token: string): string {
  return keyedHash(secret, `${purpose}\0${token}`);
}

export function looksLikePurposeToken(token: unknown): token is string {
  return typeof token === 'string' && PURPOSE_TOKEN_SHAPE.test(token);
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
