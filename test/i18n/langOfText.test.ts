import { describe, expect, it } from 'vitest';
import { langOfText } from '../../src/i18n/lang.ts';

describe('langOfText: the language a typed message is clearly written in', () => {
  it('reads English sentences and Chinese sentences', () => {
    for (const t of ['iqiyi charged me again', 'I want a refund', 'how do I cancel', "it's not working"])
      expect(langOfText(t), t).toBe('en');
    for (const t of ['我在爱奇艺被自动扣了30块', '网站打不开了客服不理我'])
      expect(langOfText(t), t).toBe('zh-CN');
  });

  it('says nothing for names, pinyin, numbers, commands and short Chinese', () => {
    for (const t of [
      'aqy',
      'aiqiyi zidong xufei',
      'iqiyi vip',
      '1',
      '/start',
      'ok',
      '爱奇艺',
      '腾讯视频',
      'QQ会员',
    ])
      expect(langOfText(t), t).toBeUndefined();
  });
});
