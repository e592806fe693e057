import { describe, expect, it } from 'vitest';
import {
  classifyInbound,
  MENU_KEYS,
  spokenText,
  WechatInboundError,
} from '../../../src/channels/wechat/inbound.ts';

const base = { ToUserName: 'gh_1', FromUserName: 'oUser', CreateTime: '1714037059' };

describe('classifyInbound', () => {
  it('text drives the dialogue; the MsgId stays a string', () => {
    expect(
      classifyInbound({ ...base, MsgType: 'text', Content: '取消会员', MsgId: '4561255354251345929' }),
    ).toEqual({
      kind: 'text',
      user: 'oUser',
      account: 'gh_1',
      messageId: 'msg:4561255354251345929',
      text: '取消会员',
    });
  });

  it('a voice message with WeChat’s transcript is typed text; without one it is unsupported', () => {
    const voice = { ...base, MsgType: 'voice', MsgId: '7' };
    expect(classifyInbound({ ...voice, Recognition: '自动续费。' })).toMatchObject({
      kind: 'text',
      text: '自动续费',
    });
    expect(classifyInbound({ ...voice, Recognition: '第二个。' })).toMatchObject({ kind: 'text', text: '2' });
    expect(classifyInbound(voice)).toMatchObject({ kind: 'unsupported', messageId: 'msg:7' });
    expect(classifyInbound({ ...voice, Recognition: '  ' })).toMatchObject({ kind: 'unsupported' });
  });

  it('images, video, locations, links and empty text get the "please send text" reply', () => {
    for (const MsgType of ['image', 'video', 'shortvideo', 'location', 'link', 'file', 'TEXT-ish'])
      expect(classifyInbound({ ...base, MsgType, MsgId: '1' }).kind, MsgType).toBe('unsupported');
    expect(classifyInbound({ ...base, MsgType: 'text', Content: ' ', MsgId: '1' }).kind).toBe('unsupported');
  });

  it('subscribe and SCAN welcome; menu clicks map to global commands; other events need no answer', () => {
    const ev = (Event: string, EventKey?: string) =>
      classifyInbound({ ...base, MsgType: 'event', Event, ...(EventKey ? { EventKey } : {}) });
    expect(ev('subscribe')).toMatchObject({
      kind: 'text',
      text: '/start',
      messageId: 'ev:1714037059:subscribe:',
    });
    expect(ev('SCAN', '123')).toMatchObject({ kind: 'text', text: '/start' });
    expect(ev('CLICK', 'restart')).toMatchObject({ kind: 'text', text: '/restart' });
    expect(ev('CLICK', 'RECEIPT')).toMatchObject({ kind: 'text', text: '/receipt' });
    expect(ev('CLICK', 'something_else')).toMatchObject({ kind: 'text', text: '/help' });
    for (const e of ['unsubscribe', 'VIEW', 'LOCATION', 'enter_agent']) expect(ev(e).kind, e).toBe('ignored');
    // Every menu key names a command the engine understands as a slash command.
    for (const cmd of Object.values(MENU_KEYS)) expect(cmd).toMatch(/^\/[a-z]+$/);
  });

  it('events de-duplicate by sender and CreateTime: a retry has the same id, another second does not', () => {
    const a = classifyInbound({ ...base, MsgType: 'event', Event: 'subscribe' });
    const b = classifyInbound({ ...base, MsgType: 'event', Event: 'subscribe' });
    const c = classifyInbound({ ...base, CreateTime: '1714037060', MsgType: 'event', Event: 'subscribe' });
    expect(a.messageId).toBe(b.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    const click = (EventKey: string) =>
      classifyInbound({ ...base, MsgType: 'event', Event: 'CLICK', EventKey });
    expect(click('HELP').messageId).not.toBe(click('RESTART').messageId);
  });

  it('refuses a message without sender, account or type', () => {
    expect(() => classifyInbound({ ToUserName: 'gh', MsgType: 'text' })).toThrow(WechatInboundError);
    expect(() => classifyInbound({ FromUserName: 'o', MsgType: 'text' })).toThrow(WechatInboundError);
    expect(() => classifyInbound({ FromUserName: 'o', ToUserName: 'gh' })).toThrow(WechatInboundError);
  });
});

describe('spokenText', () => {
  it('turns a spoken option number into its digit and leaves other text alone', () => {
    expect(spokenText('一')).toBe('1');
    expect(spokenText('选3。')).toBe('3');
    expect(spokenText('第九项')).toBe('9');
    expect(spokenText('十')).toBe('十');
    expect(spokenText('一次性买的。')).toBe('一次性买的');
    expect(spokenText('Restart.')).toBe('Restart');
  });
});
