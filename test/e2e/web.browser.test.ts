import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { startTestServer, type TestServer } from '../channels/web/harness.ts';
import { launchBrowser, SKIP_BROWSER } from '../support/browser.ts';
import { ROOT } from './launch.ts';

/**
 * The web chat in a real Chromium on a phone-sized screen, against the real server on 127.0.0.1:
 * a conversation in Chinese by tapping, a language switch, a reload that keeps the conversation, and
 * the keyboard. Leaves a screenshot in test-artifacts/ for a person to look at.
 */
const ARTIFACTS = join(ROOT, 'test-artifacts');

describe.skipIf(SKIP_BROWSER)('web chat in Chromium', () => {
  let t: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    base = await t.server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:'))
        problems.push(`external request: ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const log = () => page.locator('#log');
  const choice = (label: string) => page.locator('#log .choice', { hasText: label });
  async function tap(label: string) {
    await choice(label).click();
    await expect.poll(() => page.locator('#log .msg.user').last().textContent()).toContain(label);
  }

  it('walks a conversation in Chinese by tapping choices', async () => {
    await page.goto(base);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await choice('取消会员').waitFor();
    expect(await log().textContent()).toContain('我是会员取消助手');
    for (const label of ['取消会员', '卡盟网站', '自动续费', '网站', '下一页']) await tap(label);
    await choice('成功了').waitFor();
    // Step text keeps its line breaks and list numbers.
    const steps = page.locator('#log .msg.guide .text').last();
    expect(await steps.textContent()).toContain('\n4. ');
    expect(await steps.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    // Header and composer stay put; only the conversation scrolls.
    const layout = await page.evaluate(() => ({
      header: document.querySelector('header')?.getBoundingClientRect().top,
      composer: document.querySelector('form')?.getBoundingClientRect().bottom,
      pageScroll: document.scrollingElement?.scrollTop,
    }));
    expect(layout).toEqual({ header: 0, composer: 844, pageScroll: 0 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat.png') });
    await tap('成功了');
    await tap('没有了，结束');
    await choice('重新开始').waitFor();
    expect(await log().textContent()).toContain('祝一切顺利');
    // The receipt reply shows two links: the HTML page and the JSON data.
    const links = page.locator('#log .receipt a');
    expect(await links.allTextContents()).toEqual(['查看收据（网页）', '下载收据数据（JSON）']);
    const [html, data] = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(html).toMatch(/^\/receipts\/[^/?]+\?t=[^&]+$/);
    expect(data).toBe(html?.replace('?t=', '.json?t='));
    // "Download receipt": the page and the JSON are served, and the JSON verifies with the published key.
    const pageRes = await page.request.get(`${base}${html}`);
    expect(pageRes.status()).toBe(200);
    expect(pageRes.headers()['content-type']).toContain('text/html');
    expect(await pageRes.text()).toContain('会员取消收据');
    const receipt: unknown = await (await page.request.get(`${base}${data}`)).json();
    const pem = await (await page.request.get(`${base}/receipts/public-key`)).text();
    expect(verifyReceipt(receipt, publicKeyFromPem(pem))).toMatchObject({ ok: true });
    expect((await page.request.get(`${base}${html?.replace(/\?t=.*/, '?t=wrong')}`)).status()).toBe(404);
    // Only the newest reply offers buttons.
    expect(await page.locator('#log .choice').count()).toBe(1);
  });

  it('switches to English with the language switch', async () => {
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await expect.poll(() => log().textContent()).toContain('Switched to English.');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#restart').textContent()).toBe('Restart');
    expect(
      await page.getByRole('button', { name: 'English', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await page.getByLabel('Your message').getAttribute('placeholder')).toMatch(/^Type a reply/);
    await choice('Start over').waitFor();
  });

  it('keeps the conversation across a reload', async () => {
    await page.reload();
    await page.locator('#scroller[data-ready="true"]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const earlier = page.locator('#history');
    expect(await earlier.locator('.msg.user .text').allTextContents()).toEqual(
      expect.arrayContaining(['取消会员 / 自动续费', '卡盟网站', 'English']),
    );
    expect(await earlier.textContent()).not.toContain('/start');
    expect(await log().textContent()).toContain('Welcome back');
    expect(await page.locator('#log .choice .label').allTextContents()).toEqual(['Start over']);
    // The receipt is offered again under the message that handed it out, with the same token links as before.
    const withReceipt = earlier.locator('.msg.guide', { has: page.locator('.receipt a') });
    expect(await withReceipt.count()).toBe(1);
    expect(await withReceipt.locator('.text').textContent()).toMatch(
      /收据已生成（编号 R-\d{8}-[0-9A-F]{8}）/,
    );
    const again = await withReceipt
      .locator('.receipt a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(again).toEqual([
      expect.stringMatching(/^\/receipts\/R-\d{8}-[0-9A-F]{8}\?t=[A-Za-z0-9_-]{24}$/),
      expect.stringMatching(/^\/receipts\/R-\d{8}-[0-9A-F]{8}\.json\?t=[A-Za-z0-9_-]{24}$/),
    ]);
    expect((await page.request.get(`${base}${again[1]}`)).status()).toBe(200);
    // The link works in another browser (a fresh context: no cookie, no session), as it would for a merchant.
    const stranger = await browser.newContext();
    try {
      const other = await stranger.newPage();
      const res = await other.goto(`${base}${again[0]}`);
      expect(res?.status()).toBe(200);
      expect(await other.locator('body').textContent()).toContain('会员取消收据');
    } finally {
      await stranger.close();
    }
    // The header fits on one row in English too.
    const header = await page.locator('header').boundingBox();
    expect(header?.height).toBeLessThan(80);
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat-reloaded.png') });
  });

  it('works from the keyboard: Tab to a choice, Enter presses it, focus moves to the reply, Tab to its choices', async () => {
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    let onChoice = false;
    for (let i = 0; i < 12 && !onChoice; i++) {
      await page.keyboard.press('Tab');
      onChoice = await page.evaluate(() => document.activeElement?.classList.contains('choice') === true);
    }
    expect(onChoice, 'Tab never reached a choice button').toBe(true);
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).toBe('solid'); // focus is visible
    await page.keyboard.press('Enter');
    await expect.poll(() => log().textContent()).toContain('OK, starting over.');
    // Focus lands on the start of the reply (a screen reader reads on from there), then Tab reaches its choices.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.querySelector('.text')?.textContent ?? ''))
      .toMatch(/^OK, starting over\./);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toMatch(/^1Cancel/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#log .msg.user .text').last().textContent()).toMatch(/^Cancel/);
    await choice('Back').waitFor();
  });

  it('sends typed text with Enter', async () => {
    const box = page.getByLabel('Your message');
    await box.fill('help');
    await box.press('Enter');
    await expect.poll(() => log().textContent()).toContain('You can type at any time');
    expect(await box.inputValue()).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat-en.png') });
  });

  it('ran without console errors, CSP violations or requests to other hosts', () => {
    expect(problems).toEqual([]);
  });
});
