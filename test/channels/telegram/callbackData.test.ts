import { describe, expect, it } from 'vitest';
import { callbackData, parseCallbackData } from '../../../src/channels/telegram/callbackData.ts';
import { CallbackDataTooLongError } from '../../../src/channels/telegram/errors.ts';
import { inlineKeyboard, renderReply } from '../../../src/channels/telegram/render.ts';
import { realApp } from './telegramHarness.ts';

describe('callback data', () => {
  it('encodes choice id and turn, and parses them back', () => {
    expect(callbackData('auto', 7)).toBe('auto|7');
    expect(callbackData('_restart', undefined)).toBe('_restart|');
    expect(parseCallbackData('auto|7')).toEqual({ choice: 'auto', turn: 7 });
    expect(parseCallbackData('tencent-video|12')).toEqual({ choice: 'tencent-video', turn: 12 });
    expect(parseCallbackData('_back|')).toEqual({ choice: '_back' });
  });

  it('does not claim other data (another feature of a host bot)', () => {
    for (const data of [undefined, '', 'ping', '|3', 'a|b', 'a|1|2', 'a b|1', 'a|1234567890'])
      expect(parseCallbackData(data)).toBeUndefined();
  });

  it('allows exactly 64 UTF-8 bytes and refuses more with a clear error', () => {
    expect(Buffer.byteLength(callbackData('a'.repeat(61), 99))).toBe(64);
    expect(() => callbackData('a'.repeat(62), 99)).toThrow(CallbackDataTooLongError);
    const cjk = `${'取消'.repeat(10)}费`; // 21 CJK characters = 63 bytes
    try {
      callbackData(cjk, 12);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CallbackDataTooLongError);
      const e = err as CallbackDataTooLongError;
      expect(e.bytes).toBe(66); // 63 + '|12'
      expect(e.choiceId).toBe(cjk);
      expect(e.message).toContain('Shorten that choice id in flows/');
    }
  });

  it('refuses a whole reply whose keyboard would not fit, before anything is sent', () => {
    const reply = {
      text: 'x',
      choices: [
        { id: 'ok', label: 'OK' },
        { id: 'x'.repeat(70), label: 'Too long' },
      ],
      turn: 1,
    };
    expect(() => renderReply(reply)).toThrow(CallbackDataTooLongError);
  });

  it('fits every choice id of the real flows and catalogue, even at a large turn', async () => {
    const { app, cleanup } = await realApp();
    try {
      const ids = new Set<string>(['_back', '_restart', ...app.bundle.catalogue.byId.keys()]);
      for (const state of Object.values(app.bundle.states))
        for (const c of state.choices ?? []) ids.add(c.id);
      expect(ids.size).toBeGreaterThan(10);
      expect(() =>
        inlineKeyboard(
          [...ids].map((id) => ({ id, label: id })),
          999_999_999,
        ),
      ).not.toThrow();
    } finally {
      await cleanup();
    }
  });
});
