import { randomInt } from 'node:crypto';
import { decryptMessage, encryptMessage, WechatCryptoError } from './crypto.ts';
import { signatureMatches, wechatSignature } from './signature.ts';
import { encryptedReplyXml, parseWechatXml, type WechatFields, WechatXmlError } from './xml.ts';

/**
 * Encrypted messages in and out (Official Account compatible / safe mode, and WeCom): the body is
 * `<xml><ToUserName/><Encrypt/>[<AgentID/>]</xml>`; `msg_signature` signs (token, timestamp, nonce, Encrypt)
 * and is checked in constant time before the ciphertext is touched; the decrypted text must end with our
 * AppID / CorpID, and is then parsed with the same guards as a plaintext body. A reply is encrypted for
 * the same receiver id and signed with a fresh timestamp and nonce.
 *
 * @example
 * const keys = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiverId: 'wx5823bf96d3bd56c7' };
 * const opened = openEnvelope(body, { msg_signature, timestamp, nonce }, keys);
 * if (opened.ok) sealReply(textReplyXml({ … }), keys, Date.now());
 */
export interface EnvelopeKeys {
  token: string;
  aesKey: string;
  /** AppID (Official Account) or CorpID (WeCom): what the plaintext must end with. */
  receiverId: string;
}

/**
 * Why a request was refused: 401 for the signature or replay checks, 400 for a body that is not a WeChat
 * message. `signed` marks a refusal of a correctly signed request (Tencent's, or someone holding the token):
 * usually a settings mismatch the operator should hear about, such as a changed EncodingAESKey.
 *
 * @example
 * const refusal: Refusal = { ok: false, status: 401, reason: 'msg_signature does not match' };
 */
export type Refusal = { ok: false; status: 400 | 401; reason: string; signed?: boolean };

/**
 * The decrypted message's fields, or a {@link Refusal}.
 *
 * @example
 * openEnvelope('<xml><Encrypt>…</Encrypt></xml>', { msg_signature: '4777…', timestamp: '1409659813', nonce: '1372623149' }, keys);
 * // { ok: true, fields: { ToUserName: 'wx5823bf96d3bd56c7', FromUserName: 'mycreate', MsgType: 'text', Content: 'hello', … } }
 */
export function openEnvelope(
  body: string,
  query: { msg_signature?: unknown; timestamp?: unknown; nonce?: unknown },
  keys: EnvelopeKeys,
): { ok: true; fields: WechatFields } | Refusal {
  let outer: WechatFields;
  try {
    outer = parseWechatXml(body);
  } catch (err) {
    return refuse(400, err);
  }
  const encrypt = outer.Encrypt?.trim();
  if (!encrypt) return { ok: false, status: 400, reason: 'no Encrypt field' };
  const { timestamp, nonce } = query;
  if (typeof timestamp !== 'string' || typeof nonce !== 'string')
    return { ok: false, status: 401, reason: 'timestamp or nonce missing' };
  if (!signatureMatches(query.msg_signature, [keys.token, timestamp, nonce, encrypt]))
    return { ok: false, status: 401, reason: 'msg_signature does not match' };
  return decryptFields(encrypt, keys);
}

/** Decrypts and parses an already-authenticated Encrypt value. */
function decryptFields(encrypt: string, keys: EnvelopeKeys): { ok: true; fields: WechatFields } | Refusal {
  try {
    return { ok: true, fields: parseWechatXml(decryptMessage(keys.aesKey, encrypt, keys.receiverId)) };
  } catch (err) {
    return { ...refuse(400, err), signed: true };
  }
}

/**
 * WeCom's URL check: `echostr` is encrypted and signed like a message; answers its plaintext.
 *
 * @example
 * openEchostr({ msg_signature: '5c45…', timestamp: '1409659589', nonce: '263014780', echostr: 'P9nA…' }, keys);
 * // { ok: true, text: '1616140317555161061' }
 */
export function openEchostr(
  query: { msg_signature?: unknown; timestamp?: unknown; nonce?: unknown; echostr?: unknown },
  keys: EnvelopeKeys,
): { ok: true; text: string } | Refusal {
  const { timestamp, nonce } = query;
  // A query parser reads '+' as a space; base64 has no spaces, so they were '+' (if not URL-encoded).
  const echostr = typeof query.echostr === 'string' ? query.echostr.replaceAll(' ', '+') : undefined;
  if (typeof timestamp !== 'string' || typeof nonce !== 'string' || !echostr)
    return { ok: false, status: 401, reason: 'timestamp, nonce or echostr missing' };
  if (!signatureMatches(query.msg_signature, [keys.token, timestamp, nonce, echostr]))
    return { ok: false, status: 401, reason: 'msg_signature does not match' };
  try {
    return { ok: true, text: decryptMessage(keys.aesKey, echostr, keys.receiverId) };
  } catch (err) {
    return { ...refuse(400, err), signed: true };
  }
}

/**
 * The encrypted, signed envelope of a reply.
 *
 * @example
 * sealReply('<xml>…</xml>', keys, Date.now()); // '<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature>…'
 */
export function sealReply(xml: string, keys: EnvelopeKeys, nowMs: number): string {
  const encrypt = encryptMessage(keys.aesKey, xml, keys.receiverId);
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = String(randomInt(100_000_000, 2_000_000_000));
  const signature = wechatSignature([keys.token, timestamp, nonce, encrypt]);
  return encryptedReplyXml({ encrypt, signature, timestamp, nonce });
}

function refuse(status: 400 | 401, err: unknown): Refusal {
  if (err instanceof WechatXmlError || err instanceof WechatCryptoError)
    return { ok: false, status, reason: err.message };
  throw err;
}
