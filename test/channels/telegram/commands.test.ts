import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MENU_COMMANDS, menuCommands, setupCommands } from '../../../src/channels/telegram/commands.ts';
import { type Harness, startHarness } from './telegramHarness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('setupCommands', () => {
  it('sets the menu in Chinese for language_code zh and in English by default', async () => {
    await setupCommands(h.bot, h.app.engine);
    const calls = h.api.calls.filter((c) => c.method === 'setMyCommands');
    expect(calls.map((c) => [c.status, c.params.language_code])).toEqual([
      [200, 'zh'],
      [200, undefined],
    ]);
    const zh = await h.bot.api.getMyCommands({ language_code: 'zh' });
    const en = await h.bot.api.getMyCommands();
    expect(zh.map((c) => c.command)).toEqual([...MENU_COMMANDS]);
    expect(en.map((c) => c.command)).toEqual([...MENU_COMMANDS]);
    expect(zh.find((c) => c.command === 'receipt')?.description).toContain('收据');
    expect(en.find((c) => c.command === 'forget')?.description).toBe('Delete my data');
  });

  it('words every command in both languages from the locales, through the engine', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const menu = menuCommands(lang, h.app.engine);
      expect(menu.map((c) => c.command)).toEqual([...MENU_COMMANDS]);
      for (const c of menu) expect(c.description).not.toMatch(/^telegram\./);
    }
    expect(menuCommands('zh-CN', h.app.engine)).not.toEqual(menuCommands('en', h.app.engine));
  });
});
