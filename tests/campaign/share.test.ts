import { referralCodeFor, shareInvitation } from '../../src/campaign/share';

const campaign = {
  slug: 'stop-csam',
  shortTitle: 'STOP CSAM Act',
  shareText: 'I wrote to Congress & you can too:',
};
const options = { publicUrl: 'https://letters.example.org', appSecret: 'secret-a', batchId: 'batch-123' };

describe('shareInvitation', () => {
  test('when built for a batch, then the link carries a short referral code that is not the batch id', () => {
    const share = shareInvitation(campaign, options);
    expect(share.ref).toMatch(/^[0-9a-f]{16}$/);
    expect(share.url).toBe(`https://letters.example.org/campaigns/stop-csam?ref=${share.ref}`);
    expect(share.url).not.toContain('batch-123');
    expect(share.text).toBe(`I wrote to Congress & you can too: ${share.url}`);
  });

  test('when the same batch shares twice, then the code is the same; another batch or secret gives another', () => {
    expect(referralCodeFor('secret-a', 'batch-123')).toBe(referralCodeFor('secret-a', 'batch-123'));
    expect(referralCodeFor('secret-a', 'batch-124')).not.toBe(referralCodeFor('secret-a', 'batch-123'));
    expect(referralCodeFor('secret-b', 'batch-123')).not.toBe(referralCodeFor('secret-a', 'batch-123'));
  });

  test('when turned into email and text-message links, then the text is URL-encoded', () => {
    const share = shareInvitation(campaign, options);
    expect(share.mailtoUrl).toBe(`mailto:?subject=STOP%20CSAM%20Act&body=${encodeURIComponent(share.text)}`);
    expect(share.mailtoUrl).not.toContain('&you');
    expect(share.smsUrl).toBe(`sms:?&body=${encodeURIComponent(share.text)}`);
  });

  test('when shared from a page in another language, then the link opens the campaign in that language', () => {
    const share = shareInvitation(campaign, { ...options, lang: 'ar' });
    expect(share.url).toBe(`https://letters.example.org/campaigns/stop-csam?ref=${share.ref}&lang=ar`);
    expect(shareInvitation(campaign, { ...options, lang: 'en' }).url).not.toContain('lang=');
  });
});
