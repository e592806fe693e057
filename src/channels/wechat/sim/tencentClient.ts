import { randomBytes, randomInt } from 'node:crypto';
import { encryptMessage, openMessage } from '../crypto.ts';
import { wechatSignature } from '../signature.ts';
import { cdata, parseWechatXml } from '../xml.ts';

/**
 * A stand-in for Tencent's servers: builds, signs and (in compatible, safe and WeCom mode) encrypts
 * requests exactly as the Official Account platform and WeCom do, sends them to a running CancelMate, and
 * opens the answer (checking its signature when encrypted). `npm run wechat -- sim` drives it from the
 * terminal; the end-to-end tests drive it with an independent implementation of the crypto.
 *
 * @example
 * const tencent = new TencentClient({ baseUrl: 'http://127.0.0.1:3000', mode: 'safe', token: 'AAAAA',
 *   aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiverId: 'wx5823bf96d3bd56c7' });
 * (await tencent.verifyUrl()).ok; // true
 * (await tencent.send({ type: 'text', content: '取消会员' })).text; // '是哪种会员？\n回复 1：…'
 */
export type SimMode = 'plain' | 'compat' | 'safe' | 'wecom';

/**
 * The account settings the simulated platform signs with (the same values CancelMate is configured with).
 *
 * @example
 * const account: SimAccount = { baseUrl: 'http://127.0.0.1:3000', mode: 'plain', token: 'AAAAA' };
 */
export interface SimAccount {
  baseUrl: string;
  mode: SimMode;
  token: string;
  /** The EncodingAESKey (all modes but plain). */
  aesKey?: string;
  /** AppID (Official Account) or CorpID (WeCom). */
  receiverId?: string;
  /** The user's openid / userid; default a fixed test id. */
  user?: string;
  /** The account's original id (gh_…) or the CorpID; default derived from the mode. */
  account?: string;
  /** WeCom AgentID; default 1000002. */
  agentId?: string;
}

/**
 * The encryption the simulator uses; CancelMate's own by default, an independent one in tests.
 *
 * @example
 * new TencentClient(account, { crypto: { encrypt: peer.encrypt, decrypt: peer.decrypt } });
 */
export interface SimCrypto {
  encrypt(aesKey: string, message: string, receiverId: string): string;
  decrypt(aesKey: string, encrypted: string): { message: string; id: string };
}

/**
 * A message a user (or the platform) sends.
 *
 * @example
 * await tencent.send({ type: 'voice', recognition: '第二个' });
 */
export type SimMessage =
  | { type: 'text'; content: string }
  | { type: 'voice'; recognition?: string }
  | { type: 'image' }
  | { type: 'location' }
  | { type: 'event'; event: string; key?: string };

/**
 * A request ready to send (send it again to simulate a retry: same MsgId, same signature).
 *
 * @example
 * const req = tencent.build({ type: 'text', content: '1' }); await tencent.deliver(req); await tencent.deliver(req);
 */
export interface SimRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
}

/**
 * What came back.
 *
 * @example
 * const { status, text, sealOk } = await tencent.send({ type: 'text', content: '1' });
 */
export interface SimReply {
  status: number;
  /** The raw body. */
  raw: string;
  /** The reply's Content, decrypted when encrypted; undefined for `success` / empty. */
  text?: string;
  /** For encrypted replies: whether MsgSignature matched and the receiver id was the account's. */
  sealOk?: boolean;
}

const OWN_CRYPTO: SimCrypto = {
  encrypt: (key, message, id) => encryptMessage(key, message, id),
  decrypt: (key, encrypted) => {
    const { message, receiverId } = openMessage(key, encrypted);
    return { message, id: receiverId };
  },
};

/**
 * See {@link SimAccount}.
 *
 * @example
 * await new TencentClient({ baseUrl, mode: 'wecom', token, aesKey, receiverId: corpId }).verifyUrl();
 */
export class TencentClient {
  private readonly crypto: SimCrypto;
  private readonly now: () => number;
  private seq = 0;

  constructor(
    readonly account: SimAccount,
    opts: { crypto?: SimCrypto; now?: () => number } = {},
  ) {
    if (account.mode !== 'plain' && (!account.aesKey || !account.receiverId))
      throw new Error(`mode ${account.mode} needs the EncodingAESKey and the AppID / CorpID`);
    this.crypto = opts.crypto ?? OWN_CRYPTO;
    this.now = opts.now ?? Date.now;
  }

  /** The user's id as the platform sends it. */
  get user(): string {
    return this.account.user ?? 'oSimUser0000000000000000001';
  }

  private get path(): string {
    return this.account.mode === 'wecom' ? '/wecom' : '/wechat';
  }

  private get to(): string {
    return (
      this.account.account ??
      (this.account.mode === 'wecom' ? (this.account.receiverId ?? '') : 'gh_cancelmate')
    );
  }

  /** The URL check the admin console runs when you save the server URL. */
  buildUrlCheck(echo = String(randomInt(1e9, 2e9))): { request: SimRequest; expect: string } {
    const { timestamp, nonce } = this.stamp();
    const { token, aesKey, receiverId } = this.account;
    if (this.account.mode === 'wecom') {
      const echostr = this.crypto.encrypt(aesKey ?? '', echo, receiverId ?? '');
      const q = {
        msg_signature: wechatSignature([token, timestamp, nonce, echostr]),
        timestamp,
        nonce,
        echostr,
      };
      return { request: { method: 'GET', url: this.url(q) }, expect: echo };
    }
    const q = { signature: wechatSignature([token, timestamp, nonce]), timestamp, nonce, echostr: echo };
    return { request: { method: 'GET', url: this.url(q) }, expect: echo };
  }

