import {
  isSafeEmailAddress,
  parseMailbox,
  safeDisplayName,
  sanitizeHeaderText,
} from '../../src/delivery/email-headers';

describe('sanitizeHeaderText', () => {
  it('removes CR, LF and other controls and collapses whitespace', () => {
    expect(sanitizeHeaderText('Hello\r\nBcc: victim@example.com')).toBe('Hello Bcc: victim@example.com');
    expect(sanitizeHeaderText('  a\t\tb\u0000c\u0085d\u2028e  ')).toBe('a b c d e');
    expect(sanitizeHeaderText('x\u202Eevil\u2066')).toBe('x evil');
  });

  it('breaks encoded-word openers so a mail client shows them literally', () => {
    expect(sanitizeHeaderText('=?utf-8?B?QmNjOiB4?=')).toBe('= ?utf-8?B?QmNjOiB4?=');
    expect(sanitizeHeaderText('=?=?')).not.toContain('=?');
    expect(sanitizeHeaderText('a = ? b')).toBe('a = ? b');
  });

  it('keeps Unicode text and cuts to a maximum length', () => {
    expect(sanitizeHeaderText('Zoë Łukasiewicz-Núñez')).toBe('Zoë Łukasiewicz-Núñez');
    expect(sanitizeHeaderText('x'.repeat(500))).toHaveLength(200);
    expect(sanitizeHeaderText('Ж'.repeat(50), 10)).toBe('Ж'.repeat(10));
  });
});

describe('safeDisplayName', () => {
  it('drops characters that could end the phrase or start an address', () => {
    expect(safeDisplayName('Eve\r\nBcc: victim@example.com')).toBe('Eve Bcc victim example.com');
    expect(safeDisplayName('"Bob" <bob@example.com>, Carol')).toBe('Bob bob example.com Carol');
    expect(safeDisplayName('Zoë Łukasiewicz-Núñez')).toBe('Zoë Łukasiewicz-Núñez');
    expect(safeDisplayName('\r\n')).toBe('');
  });
});

describe('isSafeEmailAddress', () => {
  it.each(['zoe@example.com', "o'brien@example.org", 'first.last+tag@sub.example.co.uk', 'x@bücher.de'])(
    'accepts %s',
    (addr) => expect(isSafeEmailAddress(addr)).toBe(true),
  );

  it.each([
    'eve@example.com\r\nBcc: victim@example.com',
    'a@example.com, b@example.com',
    '<a@example.com>',
    'a@b@example.com',
    'no-at-sign',
    '@example.com',
    'a@',
    'a@localhost',
    'a @example.com',
    'a..b@example.com',
    'a@-example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
    '"quoted"@example.com',
  ])('rejects %j', (addr) => expect(isSafeEmailAddress(addr)).toBe(false));
});

describe('parseMailbox (MAIL_FROM and every From the mailer sends)', () => {
  it('reads one address, with or without a name', () => {
    expect(parseMailbox('Campaign <letters@example.org>')).toEqual({
      name: 'Campaign',
      address: 'letters@example.org',
    });
    expect(parseMailbox('letters@example.org')).toEqual({ name: '', address: 'letters@example.org' });
  });

  it.each([
    'letters@localhost',
    'a@b.org, c@d.org',
    'x <a@b.org>\r\nBcc: c@d.org',
    'team: a@b.org, c@d.org;',
    'Campaign <not an address>',
  ])('refuses %j', (input) => expect(parseMailbox(input)).toBeUndefined());
});
