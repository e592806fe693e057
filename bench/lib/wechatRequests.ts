/**
 * WeChat official-account webhook requests in safe mode, as WeChat's servers send them: a text message from
 * one of many users, encrypted (AES-256-CBC with the EncodingAESKey) and signed — `signature` over (token,
 * timestamp, nonce) and `msg_signature` over the same and the ciphertext — posted to
 * `path?signature=…&timestamp=…&nonce=…&openid=…&encrypt_type=aes&msg_signature=…`. Built with
 * `wechat-crypto` (a test-only peer of ours, in the root devDependencies), so neither side's own crypto checks
 * itself. {@link WechatConversations} builds whole conversations before a measurement, so the load generator's
 * own encryption is not part of what is measured.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * The account the bench's WeChat servers are set up with (Tencent's published sample key; bench only).
 *
 * @example
 * wechat(WECHAT_PEER, handler);
 */
export const WECHAT_PEER = {
  token: 'QDG6eK',
  appid: 'wx5823bf96d3bd56c7',
  encodingAESKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
} as const;

interface Crypto {
  encrypt(text: string): string;
  decrypt(text: string): { message: string; id: string };
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
}
const WXBizMsgCrypt = createRequire(import.meta.url)('wechat-crypto') as new (
  token: string,
  key: string,
  id: string,
) => Crypto;
const crypto = new WXBizMsgCrypt(WECHAT_PEER.token, WECHAT_PEER.encodingAESKey, WECHAT_PEER.appid);

let msgId = 4_561_255_354_251_345_000n;

/**
 * One encrypted, signed text message from `openId`: the query string and the XML body.
 *
 * @example
 * const { query, body } = wechatTextRequest('o6_bmjrPTlm6_2sgVt7hMZOPfL2M', '1');
 * await fetch(`http://127.0.0.1:${port}/wechat?${query}`, { method: 'POST', body });
 */
export function wechatTextRequest(openId: string, text: string): { query: string; body: string } {
  msgId += 1n;
  const now = Math.floor(Date.now() / 1000);
  const plain = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  const encrypt = crypto.encrypt(plain);
  const timestamp = String(now);
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({
    signature: sha1Sorted([WECHAT_PEER.token, timestamp, nonce]),
    timestamp,
    nonce,
    openid: openId,
    encrypt_type: 'aes',
    msg_signature: crypto.getSignature(timestamp, nonce, encrypt),
  }).toString();
  return {
    query,
    body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

/** WeChat's plain `signature`: SHA-1 (hex) of the sorted parts joined. */
function sha1Sorted(parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/**
 * The Content of a safe-mode reply (`<xml><Encrypt>…</Encrypt><MsgSignature>…`), checked like WeChat's
 * servers check it: the signature matches and the ciphertext is for the bench's AppID. Undefined for
 * anything else (`success`, an empty body, a plaintext or forged reply).
 *
 * @example
 * openWechatReply(await res.text()); // '是哪种会员？\n回复 1：…'
 */
export function openWechatReply(raw: string): string | undefined {
  const field = (name: string) =>
    new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)(?:\\]\\]>)?</${name}>`).exec(raw)?.[1];
  const encrypt = field('Encrypt');
  const signature = field('MsgSignature');
  const timestamp = field('TimeStamp');
  const nonce = field('Nonce');
  if (!encrypt || !signature || timestamp === undefined || nonce === undefined) return undefined;
  if (crypto.getSignature(timestamp, nonce, encrypt) !== signature) return undefined;
  const opened = crypto.decrypt(encrypt);
  if (opened.id !== WECHAT_PEER.appid) return undefined;
  return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(opened.message)?.[1];
}

/**
 * A request built ahead of time: the path with its signed query, and the body as bytes (nothing is left to
 * convert when it is sent).
 *
 * @example
 * const r: PrebuiltRequest = { path: '/wechat?signature=…', body: Buffer.from('<xml>…</xml>') };
 */
export interface PrebuiltRequest {
  path: string;
  body: Buffer;
}

/**
 * Conversations built ahead of a measurement: each one a new user (a fresh openid, never used before in this
 * run) sending `messages` in order, every message with its own MsgId, encrypted and signed. The load
 * generator {@link WechatConversations.take}s one per virtual user; should the ones built run out during a
 * measurement, more are built then and counted in {@link WechatConversations.builtLate} (the row reports it:
 * the load generator's crypto then competed with the server for the CPU).
 *
 * @example
 * const pool = new WechatConversations(['/start', '1', '1']);
 * pool.prebuild(1000);
 * await maxThroughput(port, { concurrency: 16, seconds: 5, workload: { wechat: pool } });
 * pool.builtLate; // 0 when 1000 were enough
 */
export class WechatConversations {
  private ready: PrebuiltRequest[][] = [];
  /** Conversations built while measuring because the pre-built ones ran out. */
  builtLate = 0;
  private readonly prefix = `oBench${randomBytes(4).toString('hex')}`;
  private users = 0;

  constructor(
    readonly messages: readonly string[],
    readonly path = '/wechat',
  ) {
    if (messages.length === 0) throw new RangeError('a conversation needs at least one message');
  }

  /** Builds `count` more conversations now (with the current time in their timestamps). */
  prebuild(count: number): void {
    for (let i = 0; i < count; i += 1) this.ready.push(this.build());
  }

  /** Drops what was built and not used (timestamps go stale) and resets the late count. */
  reset(): void {
    this.ready = [];
    this.builtLate = 0;
  }

  /** How many pre-built conversations are left. */
  get left(): number {
    return this.ready.length;
  }

  /** The next new user's conversation. */
  take(): readonly PrebuiltRequest[] {
    const next = this.ready.pop();
    if (next) return next;
    this.builtLate += 1;
    return this.build();
  }

  private build(): PrebuiltRequest[] {
    this.users += 1;
    // 28 characters like a real openid, distinct across the run.
    const openId = `${this.prefix}${String(this.users).padStart(14, '0')}`;
    return this.messages.map((text) => {
      const { query, body } = wechatTextRequest(openId, text);
      return { path: `${this.path}?${query}`, body: Buffer.from(body) };
    });
  }
}
