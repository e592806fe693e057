import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { analyze } from '../../src/understand/analyze.ts';
import { lexiconFor } from '../../src/understand/lexicon.ts';
import { ROOT } from '../support/app.ts';

const bundle = loadFlowBundle({
  flowsDir: join(ROOT, 'flows'),
  localesDir: join(ROOT, 'locales'),
  root: ROOT,
});
const NOW = new Date('2026-11-25T04:00:00Z');
const read = (text: string) => analyze(lexiconFor(bundle), text, NOW);

describe('analyze: platforms', () => {
  it.each([
    ['爱奇艺', 'iqiyi'],
    ['IQIYI VIP', 'iqiyi'],
    ['aqy', 'iqiyi'],
    ['aiqiyi', 'iqiyi'],
    ['ai qi yi', 'iqiyi'],
    ['txsp', 'tencent_video'],
    ['tengxun shipin huiyuan', 'tencent_video'],
    ['愛奇藝', 'iqiyi'],
    ['騰訊視頻', 'tencent_video'],
    ['腾讯视屏', 'tencent_video'],
    ['支付包', 'alipay'],
    ['iqiyl', 'iqiyi'],
    ['allipay', 'alipay'],
    ['Tencent Video', 'tencent_video'],
    ['QQ音乐绿钻', 'other'],
    ['爱 奇 艺', 'iqiyi'],
  ])('%s → %s', (text, id) => {
    const a = read(text);
    expect(a.platform).toBe(id);
    expect(a.confident).toBe(true);
  });

  it('marks a forgiven typo as a guess, and an exact name as not', () => {
    expect(read('腾讯视屏').guessed).toBe(true);
    expect(read('腾讯视频').guessed).toBe(false);
  });

  it('asks when a word means more than one platform, or two platforms are named', () => {
    expect(read('腾讯').candidates).toEqual(['tencent_video', 'qq']);
    expect(read('腾讯').confident).toBe(false);
    expect(read('爱奇艺和腾讯视频都要取消').candidates.sort()).toEqual(['iqiyi', 'tencent_video']);
  });

  it('takes the service or 卡盟 as the platform and the payment channel apart', () => {
    const a = read('我用微信付的卡盟会员这个月又扣了十五块');
    expect(a.platform).toBe('kamen');
    expect(a.payment).toBe('wechatpay');
    expect(read('微信自动续费怎么取消').platform).toBe('wechatpay');
  });

  it('reads no platform into web addresses, look-alike words or denials', () => {
    expect(read('kamen.example.com').platform).toBeUndefined();
    expect(read('余额提现被冻结了').platform).toBeUndefined();
    expect(read('帮我取消会员').platform).toBeUndefined();
    expect(read('不是爱奇艺，是腾讯视频').platform).toBe('tencent_video');
  });
});

describe('analyze: intents, slots and danger', () => {
  it('understands the issue examples', () => {
    expect(read('我在XX卡盟买的钻石会员被自动扣了30块')).toMatchObject({
      platform: 'kamen',
      intent: 'wrongful',
      slots: { membership: 'auto' },
      facts: { amount: '30.00 CNY', merchant: 'XX卡盟' },
      confident: true,
    });
    expect(read('iQIYI charged me again without telling me')).toMatchObject({
      platform: 'iqiyi',
      intent: 'wrongful',
      slots: { notice: 'no' },
    });
    expect(read('客服不理我')).toMatchObject({
      intent: 'blocked',
      intentImplied: true,
      slots: { reason: 'noanswer' },
    });
    expect(read('取消会原').intent).toBe('cancel');
    expect(read('cancle').intent).toBe('cancel');
    expect(read('我要推款').intent).toBe('refund');
  });

  it('puts danger first and picks the most urgent red flag', () => {
    expect(read('网站打不开了，客服说要先交解冻费才能退款').danger).toBe('fees');
    expect(read('网站跑路了').danger).toBe('gone');
    expect(read('客服让我把验证码发给他').danger).toBe('fakecs');
    expect(read('是不是诈骗').danger).toBe('scam');
    // The cancel steps themselves mention SMS codes: that alone is no red flag.
    expect(read('取消的时候需要输入短信验证码正常吗').danger).toBeUndefined();
    expect(read('网站没跑路，就是取消不了').danger).toBeUndefined();
  });

  it('lets a refusal cancel a wish but not a fact', () => {
    expect(read('我只想取消不要退款').intent).toBe('cancel');
    expect(read('I dont want a refund, just cancel').intent).toBe('cancel');
    const renew = read('我不想续费了');
    expect(renew.intent).toBe('cancel');
    expect(renew.slots.membership).toBe('auto');
    expect(read('我不是自动续费，是一次性买的').slots.membership).toBe('fixed');
  });

  it('lets the longer word win where words overlap', () => {
    expect(read('非要我选一个取消原因才能提交')).toMatchObject({
      intent: 'blocked',
      slots: { reason: 'forced' },
    });
    expect(read('退款要先交手续费').slots.membership).toBeUndefined();
  });

  it('tells a fee to cancel (blocked) from a fee to get money back (danger)', () => {
    for (const t of [
      '要先交违约金才能取消自动续费',
      '取消连续包月要补优惠差价',
      'they want a cancellation fee before they cancel it',
    ]) {
      expect(read(t).slots.reason, t).toBe('fee');
      expect(read(t).danger, t).toBeUndefined();
    }
    for (const t of ['退款要先交手续费', '要我交钱才能退款', 'pay a fee before they refund me'])
      expect(read(t).danger, t).toBe('fees');
    expect(read('条款写着最终解释权归平台').slots.reason).toBe('finalsay');
  });

  it('hears how the auto-renewal was switched on', () => {
    expect(read('默认勾选的自动续费，没提醒就扣了30块').slots).toMatchObject({
      optin: 'preticked',
      membership: 'auto',
      notice: 'no',
    });
    expect(read('the box was pre-ticked').slots.optin).toBe('preticked');
    expect(read('写在很小的字里，付款时没看到').slots.optin).toBe('hidden');
    expect(read('是我自己开的').slots.optin).toBe('chose');
    // 「不是我自己选的」 denies choosing it: the longer phrase wins over 「自己选的」.
    expect(read('不是我自己选的').slots.optin).toBe('preticked');
    expect(read('不记得怎么开的了').slots.optin).toBe('unsure');
  });

  it('hears a command said in a sentence only when nothing else is said', () => {
    expect(read('刚才选错了').command).toBe('back');
    expect(read('english please').command).toBe('en');
    expect(read('help me cancel my iqiyi').command).toBeUndefined();
  });

  it('says when nothing was understood', () => {
    for (const t of ['你好', '在吗', '🙂🙂', '', 'asdfgh']) expect(read(t).empty, t).toBe(true);
  });

  it('reads only the start of a very long message', () => {
    const a = read(`${'啊'.repeat(3000)}网站跑路了`);
    expect(a.danger).toBeUndefined();
    expect(read(`网站跑路了${'啊'.repeat(3000)}`).danger).toBe('gone');
  });
});
