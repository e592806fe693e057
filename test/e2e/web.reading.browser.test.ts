import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../src/channels/web/chatRequest.ts';
import { startTestServer, type TestServer } from '../channels/web/harness.ts';
import { launchBrowser, SKIP_BROWSER } from '../support/browser.ts';
import { TO_TICKET_QUESTION_ZH } from '../support/scripts.ts';
import { countInView, openPhone, ready, screenshot, sendAsPage } from './webPhone.ts';

/**
 * Reading and keeping what the guide says, on a 390×844 phone in a real Chromium against the real server:
 * after a tap the start of a long reply is in view (not its end), the drafted letters are cards that copy
 * to the clipboard, button n answers what typing n answers, and "my data" is a file to download.
 */

/** From the welcome to the ticket-number question of a wrongful auto-deduction (the letters come next). */
const TO_TICKET_QUESTION = [...TO_TICKET_QUESTION_ZH];

describe.skipIf(SKIP_BROWSER)('web chat: reading and keeping replies', () => {
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

  /** A new user on a phone, standing at the ticket-number question with its 「跳过」 button on screen. */
  async function atTicketQuestion(options: Parameters<typeof openPhone>[2] = {}) {
    const phone = await openPhone(browser, base, options);
    problems.push(phone.problems);
    await sendAsPage(phone.page, base, TO_TICKET_QUESTION);
    await phone.page.reload();
    await ready(phone.page);
    await phone.page.locator('#log .choice', { hasText: '跳过' }).waitFor();
    return phone;
  }

  const letterTexts = (page: Page) => page.locator('#log .letter .text').allTextContents();

  describe('after a tap that brings the two letters', () => {
    let page: Page;

    beforeAll(async () => {
      ({ page } = await atTicketQuestion({ permissions: ['clipboard-read', 'clipboard-write'] }));
      await page.locator('#log .choice', { hasText: '跳过' }).click();
      await page.locator('#log .letter').nth(1).waitFor();
    });

    it('shows the start of the first new message, not the end, and moves focus there', async () => {
      const view = await page.evaluate(() => {
        const pane = document.getElementById('scroller') as HTMLElement;
        const echo = Array.from(document.querySelectorAll('#log .msg.user')).at(-1) as HTMLElement;
        const first = echo.nextElementSibling as HTMLElement;
        const last = document.querySelector('#log > :last-child') as HTMLElement;
        const top = pane.getBoundingClientRect().top;
        return {
          paneHeight: pane.clientHeight,
          firstTop: first.getBoundingClientRect().top - top,
          firstText: first.querySelector('.text')?.textContent ?? '',
          newHeight: last.getBoundingClientRect().bottom - first.getBoundingClientRect().top,
          fromEnd: pane.scrollHeight - pane.clientHeight - pane.scrollTop,
          focused: document.activeElement === first,
        };
      });
      expect(view.firstText).toMatch(/^根据你提供的信息，我写好了两份文本/);
      // The reply is longer than two screens, and the pane shows its first line, just below the top.
      expect(view.newHeight).toBeGreaterThan(2 * view.paneHeight);
      expect(view.firstTop).toBeGreaterThanOrEqual(0);
      expect(view.firstTop).toBeLessThan(40);
      expect(view.fromEnd).toBeGreaterThan(view.paneHeight);
      expect(view.focused).toBe(true);
      await screenshot(page, 'web-letters-start.png');
    });

    it('shows each letter as its own card with a title, in reading order before the question', async () => {
      expect(await page.locator('#log .letter h2').allTextContents()).toEqual([
        '给商家的书面要求',
        '12315 投诉文本',
      ]);
      const [demand, complaint] = await letterTexts(page);
      expect(demand).toMatch(/^致 某某卡盟（网址：kamen\.example\.com）：\n\n事由：/);
      expect(complaint).toMatch(/^被投诉方：某某卡盟/);
      // Each card is named by its title for screen readers, and its copy button is described by it.
      const card = page.getByRole('article', { name: '12315 投诉文本' });
      expect(await card.getByRole('button', { name: '复制全文' }).getAttribute('aria-describedby')).toBe(
        await card.locator('h2').getAttribute('id'),
      );
      // Tab from the focused reply reaches the copy buttons, then the question's choices.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('copy');
    });

    it('copies a letter to the clipboard and says so in the page language', async () => {
      const [demand, complaint] = await letterTexts(page);
      const cards = page.locator('#log .letter');
      await cards.nth(1).getByRole('button', { name: '复制全文' }).click();
      await expect.poll(() => cards.nth(1).locator('.copy-status').textContent()).toMatch(/^已复制。/);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(complaint);
      await cards.nth(0).getByRole('button', { name: '复制全文' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(demand);
      expect(await cards.nth(0).locator('.copy-status').getAttribute('role')).toBe('status');
    });
  });

  it('copies without the Clipboard API (plain http), and selects the text when nothing can copy', async () => {
    const { page } = await atTicketQuestion({ permissions: ['clipboard-read', 'clipboard-write'] });
    // As on a page served over plain http: no navigator.clipboard for the page (the test keeps a reader).
    await page.evaluate(() => {
      const real = navigator.clipboard;
      Object.assign(window, { readClipboard: () => real.readText() });
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
    });
    await page.locator('#log .choice', { hasText: '跳过' }).click();
    const cards = page.locator('#log .letter');
    await cards.nth(1).waitFor();
    const [demand, complaint] = await letterTexts(page);
    await cards.nth(0).getByRole('button', { name: '复制全文' }).click();
    await expect.poll(() => cards.nth(0).locator('.copy-status').textContent()).toMatch(/^已复制。/);
    const read = () =>
      page.evaluate(() => (window as unknown as { readClipboard(): Promise<string> }).readClipboard());
    expect(await read()).toBe(demand);
    // The hidden text box is gone and focus is back on the button.
    expect(await page.locator('.copy-buffer').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('copy');
    // Nothing can copy: the letter is selected for a long-press, and the page says what to do.
    await page.evaluate(() => {
      document.execCommand = () => false;
    });
    await cards.nth(1).getByRole('button', { name: '复制全文' }).click();
    await expect
      .poll(() => cards.nth(1).locator('.copy-status').textContent())
      .toBe('没能自动复制。文字已经选中：长按选中的文字，再点「复制」。');
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(complaint);
    expect(await read()).toBe(demand);
  });

  it('numbers the buttons, and button n answers what typing n answers', async () => {
    const typing = await openPhone(browser, base);
    const tapping = await openPhone(browser, base);
    problems.push(typing.problems, tapping.problems);
    const numbers = await tapping.page.locator('#log .choice .num').allTextContents();
    expect(numbers).toEqual(['1', '2', '3']);
    const shown = async (p: Page) => ({
      said: await p.locator('#log .msg.guide .text').last().textContent(),
      choices: await p.locator('#log .choice .label').allTextContents(),
    });
    /** Waits until `p` has answered the message echoed as `echo`. */
    const answered = async (p: Page, echo: string) => {
      await expect.poll(() => p.locator('#log .msg.user .text').last().textContent()).toBe(echo);
      await expect.poll(() => p.locator('#log .pending').count()).toBe(0);
      await p.locator('#log .choice').first().waitFor();
    };
    for (const n of ['1', '4']) {
      const box = typing.page.getByLabel('输入消息');
      await box.fill(n);
      await box.press('Enter');
      const button = tapping.page.locator('#log .choice').nth(Number(n) - 1);
      const label = (await button.locator('.label').textContent()) ?? '';
      await button.click();
      await answered(typing.page, n);
      await answered(tapping.page, label);
      expect(await shown(typing.page)).toEqual(await shown(tapping.page));
      if (n === '1') {
        // Nine platforms and 「返回上一步」, numbered 1–10 as the engine counts them, all on one phone screen.
        const count = (await shown(tapping.page)).choices.length;
        expect(count).toBe(10);
        expect(await tapping.page.locator('#log .choice .num').allTextContents()).toEqual(
          Array.from({ length: count }, (_, i) => String(i + 1)),
        );
        expect(await countInView(tapping.page, '#log .choice')).toBe(count);
      }
    }
    // 1 → where it was bought, 4 → 爱奇艺 VIP: both users stand at the same next question.
    expect((await shown(tapping.page)).said).toBe('是哪种会员？');
    expect(await typing.page.locator('#log .msg.user .text').last().textContent()).toBe('4');
    expect(await tapping.page.locator('#log .msg.user .text').last().textContent()).toBe('爱奇艺 VIP');
  });

  it('offers "my data" as a file to download: the bubble holds the reply text, the file comes by the link', async () => {
    const { page } = await openPhone(browser, base);
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/api/chat') && r.request().method() === 'POST',
    );
    const box = page.getByLabel('输入消息');
    await box.fill('我的数据');
    await box.press('Enter');
    const replies = ((await (await answer).json()) as ChatResponse).replies;
    const withFile = replies.find((r) => r.files?.length);
    const file = withFile?.files?.[0];
    expect(file?.filename).toBe('cancelmate-my-data.json');
    const link = page.locator('#log .files a');
    await link.waitFor();
    expect(await link.textContent()).toBe('下载文件：cancelmate-my-data.json');
    expect(await link.getAttribute('download')).toBe('cancelmate-my-data.json');
    // The bubble holds one plain summary line; the data itself comes only through the link.
    const bubble = await page
      .locator('#log .msg.guide', { has: page.locator('.files a') })
      .locator('.text')
      .textContent();
    expect(bubble).toBe(withFile?.text);
    expect(bubble).toMatch(/^这是我保存的关于你的全部数据：\d+ 条消息/);
    expect(bubble).not.toContain('{');
    expect(bubble).not.toContain('"question"');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('cancelmate-my-data.json');
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as { transcript: unknown[] };
    expect(saved.transcript.length).toBeGreaterThan(0);
    expect(`${JSON.stringify(saved, null, 2)}\n`).toBe(file?.content);
  });

  it('ran without console errors or page errors', () => {
    expect(problems.flat()).toEqual([]);
  });
});
