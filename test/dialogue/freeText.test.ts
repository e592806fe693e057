import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import { testApp } from '../support/app.ts';
import { engineChat } from '../support/engineChat.ts';

// Free text inside the pure step, through the real engine and a real SQLite file: what people type instead
// of tapping is filled in, said back, and lands on the first question still open.
const NOW = new Date('2026-11-25T04:00:00Z'); // Wednesday, noon in Shanghai
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function conversation(langHint?: string) {
  const t = await testApp({}, { clock: () => NOW });
  cleanups.push(t.cleanup);
  return engineChat(t, langHint);
}
const ids = (r: Reply) => (r.choices ?? []).map((c) => c.id);

describe('free text in the dialogue', () => {
  it('fills in a whole story, says it back in one line, and on "yes" jumps to the first open question', async () => {
    const c = await conversation();
    await c.say('/start');
    const check = await c.say('我在XX卡盟买的钻石会员被自动扣了30块');
    expect(check.text).toBe(
      '我理解为：卡盟网站，自动续费，被扣了钱想要回来，金额 30.00 CNY，商家 XX卡盟——对吗？',
    );
    expect(ids(check)).toEqual(['_yes', '_change']);
    expect(c.state()?.state).toBe('welcome');
    // The platform and how the money was taken are answered; how the renewal was switched on was not said.
    const next = await c.say('对');
    expect(next.text).toContain('当初开通会员时，自动续费是怎么选上的？');
    const s = c.state();
    expect(s?.state).toBe('optin_q');
    expect(s?.ctx.platform).toBe('kamen');
    expect(s?.ctx.fields).toMatchObject({
      deduction: 'auto',
      fact_amount: '30.00 CNY',
      fact_merchant: 'XX卡盟',
    });
    // "back" goes through the questions that were answered for the user.
    expect((await c.say('返回')).text).toContain('钱是怎么被扣走的？');
  });

  it('"change" keeps nothing it guessed and asks the question it was at, without the whole welcome', async () => {
    const c = await conversation();
    await c.say('/start');
    const check = await c.say('爱奇艺');
    expect(check.text).toBe('我理解为：爱奇艺 VIP，想取消——对吗？');
    const back = await c.send({ choice: '_change', turn: check.turn });
    const last = back.at(-1) as Reply;
    expect(last.text).toBe('好的，不按我猜的来，我们一步步选：\n\n你想做什么？');
    expect(ids(last)).toEqual(['cancel', 'refund', 'redflag']);
    expect(c.state()?.ctx.platform).toBeNull();
  });

  it('takes one clear answer to the current question at once, with a one-line echo', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('1');
    await c.say('爱奇艺'); // an alias: a label, as before
    const channel = await c.say('连续包月的那种');
    expect(channel.text.startsWith('好的：自动续费。\n\n')).toBe(true);
    expect(channel.text).toContain('你想先试哪种方式？');
    expect(c.state()?.ctx.fields.membership).toBe('auto');
  });

  it('asks which platform when a word could mean several, with "other"', async () => {
    const c = await conversation();
    await c.say('/start');
    const which = await c.say('腾讯的会员被扣钱了');
    expect(which.text).toBe('我理解为：被扣了钱想要回来。你说的是哪一个？');
    expect(which.choices?.map((x) => x.label)).toEqual(['腾讯视频 VIP', 'QQ 会员', '都不是']);
    const picked = await c.say('1');
    expect(picked.text).toContain('好的：腾讯视频 VIP，被扣了钱想要回来。');
    expect(c.state()?.ctx.platform).toBe('tencent_video');
    expect(c.state()?.state).toBe('optin_q');
  });

  it('"other" at the platform check goes back to the question, changing nothing', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('1');
    // (「腾讯」 alone is a catalogue alias of 腾讯视频 and picks it at this question, as before.)
    const which = await c.say('腾讯家的会员');
    expect(ids(which)).toEqual(['tencent_video', 'qq', '_other']);
    const other = await c.say('都不是');
    expect(other.text).toContain('会员是在哪里买的');
    expect(c.state()?.state).toBe('platform');
    expect(c.state()?.pending).toBeUndefined();
  });

  it('takes a correction while checking ("不对，是腾讯视频") and keeps the rest', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('爱奇艺自动续费扣了我25');
    const again = await c.say('不对，是腾讯视频');
    expect(again.text).toBe('我理解为：腾讯视频 VIP，自动续费，被扣了钱想要回来，金额 25.00 CNY——对吗？');
  });

  it('goes straight to the red-flag advice from any step, before anything else', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('1');
    await c.say('1');
    const r = await c.say('网站打不开了，客服说要先交解冻费才能退款');
    expect(r.text).toContain('诈骗的迹象');
    expect(r.text).toContain('真正的退款不需要你先付钱');
    expect(c.state()?.state).toBe('redflag_fees');
  });

  it('answers what it does not understand with one short line and the current question only', async () => {
    const c = await conversation();
    const welcome = await c.say('/start');
    expect(welcome.text).toContain('我不是任何商家或平台的客服');
    const r = await c.say('随便说点什么');
    expect(r.text).toBe(
      '没太明白。我可以帮你取消会员、要回被扣的钱、识别诈骗——直接说发生了什么就行（比如「爱奇艺自动续费扣了我30块」），也可以回复选项前的数字。\n\n你想做什么？',
    );
    expect(ids(r)).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('greets a first message that tells the story with the introduction and the check', async () => {
    const c = await conversation();
    const first = await c.say('客服不理我');
    expect(first.text).toContain('我不是任何商家或平台的客服');
    expect(first.text.endsWith('我理解为：客服没回应——对吗？')).toBe(true);
    const advice = await c.say('是的');
    expect(advice.text).toContain('客服没回应、排队太久时');
    expect(c.state()?.state).toBe('blocked_noanswer');
  });

  it('speaks English back in English', async () => {
    const c = await conversation('en');
    const first = await c.say('iQIYI charged me again without telling me');
    expect(first.text).toContain(
      'I understood: iQIYI VIP, no reminder before the charge, money was taken and you want it back. Is that right?',
    );
    // How the renewal was switched on was not said, so that is asked; the reminder was, so it is not.
    const next = await c.say('yes');
    expect(next.text).toContain('how did the auto-renewal get switched on?');
    expect(c.state()?.state).toBe('optin_q');
    expect(c.state()?.understood).toEqual({ notice: 'no' });
    const rights = await c.say("I don't remember");
    expect(rights.text).toContain('you can claim that money back');
    expect(c.state()?.state).toBe('wrongful');
    expect(c.state()?.ctx.fields).toMatchObject({ optin: 'unsure', notice: 'no' });
    expect(c.state()?.understood).toBeUndefined();
    // "back" shows the question that was answered for the user, and answering it again is not overruled.
    expect((await c.say('back')).text).toContain('did the platform remind you');
    expect((await c.say('Yes, they reminded me')).text).not.toContain('you can claim that money back');
    expect(c.state()?.state).toBe('notified');
  });

  it('a story that says how the renewal was switched on skips both questions about it', async () => {
    const c = await conversation();
    await c.say('/start');
    const check = await c.say('爱奇艺默认勾选的自动续费，没提醒就扣了30块');
    expect(check.text).toBe(
      '我理解为：爱奇艺 VIP，自动续费，开通时默认勾选，扣费前没有提醒，被扣了钱想要回来，金额 30.00 CNY——对吗？',
    );
    // The advice on a pre-ticked renewal (with its grounds) is shown, not skipped: the letter cites it.
    const info = await c.say('对');
    expect(info.text).toContain('自动续费选项默认勾选的状态');
    expect(c.state()?.state).toBe('optin_info');
    expect(c.state()?.ctx.fields).toMatchObject({ deduction: 'auto', optin: 'preticked' });
    // Kept for later: the reminder, and the membership (asked if the user goes on to cancel it first).
    expect(c.state()?.understood).toEqual({ membership: 'auto', notice: 'no' });
    // The reminder question was answered in the story: going on leads straight to the rights.
    const rights = await c.say('1');
    expect(rights.text).toContain('《消费者权益保护法实施条例》第十条第二款');
    expect(c.state()?.state).toBe('wrongful');
    expect(c.state()?.ctx.fields).toMatchObject({
      optin: 'preticked',
      notice: 'no',
      fact_amount: '30.00 CNY',
    });
    // Cancelling first: the platform is offered again and the membership is not asked twice.
    await c.say('先把自动续费关掉');
    expect(c.state()?.state).toBe('platform');
    const channel = await c.say('爱奇艺');
    expect(channel.text).toContain('你想先试哪种方式？');
    expect(c.state()?.state).toBe('channel');
    expect(c.state()?.understood).toBeUndefined();
  });

  it('keeps facts about the purchase for later, never what belongs to one attempt (the channel tried)', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('1');
    await c.say('卡盟网站');
    // Said at 「是哪种会员？」: the story jumps to why it is stuck, past the channel question.
    await c.say('在app里找不到取消按钮');
    await c.say('对');
    expect(c.state()?.state).toBe('blocked_nobutton');
    expect(c.state()?.understood).toBeUndefined();
    // Trying another way asks which way: the app, and being stuck, are not answered for the user again.
    const next = await c.say('换一种方式试试');
    expect(next.text).toContain('你想先试哪种方式？');
    expect(next.choices?.map((x) => x.id)).toContain('app');
    expect(c.state()?.state).toBe('channel');
  });

  it('"restart" forgets answers kept for later questions', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('爱奇艺没提醒就扣了我30块');
    await c.say('对');
    expect(c.state()?.understood).toEqual({ notice: 'no' });
    // The sentence gave an amount, so restarting asks first; the answers are kept until the user confirms.
    const ask = await c.say('/restart');
    expect(ask.choices?.map((x) => x.id)).toEqual(['_restart_yes', '_restart_no']);
    expect(c.state()?.understood).toEqual({ notice: 'no' });
    await c.say('/restart');
    expect(c.state()?.understood).toBeUndefined();
    for (const t of ['2', '1', '1', '4']) await c.say(t);
    expect(c.state()?.state).toBe('notice_q');
  });

  it('a date in a sentence about something else is not kept as the day of a charge', async () => {
    const c = await conversation();
    await c.say('/start');
    await c.say('2');
    const r = await c.say('今天天气不错');
    expect(r.text).not.toContain('扣款日期');
    expect(c.state()?.ctx.fields.fact_date).toBeUndefined();
    expect(c.state()?.understood?.date).toBeUndefined();
    // The same day said about a charge is kept, and named as what it is.
    const charged = await c.say('今天扣了我30块');
    expect(charged.text).toContain('扣款日期 2026-11-25');
  });

  it('with no language hint (WeChat, the terminal), answers in the language the message is written in', async () => {
    const c = await conversation();
    const first = await c.say('iqiyi charged me again without telling me');
    expect(c.state()?.lang).toBe('en');
    expect(first.text).toMatch(/[A-Za-z]{4,} [a-z]{3,}/);
    expect(first.text).not.toMatch(/[会员扣费]/u);
    // A name or a number does not switch; a Chinese sentence does.
    await c.say('1');
    expect(c.state()?.lang).toBe('en');
    await c.say('我在爱奇艺被自动扣了30块');
    expect(c.state()?.lang).toBe('zh-CN');
  });

  it("a channel's hint or a language the user picked is not overridden by what they type", async () => {
    const hinted = await conversation('zh-CN');
    await hinted.say('iqiyi charged me again');
    expect(hinted.state()?.lang).toBe('zh-CN');
    const picked = await conversation();
    await picked.say('/start');
    await picked.say('中文');
    await picked.say('iqiyi charged me again');
    expect(picked.state()?.lang).toBe('zh-CN');
  });

  it('part of a label typed does exactly what the label does (no jump, no check)', async () => {
    const c = await conversation();
    await c.say('/start');
    const r = await c.say('钱已经被扣了');
    expect(r.text).toBe('先说说：会员是在哪里买的，或者钱是从哪里扣的？');
    expect(c.state()?.state).toBe('refund_start');
  });

  it('typed labels, numbers and buttons work exactly as before, also while a check is open', async () => {
    const c = await conversation();
    await c.say('/start');
    expect((await c.say('取消会员 / 自动续费')).text).toContain('会员是在哪里买的');
    const check = await c.say('爱奇艺连续包月');
    expect(ids(check)).toEqual(['_yes', '_change']);
    const stale = await c.send({ choice: 'kamen', turn: (check.turn ?? 0) - 1 });
    expect((stale.at(-1) as Reply).text).toContain('已经过去了');
    expect((stale.at(-1) as Reply).text).toContain('我理解为：爱奇艺 VIP，自动续费');
    expect((await c.say('返回')).text).toContain('你想做什么？');
  });
});

