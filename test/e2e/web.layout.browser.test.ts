import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../channels/web/harness.ts';
import { launchBrowser, SKIP_BROWSER } from '../support/browser.ts';
import { countInView, openPhone, screenshot } from './webPhone.ts';

/**
 * The web chat's layout on small and enlarged screens, in a real Chromium, asserted with bounding boxes and
 * screenshot sizes (never pixels): a 360×640 phone, 200% page zoom on a 390×844 phone (Chrome for
 * Android's and Safari's text-size settings zoom the page: 195×422 CSS pixels), and a 200% default font
 * size (the browser's text-size setting; the page sizes everything in rem). Each screen shows the ten-way
 * platform question. Screenshots go to test-artifacts/.
 */

/** What a screen shows, measured in the page. */
interface Layout {
  viewport: { width: number; height: number };
  header: { top: number; bottom: number; height: number };
  /** Vertical centres of the header's visible items (title, language button(s), restart). */
  headerRows: number[];
  /** The language button the user can press, with whether its text fits inside it. */
  langButton: { text: string; left: number; right: number; fits: boolean };
  composerTop: number;
  pageOverflow: number;
  paneOverflow: number;
  fontSize: string;
}

function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const box = (el: Element) => el.getBoundingClientRect();
    const visible = (el: Element) => box(el).width > 1 && getComputedStyle(el).display !== 'none';
    const header = box(document.querySelector('header') as Element);
    const items = Array.from(document.querySelectorAll('header h1, header .tool')).filter(visible);
    const lang = Array.from(document.querySelectorAll<HTMLElement>('.lang .tool')).filter(
      (b) => visible(b) && b.getAttribute('aria-pressed') === 'false',
    )[0] as HTMLElement;
    const pane = document.getElementById('scroller') as HTMLElement;
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight },
      header: { top: header.top, bottom: header.bottom, height: header.height },
      headerRows: items.map((el) => box(el).top + box(el).height / 2),
      langButton: {
        text: lang.textContent ?? '',
        left: box(lang).left,
        right: box(lang).right,
        fits: lang.scrollWidth <= lang.clientWidth,
      },
      composerTop: box(document.querySelector('form') as Element).top,
      pageOverflow: (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth,
      paneOverflow: pane.scrollWidth - pane.clientWidth,
      fontSize: getComputedStyle(document.body).fontSize,
    };
  });
}

/**
 * The header is one row, nothing scrolls sideways, the language button shows all its text, and the
 * composer stays small.
 */
function expectFrameHolds(layout: Layout, langText: string) {
  expect(layout.header.top).toBe(0);
  const rows = layout.headerRows;
  expect(Math.max(...rows) - Math.min(...rows), `header items on several rows: ${rows}`).toBeLessThan(6);
  expect(layout.header.height).toBeLessThan(70);
  expect(layout.pageOverflow).toBeLessThanOrEqual(0);
  expect(layout.paneOverflow).toBeLessThanOrEqual(0);
  expect(layout.langButton).toMatchObject({ text: langText, fits: true });
  expect(layout.langButton.left).toBeGreaterThanOrEqual(0);
  expect(layout.langButton.right).toBeLessThanOrEqual(layout.viewport.width);
  // The composer (safety line, text box) leaves the conversation most of the screen.
  expect(layout.viewport.height - layout.composerTop).toBeLessThanOrEqual(layout.viewport.height * 0.22);
}

describe.skipIf(SKIP_BROWSER)('web chat layout', () => {
  let t: TestServer;
  let base: string;
  let browser: Browser;
  const problems: string[][] = [];

  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '10000' });
    base = await t.server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A new user on `screen`, at the platform question, optionally with the browser's default font at `fontPx`. */
  async function atPlatforms(screen: BrowserContextOptions, fontPx?: number) {
    const phone = await openPhone(browser, base, screen);
    problems.push(phone.problems);
    if (fontPx) {
      const cdp = await phone.context.newCDPSession(phone.page);
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontPx, fixed: fontPx } });
    }
    await phone.page.locator('#log .choice').first().click();
    await phone.page.locator('#log .choice', { hasText: 'Google Play' }).waitFor();
    return phone.page;
  }

  it('360×640: a one-row header, nothing sideways, and most of the ten platform choices in view', async () => {
    const page = await atPlatforms({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
    const layout = await measure(page);
    expectFrameHolds(layout, 'English');
    expect(await page.getByRole('heading', { name: '会员取消助手' }).isVisible()).toBe(true);
    expect(await page.locator('#log .choices.compact').count()).toBe(1);
    expect(await countInView(page, '#log .choice')).toBeGreaterThanOrEqual(8);
    expect(await screenshot(page, 'web-360x640.png')).toEqual({ width: 720, height: 1280 });
  });

  it('200% page zoom on a phone (195×422 CSS pixels): English is whole, and several choices fit', async () => {
    const page = await atPlatforms({ viewport: { width: 195, height: 422 }, deviceScaleFactor: 4 });
    const layout = await measure(page);
    expectFrameHolds(layout, 'English');
    // The title gives way on screen but stays the page's heading for screen readers.
    expect(await page.getByRole('heading', { name: '会员取消助手' }).count()).toBe(1);
    const between = await page.evaluate(
      ([top, bottom]) =>
        Array.from(document.querySelectorAll('#log .choice')).filter((b) => {
          const r = b.getBoundingClientRect();
          return r.top >= (top as number) && r.bottom <= (bottom as number);
        }).length,
      [layout.header.bottom, layout.composerTop],
    );
    expect(between).toBeGreaterThanOrEqual(2);
    expect(await screenshot(page, 'web-zoom200.png')).toEqual({ width: 780, height: 1688 });
    // In English the switch offers 中文, just as whole.
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expectFrameHolds(await measure(page), '中文');
    // The pressed button is hidden now; focus went to the reply, not lost to the page.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.querySelector('.text')?.textContent ?? ''))
      .toMatch(/^Switched to English\./);
    expect(await screenshot(page, 'web-zoom200-en.png')).toEqual({ width: 780, height: 1688 });
  });

  it('200% text size on a 390×844 phone: the page grows with it and still holds', async () => {
    const page = await atPlatforms({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 }, 32);
    const layout = await measure(page);
    expect(layout.fontSize).toBe('34px'); // 1.0625rem of a 32px default: the setting took effect
    expectFrameHolds(layout, 'English');
    expect(await countInView(page, '#log .choice')).toBeGreaterThanOrEqual(3);
    // Two 9em buttons no longer fit side by side: the list falls back to one column.
    const lefts = await page
      .locator('#log .choice')
      .evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().left));
    expect(new Set(lefts).size).toBe(1);
    expect(await screenshot(page, 'web-text200.png')).toEqual({ width: 780, height: 1688 });
  });

  it('ran without console errors or page errors', () => {
    expect(problems.flat()).toEqual([]);
  });
});