  /** Runs the URL check; ok when the server answered the expected echo. */
  async verifyUrl(): Promise<{ ok: boolean; status: number; body: string }> {
    const { request, expect } = this.buildUrlCheck();
    const res = await this.deliver(request);
    return { ok: res.status === 200 && res.raw === expect, status: res.status, body: res.raw };
  }

  /** A message as the platform would post it (a fresh MsgId / CreateTime unless given). */
  build(message: SimMessage, ids: { msgId?: string; createTime?: number } = {}): SimRequest {
    this.seq += 1;
    const createTime = ids.createTime ?? Math.floor(this.now() / 1000);
    const msgId = ids.msgId ?? `${BigInt(createTime) * 1_000_000n + BigInt(this.seq)}`;
    const inner = this.messageXml(message, createTime, msgId);
    const { timestamp, nonce } = this.stamp();
    const { token, aesKey = '', receiverId = '', mode } = this.account;
    const signature = wechatSignature([token, timestamp, nonce]);
    if (mode === 'plain')
      return {
        method: 'POST',
        url: this.url({ signature, timestamp, nonce, openid: this.user }),
        body: inner,
      };
    const encrypt = this.crypto.encrypt(aesKey, inner, receiverId);
    const msgSignature = wechatSignature([token, timestamp, nonce, encrypt]);
    if (mode === 'wecom') {
      const agent = this.account.agentId ?? '1000002';
      const body = `<xml><ToUserName>${cdata(this.to)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt><AgentID>${cdata(agent)}</AgentID></xml>`;
      return { method: 'POST', url: this.url({ msg_signature: msgSignature, timestamp, nonce }), body };
    }
    // Compatible mode sends the plaintext fields and the ciphertext side by side; safe mode only the latter.
    const body =
      mode === 'compat'
        ? inner.replace('</xml>', `<Encrypt>${cdata(encrypt)}</Encrypt></xml>`)
        : `<xml><ToUserName>${cdata(this.to)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
    const q = {
      signature,
      timestamp,
      nonce,
      openid: this.user,
      encrypt_type: 'aes',
      msg_signature: msgSignature,
    };
    return { method: 'POST', url: this.url(q), body };
  }

  /** Builds and sends a message. */
  async send(message: SimMessage, ids?: { msgId?: string; createTime?: number }): Promise<SimReply> {
    return this.deliver(this.build(message, ids));
  }

  /** Sends a built request (again, for a retry) and opens the answer. */
  async deliver(request: SimRequest): Promise<SimReply> {
    const res = await fetch(`${this.account.baseUrl.replace(/\/+$/, '')}${request.url}`, {
      method: request.method,
      ...(request.body !== undefined
        ? { body: request.body, headers: { 'content-type': 'text/xml; charset=utf-8' } }
        : {}),
    });
    const raw = await res.text();
    return { status: res.status, raw, ...this.open(res.status, raw) };
  }

  /** The Content of a reply body (decrypted and signature-checked when encrypted). */
  open(status: number, raw: string): { text?: string; sealOk?: boolean } {
    if (status !== 200 || raw === '' || raw === 'success' || !raw.startsWith('<xml>')) return {};
    const outer = parseWechatXml(raw);
    if (outer.Encrypt === undefined) return outer.Content === undefined ? {} : { text: outer.Content };
    const encrypt = outer.Encrypt;
    const signed = [this.account.token, outer.TimeStamp ?? '', outer.Nonce ?? '', encrypt];
    const opened = this.crypto.decrypt(this.account.aesKey ?? '', encrypt);
    const sealOk = outer.MsgSignature === wechatSignature(signed) && opened.id === this.account.receiverId;
    const inner = parseWechatXml(opened.message);
    return { ...(inner.Content !== undefined ? { text: inner.Content } : {}), sealOk };
  }

  private messageXml(m: SimMessage, createTime: number, msgId: string): string {
    const head = `<ToUserName>${cdata(this.to)}</ToUserName><FromUserName>${cdata(this.user)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
    const agent =
      this.account.mode === 'wecom' ? `<AgentID>${this.account.agentId ?? '1000002'}</AgentID>` : '';
    const id = `<MsgId>${msgId}</MsgId>${agent}`;
    switch (m.type) {
      case 'text':
        return `<xml>${head}<MsgType><![CDATA[text]]></MsgType><Content>${cdata(m.content)}</Content>${id}</xml>`;
      case 'voice': {
        const rec = m.recognition === undefined ? '' : `<Recognition>${cdata(m.recognition)}</Recognition>`;
        return `<xml>${head}<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media1]]></MediaId><Format><![CDATA[amr]]></Format>${rec}${id}</xml>`;
      }
      case 'image':
        return `<xml>${head}<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[media2]]></MediaId>${id}</xml>`;
      case 'location':
        return `<xml>${head}<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置]]></Label>${id}</xml>`;
      case 'event': {
        const key = m.key === undefined ? '' : `<EventKey>${cdata(m.key)}</EventKey>`;
        return `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event>${cdata(m.event)}</Event>${key}${agent}</xml>`;
      }
    }
  }

  private stamp(): { timestamp: string; nonce: string } {
    return { timestamp: String(Math.floor(this.now() / 1000)), nonce: String(randomInt(1e8, 2e9)) };
  }

  private url(query: Record<string, string>): string {
    return `${this.path}?${new URLSearchParams(query).toString()}`;
  }
}

/**
 * A random EncodingAESKey (43 letters and digits), for trying things out.
 *
 * @example
 * randomEncodingAesKey().length; // 43
 */
export function randomEncodingAesKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(43), (b) => alphabet[b % alphabet.length]).join('');
}