describe('free text at the fact questions', () => {
  async function atMerchant(c: Awaited<ReturnType<typeof conversation>>) {
    // refund → the first platform → auto-renewal → not remembered → no reminder → escalate → personal → yes
    for (const t of ['/start', '2', '1', '1', '4', '1', '2', '1', '1']) await c.say(t);
    expect(c.state()?.state).toBe('fact_merchant');
  }

  it('the engine\'s own choices win: 「1」 at the merchant question is "skip", never a name', async () => {
    const c = await conversation();
    await atMerchant(c);
    const r = await c.say('1');
    expect(r.text).toContain('网站的网址是什么？');
    expect(c.state()?.ctx.fields.fact_merchant).toBeUndefined();
  });

  it('「无」「没有」 "none" skip; dates and amounts are taken as people say them', async () => {
    const c = await conversation();
    await atMerchant(c);
    await c.say('某某卡盟');
    await c.say('无');
    expect((await c.say('没有')).text).toContain('被扣了多少钱？');
    await c.say('十九块八');
    expect((await c.say('上个月15号')).text).toContain('工单号');
    expect(c.state()?.ctx.fields).toMatchObject({
      fact_amount: '19.80 CNY',
      fact_date: '2026-10-15',
      fact_merchant: '某某卡盟',
    });
    expect(c.state()?.ctx.fields.fact_url).toBeUndefined();
  });

  it('a number that is not a choice is still a fact, and a refused fact changes nothing', async () => {
    const c = await conversation();
    await atMerchant(c);
    const r = await c.say('12');
    expect(r.text).toContain('这看起来不像商家的名字');
    expect(c.state()?.state).toBe('fact_merchant');
  });

  it('facts told in one sentence are kept, and their questions skipped', async () => {
    const c = await conversation();
    await atMerchant(c);
    await c.say('某某卡盟');
    await c.say('无');
    const r = await c.say('订单号A2026110301，11月15日扣了30元');
    expect(r.text).toContain('工单号');
    expect(c.state()?.state).toBe('fact_ticket');
    expect(c.state()?.ctx.fields).toMatchObject({
      fact_order: 'A2026110301',
      fact_amount: '30.00 CNY',
      fact_date: '2026-11-15',
    });
  });
});
