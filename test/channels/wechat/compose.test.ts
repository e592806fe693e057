import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BRACKETED, numberedText } from '../../../src/channels/kit/numbered.ts';
import { type ComposeWords, composeReplies } from '../../../src/channels/wechat/compose.ts';
import { sentences, splitOversized } from '../../../src/channels/wechat/splitText.ts';
import { wechatTexts } from '../../../src/channels/wechat/texts.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { loadFlowBundle } from '../../../src/flows/bundle.ts';
import { createTranslator } from '../../../src/i18n/translator.ts';
import { ROOT } from '../../support/app.ts';

const tr = createTranslator(
  loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') }).locales,
);
const zh = wechatTexts(tr, 'zh-CN');
const en = wechatTexts(tr, 'en');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** A page without its footer. */
const body = (page: string) => page.replace(/\n\n[（(][^\n]*[）)]$/u, '');

describe('composeReplies', () => {
  it('merges replies into one message with numbered options and no footer when it fits', () => {
    const out = composeReplies(
      [
        { text: '好的，回到上一步。' },
        {
          text: '是哪种会员？',
          choices: [
            { id: 'auto', label: '自动续费' },
            { id: 'fixed', label: '固定时长' },
          ],
        },
      ],
      zh.compose,
    );
    expect(out.pages).toEqual(['好的，回到上一步。\n\n是哪种会员？\n回复 1：自动续费\n回复 2：固定时长']);
    expect(out.letters).toEqual([]);
  });

  it('shows the options of a typed-answer question by label (a typed number would be the answer itself)', () => {
    const fact: Reply = {
      text: '订单号是多少？',
      choices: [
        { id: '_skip', label: '跳过' },
        { id: '_back', label: '返回上一步' },
      ],
    };
    expect(composeReplies([fact], zh.compose).pages[0]).toBe(
      '订单号是多少？\n回复「跳过」\n回复「返回上一步」',
    );
    expect(composeReplies([fact], en.compose).pages[0]).toBe(
      '订单号是多少？\nReply "跳过"\nReply "返回上一步"',
    );
    // The terminal's numbering is unchanged.
    expect(numberedText(fact)).toBe('订单号是多少？\n[1] 跳过\n[2] 返回上一步');
    expect(numberedText(fact, BRACKETED)).toBe('订单号是多少？\n[1] 跳过\n[2] 返回上一步');
  });

  it('pages long content under the limit, between paragraphs, with the question and its options last', () => {
    const paras = Array.from(
      { length: 12 },
      (_, i) => `第 ${i + 1} 段：${'这是一段很长的说明文字，'.repeat(12)}（《消费者权益保护法》第二十六条）`,
    );
    const replies: Reply[] = [
      {
        text: `${paras.join('\n\n')}\n\n接下来？`,
        choices: [
          { id: 'a', label: '好' },
          { id: 'b', label: '不好' },
        ],
      },
    ];
    const { pages } = composeReplies(replies, zh.compose);
    expect(pages.length).toBeGreaterThan(2);
    for (const [i, p] of pages.entries()) {
      expect(bytes(p)).toBeLessThanOrEqual(2048);
      expect(
        p.endsWith(
          i < pages.length - 1
            ? `（第 ${i + 1}/${pages.length} 页 · 回复 n 看下一页）`
            : `（第 ${i + 1}/${pages.length} 页，完）`,
        ),
      ).toBe(true);
    }
    // Every paragraph whole on one page, in order; the question with its options on the last page.
    const joined = pages.map(body).join('\n\n');
    expect(joined).toBe(`${paras.join('\n\n')}\n\n接下来？\n回复 1：好\n回复 2：不好`);
    for (const p of paras) expect(pages.some((page) => page.includes(p))).toBe(true);
    expect(pages.at(-1)).toContain('接下来？\n回复 1：好\n回复 2：不好');
  });

  it('keeps a letter whole on a page of its own when it fits, and lists the letters for asking one at a time', () => {
    const letter = `致 某某卡盟：\n\n${'本人要求退还扣款。'.repeat(60)}\n\n日期：2026-11-30`;
    const replies: Reply[] = [
      { text: '我写好了两份文本。' },
      { kind: 'letter', title: '给商家的书面要求', text: letter },
      { kind: 'letter', title: '12315 投诉文本', text: letter.replace('致', '被投诉方') },
      { text: '继续吗？', choices: [{ id: 'next', label: '下一步' }] },
    ];
    const { pages, letters } = composeReplies(replies, zh.compose);
    expect(letters).toEqual([
      { title: '给商家的书面要求', text: letter },
      { title: '12315 投诉文本', text: letter.replace('致', '被投诉方') },
    ]);
    expect(pages.find((p) => p.includes('【给商家的书面要求】'))).toContain(letter);
    expect(pages.join('\n')).toContain('回复「信1」单独收到这份文书');
    expect(pages.join('\n')).toContain('回复「信2」');
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(pages.at(-1)).toContain('继续吗？\n回复 1：下一步');
  });

  it('cuts an oversized paragraph between sentences, never inside a citation, and still fits', () => {
    const citation =
      '（《消费者权益保护法实施条例》第十条第二款：经营者采取自动展期、自动续费等方式提供服务的，应当以显著方式提请消费者注意。）';
    const huge = `${'句子很长很长很长。'.repeat(60)}${citation}${'后面还有。'.repeat(60)}`;
    const { pages } = composeReplies([{ text: huge }], zh.compose);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(pages.some((p) => p.includes(citation))).toBe(true);
    expect(pages.map(body).join('')).toBe(huge);
  });

  it('cuts text without any break between characters, never inside one', () => {
    const emoji = '🙂'.repeat(1500);
    const { pages } = composeReplies([{ text: emoji }], en.compose);
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(pages.map(body).join('')).toBe(emoji);
    expect(pages.join('')).not.toContain('\uFFFD');
  });

  it('respects a smaller limit for every page', () => {
    const words: ComposeWords = zh.compose;
    const { pages } = composeReplies(
      [{ text: '一二三四五。'.repeat(100), choices: [{ id: 'a', label: '好' }] }],
      words,
      300,
    );
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(300);
  });
});

