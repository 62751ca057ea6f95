/**
 * campaign/share: what a person who has sent their letters can pass on: a link to the campaign carrying
 * their own referral code (`?ref=`, counted per campaign in the organiser's view) and the campaign's
 * pre-written share text, as plain links (email, text message) with no third-party script or widget.
 */
import { keyedHash, safeEqual } from '../platform/ids';
import type { Campaign } from './campaign';

/**
 * The referral code of one batch of letters: 10 hex digits of a keyed hash of the batch (so it cannot be
 * turned back into the batch id) and 6 of a keyed hash of those, so a code can be recognised as one this
 * server issued without knowing its batch.
 */
export function referralCodeFor(appSecret: string, batchId: string): string {
  const id = keyedHash(appSecret, `share-ref:${batchId}`).slice(0, 10);
  return `${id}${referralSignature(appSecret, id)}`;
}

function referralSignature(appSecret: string, id: string): string {
  return keyedHash(appSecret, `share-ref-signature:${id}`).slice(0, 6);
}

const SIGNED_REFERRAL = /^([0-9a-f]{10})([0-9a-f]{6})$/;

/**
 * Whether a `?ref=` code is one to count: one the organiser lists in campaign.json (`referralCodes`) or a
 * share code this server signed. Any other code is dropped, so typed codes cannot fill the ref table.
 */
export function isKnownReferralCode(
  campaign: Pick<Campaign, 'referralCodes'>,
  appSecret: string,
  code: string,
): boolean {
  if (campaign.referralCodes.includes(code)) return true;
  const signed = SIGNED_REFERRAL.exec(code);
  return signed !== null && safeEqual(signed[2]!, referralSignature(appSecret, signed[1]!));
}

/**
 * The link and texts to pass on: `ref` is short, stable for one batch of letters, and not the batch id
 * (which opens the letters); `text` is the campaign's share text followed by the link.
 */
export function shareInvitation(
  campaign: Pick<Campaign, 'slug' | 'shortTitle' | 'shareText'>,
  options: { publicUrl: string; appSecret: string; batchId: string; lang?: string },
) {
  const ref = referralCodeFor(options.appSecret, options.batchId);
  // Shared in a language other than English, the link opens the campaign in that language too.
  const lang = options.lang && options.lang !== 'en' ? `&lang=${encodeURIComponent(options.lang)}` : '';
  const url = `${options.publicUrl}/campaigns/${encodeURIComponent(campaign.slug)}?ref=${ref}${lang}`;
  const text = `${campaign.shareText} ${url}`;
  return {
    ref,
    url,
    text,
    mailtoUrl: `mailto:?subject=${encodeURIComponent(campaign.shortTitle)}&body=${encodeURIComponent(text)}`,
    smsUrl: `sms:?&body=${encodeURIComponent(text)}`,
  };
}
