import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ChatResponse } from '../../src/channels/web/chatRequest.ts';
import { ROOT } from './launch.ts';

/**
 * Helpers for the web chat's browser tests: a phone-sized page on the real server, messages sent through
 * the page's own cookie (to reach a late question quickly), and measurements of what is on screen.
 *
 * @example
 * const { page } = await openPhone(browser, base);
 * await sendAsPage(page, base, ['2', '自动续费扣的']);
 * await page.reload(); await ready(page);
 */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A 390×844 phone, as in the issue. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

/** A fresh browser context (its own cookie: a new user) with the chat open, and the problems it logs. */
export async function openPhone(
  browser: Browser,
  base: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ ...PHONE, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(base);
  await ready(page);
  return { context, page, problems };
}

/** Waits until the page has drawn its history and its first reply. */
export async function ready(page: Page): Promise<void> {
  await page.locator('#scroller[data-ready="true"]').waitFor();
}

let sent = 0;
/** Sends typed messages as this page's user (the page's cookie), without drawing them: set-up only. */
export async function sendAsPage(page: Page, base: string, texts: string[]): Promise<ChatResponse> {
  let last: ChatResponse | undefined;
  for (const text of texts) {
    sent += 1;
    const res = await page.request.post(`${base}/api/chat`, {
      data: { text, messageId: `setup-${Date.now().toString(36)}-${sent}` },
    });
    expect(res.status(), await res.text()).toBe(200);
    last = (await res.json()) as ChatResponse;
  }
  if (!last) throw new Error('sendAsPage needs at least one message');
  return last;
}

/** How many elements matching `selector` lie wholly inside the visible part of the conversation pane. */
export function countInView(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const pane = document.getElementById('scroller')?.getBoundingClientRect();
    if (!pane) return 0;
    return Array.from(document.querySelectorAll(sel)).filter((el) => {
      const box = el.getBoundingClientRect();
      return box.height > 0 && box.top >= pane.top - 0.5 && box.bottom <= pane.bottom + 0.5;
    }).length;
  }, selector);
}

/** The width and height a PNG says it has (bytes 16–23 of its IHDR chunk). */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Saves a screenshot of `page` in test-artifacts/ and returns its pixel size. */
export async function screenshot(page: Page, name: string): Promise<{ width: number; height: number }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return pngSize(await page.screenshot({ path: join(ARTIFACTS, name) }));
}
