/**
 * replies/reply-token: the one capability that answers for a batch's letters. It is an HMAC of the batch
 * id under APP_SECRET, so only the app can make one, and the emails can render it again at any time
 * without it being stored; the database keeps a keyed hash of it, so a database leak alone answers nothing.
 * The token reaches only the confirmed address of the writer who ticked the box.
 */
import { looksLikePurposeToken, purposeToken, purposeTokenHash } from '../platform/ids';

/** The answer token of one batch. */
export const replyToken = (appSecret: string, batchId: string): string =>
  purposeToken(appSecret, 'reply', batchId);

/** What the database stores and looks a token up by. */
export const replyTokenHash = (appSecret: string, token: string): string =>
  purposeTokenHash(appSecret, 'reply', token);

export const looksLikeReplyToken = looksLikePurposeToken;
