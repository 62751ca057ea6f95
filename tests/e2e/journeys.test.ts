/**
 * End-to-end journeys in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against
 * the real app on 127.0.0.1 and a real SMTP sink: with JavaScript, without it, and in Arabic. Every page
 * visited is audited with axe-core (WCAG 2.2 A and AA rules) and photographed at 375 and 1280 px wide
 * into tests/e2e/screenshots/ (git-ignored). Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app';
import { openWritePage, saveLetters } from '../helpers/letter-forms';
import { cwcSettings, startCwcStandIn, type CwcStandIn } from '../helpers/cwc-stand-in';
import { SmtpSink } from '../helpers/smtp-sink';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(__dirname, 'screenshots');
const ADDRESS = '100 Main St, Springfield, IL 62704';
const ADMIN_TOKEN = 'e2e-organiser-token-0123456789';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: the end-to-end suite cannot run on CI`);
  console.warn(`tests/e2e skipped: ${CHROMIUM} not found (apt-get install chromium)`);
}
const describeIfBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(180_000);

let t: TestApp;
let sink: SmtpSink;
let server: Server;
let base: string;
let browser: Browser;
let cwc: CwcStandIn;

beforeAll(async () => {
  if (!haveChromium) return;
  sink = await SmtpSink.start();
  cwc = await startCwcStandIn({ apiKey: 'e2e-key' });
  t = await createTestApp({
    SMTP_URL: sink.url,
    MAIL_FROM: 'STOP CSAM campaign <letters@campaign.example.org>',
    PUBLIC_URL: 'http://localhost',
    ADMIN_TOKEN,
    // House letters go to the office through a local Communicating with Congress stand-in.
    ...cwcSettings({ house: cwc, apiKey: 'e2e-key' }),
  });
  server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  if (!haveChromium) return;
  expect(strayRequests).toEqual([]);
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
  await sink?.stop();
  await cwc?.close();
});

/** Every request a page makes that is not for the app on 127.0.0.1 (there should be none). */
const strayRequests: string[] = [];

/**
 * A browser context that records any request leaving 127.0.0.1. (Not `context.route`: intercepted
 * requests never turn into download events, and the PDF download is part of the journey.)
 */
async function newContext(
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...options,
  });
  context.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:'))
      strayRequests.push(request.url());
  });
  return context;
}

