/**
 * WeChat official-account webhook requests in safe mode, as WeChat's servers send them: a text message from
 * one of many users, encrypted (AES-256-CBC with the EncodingAESKey) and signed (`msg_signature`), posted to
 * `path?msg_signature=…&timestamp=…&nonce=…&encrypt_type=aes`. Built with `wechat-crypto` (a test-only peer
 * of ours, in the root devDependencies), so neither side's own crypto checks itself.
 */
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
  const signature = crypto.getSignature(timestamp, nonce, encrypt);
  const query = new URLSearchParams({
    msg_signature: signature,
    timestamp,
    nonce,
    encrypt_type: 'aes',
  }).toString();
  return {
    query,
    body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}
