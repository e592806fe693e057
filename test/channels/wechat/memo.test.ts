import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MEMO_BUDGET_BYTES,
  MEMO_CAPS,
  MEMO_TTL_MS,
  parseMemo,
  queueLate,
  serializeMemo,
  settleAnswer,
  type WechatMemo,
} from '../../../src/channels/wechat/memo.ts';
import { type TestApp, testApp } from '../../support/app.ts';

// The WeChat memo's pure steps: bounded, aged, and a message id answered once.
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.cleanup();
});
const now = Date.parse('2026-11-25T01:00:00Z');
const ctx = () => ({ words: t.app.engine.words, defaultLang: 'zh-CN' as const, now });
const empty = (): WechatMemo => ({ late: [], answers: [] });

describe('parseMemo / serializeMemo', () => {
  it('reads nothing, garbage or another version as an empty memo; keeps nothing as null', () => {
    for (const text of [undefined, '', 'not json', '{"v":2,"late":[],"answers":[]}', '{"v":1,"late":"x"}'])
      expect(parseMemo(text, now)).toEqual(empty());
    expect(serializeMemo(empty())).toBeNull();
  });

  it('drops entries past their age', () => {
    const memo: WechatMemo = {
      view: { pages: ['p2'], letters: [], lang: 'zh-CN', at: now - MEMO_TTL_MS.view },
      late: [
        { id: 'old', replies: [{ text: 'x' }], at: now - MEMO_TTL_MS.late },
        { id: 'new', replies: [{ text: 'y' }], at: now - 1 },
      ],
      answers: [
        { id: 'a1', text: 'old', at: now - MEMO_TTL_MS.answers },
        { id: 'a2', text: 'new', at: now - 1 },
      ],
    };
    const back = parseMemo(serializeMemo(memo) ?? undefined, now);
    expect(back.view).toBeUndefined();
    expect(back.late.map((e) => e.id)).toEqual(['new']);
    expect(back.answers.map((a) => a.id)).toEqual(['a2']);
  });

  it('keeps at most the caps, newest first to stay, and stays within the byte budget', () => {
    let memo = empty();
    for (let i = 0; i < 20; i++) memo = queueLate(memo, `l${i}`, [{ text: `late ${i}` }], now);
    memo.answers = Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, text: `t${i}`, at: now }));
    const back = parseMemo(serializeMemo(memo) ?? undefined, now);
    expect(back.late.map((e) => e.id)).toEqual(['l15', 'l16', 'l17', 'l18', 'l19']);
    expect(back.answers).toHaveLength(MEMO_CAPS.answers);
    expect(back.answers.at(-1)?.id).toBe('a19');

    const page = '页'.repeat(680); // 2,040 bytes
    const huge: WechatMemo = {
      view: {
        pages: Array.from({ length: 200 }, (_, i) => `${i}${page}`),
        letters: [],
        lang: 'zh-CN',
        at: now,
      },
      late: [{ id: 'big', replies: [{ text: '迟'.repeat(30_000) }], at: now }],
      answers: [],
    };
    const text = serializeMemo(huge) ?? '';
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MEMO_BUDGET_BYTES);
    const kept = parseMemo(text, now);
    expect(kept.late).toEqual([]); // the late replies give way first, then the last pages
    expect(kept.view?.pages[0]?.startsWith('0')).toBe(true);
  });
});

describe('settleAnswer', () => {
  it('a message id answered once gets the same text again, and the memo stays as it was', () => {
    const first = settleAnswer(
      empty(),
      'm1',
      { kind: 'replies', replies: [{ text: '你好' }], lang: 'zh-CN' },
      ctx(),
    );
    expect(first.text).toBe('你好');
    const again = settleAnswer(
      first.memo,
      'm1',
      { kind: 'replies', replies: [{ text: '别的' }], lang: 'zh-CN' },
      ctx(),
    );
    expect(again).toEqual({ text: '你好', memo: first.memo });
  });

  it('「n」 with nothing left says so; a late reply is not queued once its retry was answered', () => {
    const none = settleAnswer(empty(), 'm2', { kind: 'next', lang: 'zh-CN' }, ctx());
    expect(none.text).toContain('这条回复已经全部发完了');
    expect(queueLate(none.memo, 'm2', [{ text: 'x' }], now)).toBe(none.memo);
  });

  it('keeps at most MEMO_CAPS.pages unread pages of a very long reply', () => {
    const paragraphs = Array.from({ length: 60 }, (_, i) => `第${i}段：${'长'.repeat(600)}`).join('\n\n');
    const out = settleAnswer(
      empty(),
      'm3',
      { kind: 'replies', replies: [{ text: paragraphs }], lang: 'zh-CN' },
      ctx(),
    );
    expect(out.text).toMatch(/（第 1\/\d+ 页/);
    expect(out.memo.view?.pages).toHaveLength(MEMO_CAPS.pages);
  });
});
