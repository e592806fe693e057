import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, sessionCookieOf, startTestServer, type TestServer } from '../channels/web/harness.ts';
import { launchBrowser, SKIP_BROWSER } from '../support/browser.ts';
import { ROOT } from './launch.ts';

/**
 * Issue 8's "done when" in a real Chromium on a phone-sized screen, against the real server on 127.0.0.1:
 * the receipt page prints (and saves as a PDF) with its one script allowed by the page's CSP; its QR link opens
 * the check page, which says valid; the /verify page accepts the genuine file and rejects an edited one,
 * saying where, in Chinese and English. Leaves screenshots and the PDF in test-artifacts/.
 */
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A free loopback port, so PUBLIC_URL (signed into each receipt) can be this very server. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const address = probe.address();
  await new Promise((ok) => probe.close(ok));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.skipIf(SKIP_BROWSER)('receipt checks in Chromium', () => {
  let t: TestServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let receipt: { id: string; token: string; html: string };
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestServer({ PUBLIC_URL: base });
    await t.server.listen({ host: '127.0.0.1', port });
    // A receipt from a real conversation over the chat API: 卡盟网站 → auto-renewal → website → worked.
    const first = await postChat(t.server, { text: '/start', messageId: 'b1' });
    const cookie = sessionCookieOf(first);
    let ref: { id: string; token: string } | undefined;
    for (const [i, text] of ['1', '1', '1', '1', '成功了', '没有了，结束'].entries()) {
      const res = await postChat(t.server, { text, messageId: `b${i + 2}` }, { cookie });
      ref = res.json().replies.find((r: { receipt?: unknown }) => r.receipt)?.receipt ?? ref;
    }
    if (!ref) throw new Error('no receipt at the end of the path');
    const html = await t.server.inject({ method: 'GET', url: `/receipts/${ref.id}?t=${ref.token}` });
    receipt = { ...ref, html: html.body };

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
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the receipt page offers print / save as PDF (its script runs under the page CSP) and hides it in print', async () => {
    await page.goto(`${base}/receipts/${receipt.id}?t=${receipt.token}`);
    const button = page.locator('#print');
    await button.waitFor({ state: 'visible' });
    expect(await button.textContent()).toBe('打印 / 存为 PDF');
    // Clicking calls window.print (stubbed here: a headless browser has no print dialog).
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed += 1;
      };
    });
    await button.click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    // The QR code is drawn inline, square and large enough to scan from a phone screen.
    const qr = await page.locator('svg.qr').boundingBox();
    expect(qr?.width).toBeGreaterThanOrEqual(140);
    expect(qr?.height).toBe(qr?.width);
    await page.screenshot({ path: join(ARTIFACTS, 'receipt-page.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.actions').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    // Save as PDF: what a phone's print sheet produces.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(ARTIFACTS, 'receipt.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });

  it('the printed check link (the QR code’s target) opens a page that says valid, in both languages', async () => {
    const href = await page.locator('#verify-link').getAttribute('href');
    expect(href).toBe(`${base}/v/${receipt.id}?t=${receipt.token}`);
    await page.locator('#verify-link').click();
    await page.waitForURL(`${base}/v/**`);
    const verdict = page.locator('#verdict');
    expect(await verdict.getAttribute('class')).toBe('ok');
    expect(await verdict.textContent()).toContain('有效：这份收据由本服务签发');
    expect(await verdict.textContent()).toContain('Valid: this receipt was issued by this service');
    expect(await verdict.textContent()).toContain(receipt.id);
    await page.screenshot({ path: join(ARTIFACTS, 'verify-link.png'), fullPage: true });
  });

  it('/verify accepts the genuine receipt file and rejects one whose visible amount was edited, saying where', async () => {
    await page.goto(`${base}/verify`);
    const input = page.locator('#file');
    await input.setInputFiles({
      name: `${receipt.id}.html`,
      mimeType: 'text/html',
      buffer: Buffer.from(receipt.html),
    });
    const verdict = page.locator('#file-result #verdict');
    await expect.poll(() => verdict.getAttribute('class')).toBe('ok');
    expect(await verdict.textContent()).toContain('有效：');

    const cut = receipt.html.indexOf('<script>');
    const edited = `${receipt.html.slice(0, cut).replace('<dd>卡盟网站</dd>', '<dd>爱奇艺 VIP</dd>')}${receipt.html.slice(cut)}`;
    expect(edited).not.toBe(receipt.html);
    await input.setInputFiles({
      name: `${receipt.id}.html`,
      mimeType: 'text/html',
      buffer: Buffer.from(edited),
    });
    await expect.poll(() => verdict.getAttribute('class')).toBe('bad');
    const text = await verdict.textContent();
    expect(text).toContain('无效：网页上显示的内容和签名的内容不一致。');
    expect(text).toContain('位置：概要 › 平台。网页显示「爱奇艺 VIP」，签名的内容是「卡盟网站」。');
    expect(text).toContain('Not valid: what the web page shows differs from what was signed.');
    await page.screenshot({ path: join(ARTIFACTS, 'verify-edited.png'), fullPage: true });
  });

  it('/verify checks a pasted receipt link without any script', async () => {
    await page.goto(`${base}/verify`);
    await page.locator('#link').fill(`${base}/v/${receipt.id}?t=${receipt.token}`);
    await page.locator('#link-form button').click();
    await page.waitForURL(`${base}/verify?link=**`);
    expect(await page.locator('#verdict').getAttribute('class')).toBe('ok');
  });

  it('ran without console errors, CSP violations or requests to other hosts', () => {
    expect(problems).toEqual([]);
  });
});
