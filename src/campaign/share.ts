/**
 * campaign/share: what a person who has sent their letters can pass on: a link to the campaign carrying
 * their own referral code (`?ref=`, counted per campaign in the organiser's view) and the campaign's
 * pre-written share text, as plain links (email, text message) with no third-party script or widget.
 */
import { keyedHash } from '../platform/ids';
import type { Campaign } from './campaign';

export interface ShareInvitation {
  /** Short, stable for one batch of letters, and not the batch id (which opens the letters). */
  ref: string;
  url: string;
  /** The campaign's share text followed by the link. */
  text: string;
  mailtoUrl: string;
  smsUrl: string;
}

/** The referral code of one batch of letters: a keyed hash, so it cannot be turned back into the batch id. */
export function referralCodeFor(appSecret: string, batchId: string): string {
  return keyedHash(appSecret, `share-ref:${batchId}`).slice(0, 10);
}

export function shareInvitation(
  campaign: Pick<Campaign, 'slug' | 'shortTitle' | 'shareText'>,
  options: { publicUrl: string; appSecret: string; batchId: string; lang?: string },
): ShareInvitation {
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
