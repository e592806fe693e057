import { describe, expect, it } from 'vitest';
import { normalize, understand } from '../../src/understand/match.ts';

const choices = [
  { id: 'wechatpay', words: ['微信支付', 'WeChat Pay', '微信', 'wechat'] },
  { id: 'alipay', words: ['支付宝', 'Alipay'] },
  { id: 'apple', words: ['Apple（App Store 订阅）', 'Apple (App Store subscriptions)', '苹果'] },
];
const ctx = {
  choices,
  commandWords: { back: ['返回', 'back'], help: ['帮助', 'help'], zh: ['中文'], en: ['english'] },
};

describe('understand', () => {
  it('selects by number, including full-width digits and brackets', () => {
    expect(understand('2', ctx)).toEqual({ kind: 'choice', id: 'alipay' });
    expect(understand('３', ctx)).toEqual({ kind: 'choice', id: 'apple' });
    expect(understand('[1]', ctx)).toEqual({ kind: 'choice', id: 'wechatpay' });
    expect(understand('4', ctx)).toEqual({ kind: 'text', text: '4' });
  });

  it('selects by a label in either language, case and punctuation aside', () => {
    expect(understand('alipay', ctx)).toEqual({ kind: 'choice', id: 'alipay' });
    expect(understand('  WeChat Pay。', ctx)).toEqual({ kind: 'choice', id: 'wechatpay' });
    expect(understand('支付宝！', ctx)).toEqual({ kind: 'choice', id: 'alipay' });
  });

  it('selects by a unique partial match or an alias inside a sentence', () => {
    expect(understand('App Store', ctx)).toEqual({ kind: 'choice', id: 'apple' });
    expect(understand('我是用微信付的钱', ctx)).toEqual({ kind: 'choice', id: 'wechatpay' });
    // Ambiguous: "支付" is in two labels.
    expect(understand('支付', ctx)).toEqual({ kind: 'text', text: '支付' });
  });

  it('recognises commands typed as words or with a slash (and a bot name)', () => {
    expect(understand('返回', ctx)).toEqual({ kind: 'command', command: 'back' });
    expect(understand('HELP', ctx)).toEqual({ kind: 'command', command: 'help' });
    expect(understand('/back@CancelMateBot', ctx)).toEqual({ kind: 'command', command: 'back' });
    expect(understand('/lang', ctx)).toEqual({ kind: 'command', command: 'language' });
    expect(understand('/unknown', ctx)).toEqual({ kind: 'text', text: '/unknown' });
  });

  it('selects by an ordinal in either language ("第一个", "the second one", "最后一个")', () => {
    expect(understand('第一个', ctx)).toEqual({ kind: 'choice', id: 'wechatpay' });
    expect(understand('选2', ctx)).toEqual({ kind: 'choice', id: 'alipay' });
    expect(understand('第三项', ctx)).toEqual({ kind: 'choice', id: 'apple' });
    expect(understand('the second one', ctx)).toEqual({ kind: 'choice', id: 'alipay' });
    expect(understand('option 3', ctx)).toEqual({ kind: 'choice', id: 'apple' });
    expect(understand('最后一个', ctx)).toEqual({ kind: 'choice', id: 'apple' });
    expect(understand('第九个', ctx)).toEqual({ kind: 'text', text: '第九个' });
    // 「一」 alone or 「15号」 is no ordinal.
    expect(understand('一', ctx)).toEqual({ kind: 'text', text: '一' });
  });

  it('with partial: false, only whole labels, numbers and command words count', () => {
    expect(understand('我是用微信付的钱', { ...ctx, partial: false })).toEqual({
      kind: 'text',
      text: '我是用微信付的钱',
    });
    expect(understand('微信支付', { ...ctx, partial: false })).toEqual({ kind: 'choice', id: 'wechatpay' });
    expect(understand('1', { ...ctx, partial: false })).toEqual({ kind: 'choice', id: 'wechatpay' });
  });

  it('leaves everything else as text', () => {
    expect(understand('', ctx)).toEqual({ kind: 'text', text: '' });
    expect(understand('我也不知道', ctx)).toEqual({ kind: 'text', text: '我也不知道' });
    expect(normalize('  ＡＢＣ  ')).toBe('abc');
  });
});
