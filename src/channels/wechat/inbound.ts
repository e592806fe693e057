import type { WechatFields } from './xml.ts';

/**
 * What a WeChat / WeCom message means for the guide:
 * - `text`: typed text, a voice message WeChat has transcribed (`Recognition`, people dictate in a hurry),
 *   the welcome on `subscribe` / `SCAN` (sent to the engine as `/start`), or a menu `CLICK` whose key names
 *   a global command (see {@link MENU_KEYS});
 * - `unsupported`: an image, video, location, link, file or a voice message without a transcript: one short
 *   "please send text" reply, nothing changes;
 * - `ignored`: other events (unsubscribe, a menu link, location reports, WeCom's enter_agent): answered
 *   `success`, nothing changes.
 *
 * `messageId` makes retries idempotent: `msg:<MsgId>` (kept as the string it is: 64-bit ids exceed 2^53),
 * and `ev:<CreateTime>:<Event>:<EventKey>` for events (Tencent says: de-duplicate events by FromUserName +
 * CreateTime; the user id is already the conversation's).
 *
 * @example
 * classifyInbound({ FromUserName: 'oUser', ToUserName: 'gh_1', MsgType: 'text', Content: '取消会员', MsgId: '4561255354251345929' });
 * // { kind: 'text', user: 'oUser', account: 'gh_1', messageId: 'msg:4561255354251345929', text: '取消会员' }
 */
export type WechatInbound =
  | (Envelope & { kind: 'text'; text: string })
  | (Envelope & { kind: 'unsupported' })
  | (Envelope & { kind: 'ignored' });

/**
 * Who wrote to whom, and the id that makes a retry recognisable.
 *
 * @example
 * const env: Envelope = { user: 'oUser', account: 'gh_1', messageId: 'msg:4561255354251345929' };
 */
export interface Envelope {
  /** FromUserName: the user's openid (Official Account) or userid (WeCom). Never logged. */
  user: string;
  /** ToUserName: the account (the reply comes from here). */
  account: string;
  messageId: string;
}

/**
 * Menu `CLICK` event keys and the command each stands for (keys are matched case-insensitively). Set the
 * custom menu's `key` values to these in the 公众平台 / WeCom app menu.
 *
 * @example
 * MENU_KEYS.RESTART; // '/restart'
 */
export const MENU_KEYS: Readonly<Record<string, string>> = {
  START: '/start',
  RESTART: '/restart',
  BACK: '/back',
  HELP: '/help',
  LANG: '/lang',
  LANGUAGE: '/lang',
  ZH: '/zh',
  EN: '/en',
  REFUND: '/refund',
  SCAM: '/scam',
  RECEIPT: '/receipt',
  MYDATA: '/mydata',
  FORGET: '/forget',
};

/**
 * Thrown for a message without the fields every WeChat message has (answered 400).
 *
 * @example
 * classifyInbound({ MsgType: 'text' }); // throws WechatInboundError
 */
export class WechatInboundError extends Error {
  override name = 'WechatInboundError';
}

/**
 * See {@link WechatInbound}. Throws {@link WechatInboundError} when FromUserName, ToUserName or MsgType is missing.
 *
 * @example
 * classifyInbound({ FromUserName: 'oU', ToUserName: 'gh', MsgType: 'event', Event: 'CLICK', EventKey: 'receipt', CreateTime: '1714037059' });
 * // { kind: 'text', …, messageId: 'ev:1714037059:CLICK:receipt', text: '/receipt' }
 */
export function classifyInbound(f: WechatFields): WechatInbound {
  const user = f.FromUserName?.trim();
  const account = f.ToUserName?.trim();
  const type = f.MsgType?.trim().toLowerCase();
  if (!user || !account || !type)
    throw new WechatInboundError('a message needs FromUserName, ToUserName and MsgType');
  const created = f.CreateTime?.trim() ?? '';
  if (type === 'event') {
    const event = f.Event?.trim() ?? '';
    const key = f.EventKey?.trim() ?? '';
    // Tencent: de-duplicate events by sender + CreateTime; the event and its key keep two different menu
    // clicks within one second apart (a retry repeats all of them).
    const env: Envelope = { user, account, messageId: `ev:${created}:${event}:${key}` };
    const text = eventText(event, key);
    return text === undefined ? { ...env, kind: 'ignored' } : { ...env, kind: 'text', text };
  }
  const msgId = f.MsgId?.trim();
  const env: Envelope = { user, account, messageId: msgId ? `msg:${msgId}` : `ct:${created}:${type}` };
  if (type === 'text' && f.Content !== undefined && f.Content.trim() !== '')
    return { ...env, kind: 'text', text: f.Content };
  if (type === 'voice' && f.Recognition !== undefined && f.Recognition.trim() !== '')
    return { ...env, kind: 'text', text: spokenText(f.Recognition) };
  return { ...env, kind: 'unsupported' };
}

const SPOKEN_DIGITS = '一二三四五六七八九';

/**
 * A transcript as typed text: without the full stop speech recognition adds, and a spoken choice number
 * ("二", "第三个", "选1") as its digit, so dictating the number of an option works like typing it.
 *
 * @example
 * spokenText('第二个。'); // '2'
 * spokenText('自动续费。'); // '自动续费'
 */
export function spokenText(recognition: string): string {
  const text = recognition.trim().replace(/[。.!！?？]+$/u, '');
  const spoken = /^(?:选|第)?([一二三四五六七八九]|[1-9])(?:个|项|号)?$/u.exec(text)?.[1];
  if (spoken === undefined) return text;
  const n = SPOKEN_DIGITS.indexOf(spoken);
  return n >= 0 ? String(n + 1) : spoken;
}

/** The text an event stands for, or undefined for events that need no answer. */
function eventText(event: string, key: string): string | undefined {
  switch (event.toLowerCase()) {
    case 'subscribe':
    case 'scan':
      return '/start';
    case 'click':
      return MENU_KEYS[key.toUpperCase()] ?? '/help';
    default:
      return undefined;
  }
}
