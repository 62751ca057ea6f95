/**
 * replies/reply-token: the one capability that answers for a batch's letters. It is an HMAC of the batch
 * id under APP_SECRET, so only the app can make one, and the emails can render it again at any time
 * without it being stored; the database keeps a keyed hash of it, so a database leak alone answers nothing.
 * The token reaches only the confirmed address of the writer who ticked the box.
 */
import crypto from 'node:crypto';
import { keyedHash } from '../platform/ids';

/** base64url of 32 bytes. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The answer token of one batch. */
export function replyToken(appSecret: string, batchId: string): string {
  return crypto.createHmac('sha256', appSecret).update(`reply-token\0${batchId}`).digest('base64url');
}

/** What the database stores and looks a token up by. */
export function replyTokenHash(appSecret: string, token: string): string {
  return keyedHash(appSecret, `reply\0${token}`);
}

export function looksLikeReplyToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_SHAPE.test(token);
}
