import { afterEach, describe, expect, it } from 'vitest';
import { type WechatHarness, wechatHarness } from './harness.ts';

// The reminder over the WeChat webhook (real HTTP, Tencent's encryption simulated independently): a passive
// reply carries no file, so the guide gives the day back as text and says, in WeChat's words, to put it in
// the phone's calendar; WeChat cannot write later, so no message is offered.
const harnesses: WechatHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('WeChat: a reminder before the next deduction', () => {
  it('gives the day as text and says the calendar file cannot come here', async () => {
    const h = await wechatHarness();
    harnesses.push(h);
    const tencent = h.tencent('safe', 'o_reminder_user');
    await tencent.send({ type: 'event', event: 'subscribe' });
    let last = '';
    for (const content of ['取消会员', '爱奇艺', '自动续费', 'App', '成功了', '提醒我在下次扣费日前检查'])
      last = (await tencent.send({ type: 'text', content })).text ?? '';
    expect(last).toContain('想在哪一天提醒你？');
    last = (await tencent.send({ type: 'text', content: '随便吧' })).text ?? '';
    expect(last).toContain('没看懂这是哪一天。可以写「12月14日」「下个月14号」');
    expect(last).toContain('请再输入一次，或者回复「跳过」。');
    last = (await tencent.send({ type: 'text', content: '下个月15号' })).text ?? '';
    expect(last).toMatch(/提醒日：\d{4}年\d{1,2}月15日（星期.）/);
    expect(last).toContain('（微信消息不能带日历文件：请把上面的日期记到手机日历里。）');
    expect(last).not.toContain('聊天 ID');
    expect(h.stored('wechat', 'o_reminder_user')?.ctx.fields.fact_reminder).toMatch(/^\d{4}-\d{2}-15$/);
    expect(h.sql('SELECT id FROM reminders')).toEqual([]);
  });
});
