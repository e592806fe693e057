import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PollingHandle, startPolling } from '../../../src/channels/telegram/polling.ts';
import { type Harness, startHarness } from './telegramHarness.ts';

let h: Harness;
let polling: PollingHandle | undefined;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await polling?.stop();
  polling = undefined;
  await h.close();
});

describe('startPolling (grammY runner against the fake long polling)', () => {
  it('deletes a webhook first, then serves several chats, each in order', async () => {
    await h.bot.api.setWebhook('https://cancelmate.example.org/telegram/webhook');
    h.api.calls.length = 0;
    polling = await startPolling(h.bot, h.app.logger);
    const zh = 41_001;
    const en = 41_002;
    h.api.pushUpdate(h.api.textUpdate(zh, '/start', { languageCode: 'zh-hans' }));
    h.api.pushUpdate(h.api.textUpdate(en, '/start', { languageCode: 'en' }));
    h.api.pushUpdate(h.api.textUpdate(zh, '1', { languageCode: 'zh-hans' }));
    await h.api.waitForCalls((c) => c.method === 'sendMessage' && c.status === 200, 3);

    const methods = h.api.calls.map((c) => c.method);
    expect(methods[0]).toBe('deleteWebhook');
    expect(methods.indexOf('getUpdates')).toBeGreaterThan(0);
    const poll = h.api.calls.find((c) => c.method === 'getUpdates');
    expect(poll?.params.allowed_updates).toEqual(['message', 'callback_query', 'edited_message']);
    expect(h.api.calls.every((c) => c.method !== 'getUpdates' || c.status !== 409)).toBe(true);

    const [welcome, platform] = h.api.sentTexts(zh);
    expect(welcome).toContain('会员取消助手');
    expect(platform).toContain('会员是在哪里买的');
    expect(h.api.sentTexts(en)[0]).toContain('What would you like to do?');
  });

  it('stops cleanly (twice is fine) and handles nothing afterwards', async () => {
    polling = await startPolling(h.bot, h.app.logger);
    await h.api.waitForCalls((c) => c.method === 'getUpdates');
    await polling.stop();
    await polling.stop();
    h.api.pushUpdate(h.api.textUpdate(41_003, '/start'));
    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.sentTexts(41_003)).toEqual([]);
  });
});