/** axe (WCAG 2.2 A/AA) on the page as it is, then screenshots at 375 and 1280 px. */
async function check(page: Page, name: string, options: { axe?: boolean } = {}): Promise<void> {
  if (options.axe !== false) {
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const violations = results.violations.map((v) => ({
      page: name,
      rule: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
    expect(violations).toEqual([]);
  }
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    // Nothing may push the page sideways: on a phone that is a page you have to scroll across to read.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect({ page: name, width, overflow }).toEqual({ page: name, width, overflow: 0 });
  }
  await page.setViewportSize(size);
}

/** The phone the letter page is measured on (an iPhone SE / 8 sized screen, the smaller common one). */
const PHONE = { width: 375, height: 667 };

/**
 * How many phone screens it takes from the top of the letter page to the bottom of the review button, and
 * how many letters are open. Goal: at most four screens, one letter open.
 */
async function composeOnPhone(page: Page): Promise<{ screens: number; open: number; overflow: number }> {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  const measured = await page.evaluate(() => {
    const button = document.querySelector('form.dc-compose button[type="submit"]')!;
    return {
      bottom: button.getBoundingClientRect().bottom + window.scrollY,
      open: document.querySelectorAll('details.dc-letter-editor[open]').length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
  if (size) await page.setViewportSize(size);
  return {
    screens: Math.round((measured.bottom / PHONE.height) * 100) / 100,
    open: measured.open,
    overflow: measured.overflow,
  };
}

async function fillSender(page: Page): Promise<void> {
  await page.selectOption('#prefix', 'Ms.');
  await page.fill('#name', 'Ana Núñez');
  await page.fill('#email', 'ana@example.org');
  await page.fill('#street', '100 Main St');
  await page.fill('#city', 'Springfield');
  await page.fill('#state', 'IL');
  await page.fill('#zip', '62704');
  await page.fill('#phone', '217-555-0100');
}

async function findAndWrite(page: Page, prefix: string, options: { axe?: boolean } = {}): Promise<void> {
  await page.goto(`${base}/`);
  const heading = (await page.locator('h1').innerText()).trim();
  expect(heading.length).toBeGreaterThan(10);
  expect(await page.title()).toContain(heading);
  await check(page, `${prefix}-1-home`, options);
  await page.fill('#address', ADDRESS);
  await page.getByRole('button', { name: 'Find my members' }).click();
  await page.waitForURL(/\/members\?/);
  expect(await page.locator('h1').textContent()).toBe('Your members of Congress');
  await check(page, `${prefix}-2-members`, options);
  await page.getByRole('button', { name: 'Write to your members' }).click();
  await page.waitForURL(/\/write\?/);
  expect(await page.locator('h1').textContent()).toBe('Write your letters');
}

async function saveAndDownload(page: Page, prefix: string, options: { axe?: boolean } = {}): Promise<string> {
  await page.getByRole('button', { name: 'Review my letters' }).click();
  await page.waitForSelector('text=This is exactly what will be sent');
  await check(page, `${prefix}-5-review`, options);
  await page.getByRole('button', { name: 'Save and choose how to send' }).click();
  await page.waitForURL(/\/letters\/batch\/[\w-]+$/);
  await check(page, `${prefix}-6-batch`, options);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download all letters as one PDF' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const file = await download.path();
  expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return page.url();
}

/** The progress page counts the printed letters. */
async function expectCounted(page: Page, prefix: string, atLeast: number): Promise<void> {
  const res = await page.goto(`${base}/campaigns/stop-csam/progress`);
  expect(res?.status()).toBe(200);
  const total = Number((await page.locator('.dc-progress__total').textContent())?.replace(/\D/g, ''));
  expect(total).toBeGreaterThanOrEqual(atLeast);
  await check(page, `${prefix}-8-progress`);
}

describeIfBrowser('journeys in Chromium', () => {
  test('when a person with JavaScript writes, saves, prints, emails and confirms, then every page passes axe and the letters are counted', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await findAndWrite(page, 'a-js');

    // A failed submit: the error summary takes focus and links to the field.
    await page.getByRole('button', { name: 'Review my letters' }).click();
    await page.waitForSelector('#error-summary');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    await check(page, 'a-js-3-errors');
    await page.locator('#error-summary a').first().click();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toMatch(/INPUT|TEXTAREA/);

    await fillSender(page);
    // On a phone the page fits four screens down to the review button, with one letter open.
    const phone = await composeOnPhone(page);
    expect(phone).toEqual({ screens: expect.any(Number), open: 1, overflow: 0 });
    expect(phone.screens).toBeLessThanOrEqual(4);
    // Opening another letter closes the first; its summary line says whose letter it is.
    const editors = page.locator('details.dc-letter-editor');
    await editors.nth(1).locator('summary').click();
    expect(await editors.nth(1).getAttribute('open')).not.toBeNull();
    expect(await editors.nth(0).getAttribute('open')).toBeNull();
    await editors.nth(0).locator('summary').click();
    const body = page.locator('textarea.dc-letter-body').first();
    const id = await body.getAttribute('id');
    const original = await body.inputValue();
    expect(await page.locator(`#${id}-summary`).textContent()).toMatch(/^The campaign's letter on /);
    // The preview is on demand; once shown it follows the edit, as do the word count and summary line.
    expect(await page.locator(`#${id}-preview-box`).isVisible()).toBe(false);
    await page.locator(`button.dc-preview-toggle[data-target="${id}"]`).click();
    expect(await page.locator(`#${id}-preview-box`).isVisible()).toBe(true);
    await body.fill(`${original}\n\nMy daughter is twelve.`);
    expect(await page.locator(`#${id}-summary`).textContent()).toMatch(/^Your edited letter on /);
    await page.waitForFunction(
      (previewId) => document.getElementById(previewId)?.textContent?.includes('My daughter is twelve.'),
      `${id}-preview`,
    );
    expect(await page.locator(`#${id}-words`).textContent()).toMatch(/^Words: \d+$/);
    // Reset brings the campaign text back.
    await page.locator(`button.dc-reset[data-target="${id}"]`).click();
    expect(await body.inputValue()).toBe(original);
    await body.fill(`${original}\n\nMy daughter is twelve.`);
    // A reload loses nothing: the draft comes back from localStorage.
    await page.reload();
    expect(await page.locator(`#${id}`).inputValue()).toContain('My daughter is twelve.');
    expect(await page.locator('#name').inputValue()).toBe('Ana Núñez');
    expect(await page.locator('.dc-draft-notice').isVisible()).toBe(true);
    await check(page, 'a-js-4-compose');

    const batchUrl = await saveAndDownload(page, 'a-js');
    expect(await page.evaluate(() => localStorage.getItem('dc-draft:stop-csam'))).toBeNull();

    // Email: the confirmation goes through the local SMTP sink; its link confirms the letters.
    await page.getByRole('button', { name: 'Email my letters' }).click();
    await page.waitForURL(/notice=confirmation-sent/);
    await t.runtime.worker.runOnce();
    const [mail] = await sink.waitForMessages(1);
    const link = /http:\/\/localhost(\/letters\/confirm\/[\w-]+)/.exec(mail!.parsed.text ?? '')?.[1];
    expect(link).toMatch(/^\/letters\/confirm\/[\w-]{20,}$/);
    // The link opens a page showing the letters; only its button confirms (scanners open links too).
    await page.goto(`${base}${link}`);
    await check(page, 'a-js-6b-confirm');
    await page.getByRole('button', { name: 'Send my letters' }).click();
    await page.waitForURL(/notice=confirmed/);
    expect(page.url().startsWith(batchUrl)).toBe(true);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('confirmed');
    // After sending: a share link with the person's referral code, and a working copy button.
    const shareUrl = await page.locator('#share-url').inputValue();
    expect(shareUrl).toMatch(/\/campaigns\/stop-csam\?ref=[0-9a-f]{16}$/);
    expect(await page.getByRole('button', { name: 'Copy link' }).isVisible()).toBe(true);
    await check(page, 'a-js-7-confirmed');

    // Minutes later: the House letter is in the office's system, and the page says so with its id.
    while ((await t.runtime.worker.runOnce()) > 0);
    await page.reload();
    const receipts = await page.locator('.dc-receipt').allTextContents();
    expect(receipts.join('\n')).toMatch(
      /Delivered to Representative Budzinski's office through Communicating with Congress, delivery id [0-9a-f]{32}/,
    );
    expect(cwc.received.map((d) => d.memberOffice)).toEqual(['HIL13']);
    expect(cwc.received[0]!.fields['Constituent.Prefix']).toBe('Ms.');
    await check(page, 'a-js-7b-delivered');

    await expectCounted(page, 'a-js', 3);
    await context.close();
  });

  test("when the organiser signs in with letters saved, then the admin page passes axe and its tables keep to a phone's width", async () => {
    const writer = request.agent(base);
    const write = await openWritePage(writer);
    await saveLetters(writer, { token: write.token }, { member: write.members });
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin`);
    await check(page, 'admin');
    await context.close();
  });

  test('when JavaScript is off, then the same journey still works from address to PDF', async () => {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await findAndWrite(page, 'b-nojs', { axe: false });
    await page.getByRole('button', { name: 'Review my letters' }).click();
    await page.waitForSelector('#error-summary');
    await check(page, 'b-nojs-3-errors', { axe: false });
    await fillSender(page);
    // Without JavaScript the enhancements stay hidden: no preview, no reset button.
    expect(await page.locator('.dc-preview').first().isVisible()).toBe(false);
    expect(await page.locator('button.dc-reset').first().isVisible()).toBe(false);
    // The letters still open and close (details/summary), and the page still fits four phone screens.
    const phone = await composeOnPhone(page);
    expect(phone).toEqual({ screens: expect.any(Number), open: 1, overflow: 0 });
    expect(phone.screens).toBeLessThanOrEqual(4);
    const second = page.locator('details.dc-letter-editor').nth(1);
    await second.locator('summary').click();
    expect(await second.locator('textarea').isVisible()).toBe(true);
    await check(page, 'b-nojs-4-compose', { axe: false });
    await saveAndDownload(page, 'b-nojs', { axe: false });
    await context.close();
  });

  test('when the interface is switched to Arabic, then pages are right to left, translated, and pass axe', async () => {
    const context = await newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${base}/?lang=ar`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('form.dc-lookup h2').textContent()).toBe('اعثر على ممثليك في الكونغرس');
    await check(page, 'c-ar-1-home');
    // The cookie keeps Arabic on the next pages; the switcher keeps the path.
    await page.fill('#address', ADDRESS);
    await page.getByRole('button', { name: 'اعثر على ممثليّ' }).click();
    await page.waitForURL(/\/members\?/);
    expect(await page.locator('h1').textContent()).toBe('ممثلوك في الكونغرس');
    // Mirrored, not shifted: the first card starts at the right edge of its list, as the first card of an
    // English list starts at its left edge.
    const cardOffset = await page.evaluate(() => {
      const list = document.querySelector('.usa-card-group')!.getBoundingClientRect();
      const card = document.querySelector('.usa-card')!.getBoundingClientRect();
      return Math.round(list.right - card.right);
    });
    expect(cardOffset).toBeLessThanOrEqual(0);
    await check(page, 'c-ar-2-members');
    await page.getByRole('button', { name: 'اكتب إلى ممثليك' }).click();
    await page.waitForURL(/\/write\?/);
    expect(await page.locator('h1').textContent()).toBe('اكتب رسائلك');
    expect(await page.locator('#english-note').textContent()).toContain('باللغة الإنجليزية');
    const phone = await composeOnPhone(page);
    expect(phone).toEqual({ screens: expect.any(Number), open: 1, overflow: 0 });
    expect(phone.screens).toBeLessThanOrEqual(4);
    // The campaign's Arabic translation of the open letter, marked as not sent, opens on demand.
    await page.locator('details.dc-letter-editor[open] details.dc-translation summary').click();
    expect(
      await page.locator('details.dc-letter-editor[open] .dc-translation__text').textContent(),
    ).toContain('أكتب إليكم');
    await check(page, 'c-ar-4-compose');
    // Review, save and the letters page, still in Arabic; the letters themselves stay English.
    await fillSender(page);
    await page.getByRole('button', { name: 'راجع رسائلي' }).click();
    await page.waitForSelector('h1:text("راجع رسائلك")');
    await check(page, 'c-ar-5-review');
    await page.getByRole('button', { name: 'احفظ واختر طريقة الإرسال' }).click();
    await page.waitForURL(/\/letters\/batch\/[\w-]+$/);
    expect(await page.locator('h1').textContent()).toBe('أرسل رسائلك');
    await check(page, 'c-ar-6-batch');
    await page.goto(`${base}/campaigns/stop-csam/progress`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await check(page, 'c-ar-8-progress');
    // The switcher leads back to English on the same page.
    await page.locator('nav.dc-languages a[hreflang="en"]').click();
    await page.waitForURL(/\/progress\?.*lang=en/);
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    expect(await page.locator('h2#by-state').textContent()).toBe('Letters by state');
    await context.close();
  });
});
