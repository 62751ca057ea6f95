/**
 * platform/ids: random identifiers. Letter and batch ids double as unguessable capabilities (128 bits),
 * so a person's letter pages need no account.
 */
import crypto from 'node:crypto';

// Random bytes are drawn 4 kB at a time: one CSPRNG call per 256 ids instead of one per id (every request
// gets an id). Each byte is handed out once.
const ID_BYTES = 16;
const POOL_BYTES = ID_BYTES * 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** A new random 128-bit id, URL-safe. */
export function newId(): string {
  if (poolOffset + ID_BYTES > pool.length) {
    pool = crypto.randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const id = pool.toString('base64url', poolOffset, poolOffset + ID_BYTES);
  poolOffset += ID_BYTES;
  return id;
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