describe('splitText', () => {
  it('sentences end after 。！？; and a Latin stop with a space, not inside brackets', () => {
    expect(sentences('依据（见第十条。）如下。Then more. Done')).toEqual([
      '依据（见第十条。）如下。',
      'Then more. ',
      'Done',
    ]);
  });

  it('a piece within budget is kept; lines split before sentences', () => {
    expect(splitOversized({ text: 'ab', sep: '\n\n' }, 10)).toEqual([{ text: 'ab', sep: '\n\n' }]);
    expect(splitOversized({ text: 'aaaa\nbbbb', sep: '\n\n' }, 5)).toEqual([
      { text: 'aaaa', sep: '\n\n' },
      { text: 'bbbb', sep: '\n' },
    ]);
  });
});

describe('wechatTexts', () => {
  it('reads the next-page and letter requests in either language', () => {
    for (const say of [zh, en]) {
      expect(say.isNextPage('n')).toBe(true);
      expect(say.isNextPage(' N ')).toBe(true);
      expect(say.isNextPage('ｎ')).toBe(true);
      expect(say.isNextPage('no')).toBe(false);
      expect(say.letterNumber('信1')).toBe(1);
      expect(say.letterNumber('信 2')).toBe(2);
      expect(say.letterNumber('L2')).toBe(2);
      expect(say.letterNumber('letter 1')).toBe(1);
      expect(say.letterNumber('1')).toBeUndefined();
      expect(say.letterNumber('信')).toBeUndefined();
    }
  });

  it('never says 点 / tap where nothing can be tapped', () => {
    for (const [lang, say] of [
      ['zh-CN', zh],
      ['en', en],
    ] as const) {
      const help = say.reword(tr.common(lang, 'help'));
      const again = say.reword(`${tr.common(lang, 'facts.invalid.url')}${tr.common(lang, 'facts.again')}`);
      const hints = ['facts.merchantHint', 'facts.ticketHint'].map((k) => say.reword(tr.text(lang, k)));
      for (const t of [help, again, ...hints]) {
        expect(t).not.toMatch(/点[「按]|tap/i);
        expect(t).not.toBe('');
      }
      for (const key of [
        'choiceLine',
        'labelLine',
        'pageFooter',
        'pageFooterLast',
        'noMorePages',
        'letterHint',
        'sendText',
        'late',
        'receiptLink',
        'receiptNoLink',
        'noFiles',
      ])
        expect(
          say.say(key, { n: 1, label: 'x', page: 1, pages: 2, url: 'u', id: 'R' }),
          `${lang} ${key}`,
        ).not.toMatch(/点|tap|click|button|按钮/i);
    }
  });
});
