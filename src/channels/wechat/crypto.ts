import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The message encryption Tencent uses for the Official Account's compatible and safe modes and for every
 * WeCom callback: AES-256-CBC with key = base64(EncodingAESKey + "=") (32 bytes) and IV = its first 16
 * bytes; plaintext = random(16) ‖ length of msg (4 bytes, big-endian) ‖ msg ‖ receiver id (the AppID or
 * CorpID); PKCS#7 padding to a multiple of 32 bytes (done by hand, OpenSSL's own padding is off); base64.
 * Decryption checks the padding, the length and that the trailing receiver id is ours.
 *
 * @example
 * const key = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
 * const sealed = encryptMessage(key, '<xml>…</xml>', 'wx5823bf96d3bd56c7');
 * decryptMessage(key, sealed, 'wx5823bf96d3bd56c7'); // '<xml>…</xml>'
 */
export type WechatCryptoProblem = 'key' | 'format' | 'padding' | 'length' | 'receiver' | 'encoding';

/**
 * A message that cannot be decrypted (or a key that cannot be used); `problem` says which check failed.
 * For requests this means "refuse with 400": it never carries the message or the key.
 *
 * @example
 * try { decryptMessage(key, body.Encrypt, appId); } catch (err) {
 *   if (err instanceof WechatCryptoError && err.problem === 'receiver') log.warn('message for another account');
 * }
 */
export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
  constructor(readonly problem: WechatCryptoProblem) {
    super(CRYPTO_PROBLEMS[problem]);
  }
}

const CRYPTO_PROBLEMS: Record<WechatCryptoProblem, string> = {
  key: 'the EncodingAESKey must be 43 letters or digits: copy it again from the admin console',
  format: 'the encrypted text is not base64 of whole 16-byte blocks',
  padding: 'the decrypted text has no valid PKCS#7 padding (wrong EncodingAESKey?)',
  length: 'the length inside the decrypted text does not fit (wrong EncodingAESKey?)',
  receiver: 'the message is for another AppID / CorpID than the one configured',
  encoding: 'the decrypted message is not UTF-8 text',
};

/**
 * Tencent pads to a multiple of this many bytes (not AES's 16).
 *
 * @example
 * Buffer.from(encryptMessage(key, 'x', appId), 'base64').length % PAD_BLOCK_BYTES; // 0
 */
export const PAD_BLOCK_BYTES = 32;

/**
 * The 32-byte AES key of an EncodingAESKey; throws {@link WechatCryptoError} ('key') for a malformed one.
 *
 * @example
 * aesKeyBytes('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C').length; // 32
 */
export function aesKeyBytes(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('key');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('key');
  return key;
}

/**
 * Encrypts `message` for `receiverId` (our AppID / CorpID); `random` (16 bytes) is fresh unless given.
 *
 * @example
 * encryptMessage(key, '<xml><Content><![CDATA[你好]]></Content></xml>', 'wx5823bf96d3bd56c7');
 */
export function encryptMessage(
  encodingAesKey: string,
  message: string,
  receiverId: string,
  random: Buffer = randomBytes(16),
): string {
  const key = aesKeyBytes(encodingAesKey);
  if (random.length !== 16) throw new RangeError('random must be 16 bytes');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiverId, 'utf8')]);
  const pad = PAD_BLOCK_BYTES - (plain.length % PAD_BLOCK_BYTES);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

/**
 * Decrypts a base64 `Encrypt` value and returns the message; throws {@link WechatCryptoError} when the
 * text is malformed, the padding or length is wrong, or the trailing receiver id is not `expectedReceiverId`.
 *
 * @example
 * decryptMessage('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', encrypt, 'wx5823bf96d3bd56c7'); // '<xml>…'
 */
export function decryptMessage(
  encodingAesKey: string,
  encrypted: string,
  expectedReceiverId: string,
): string {
  const { message, receiverId } = openMessage(encodingAesKey, encrypted);
  if (receiverId !== expectedReceiverId) throw new WechatCryptoError('receiver');
  return message;
}

/**
 * Decrypts a base64 `Encrypt` value into the message and the receiver id it ends with, without judging
 * the id (a server must use {@link decryptMessage}; the simulator reports a wrong id instead).
 *
 * @example
 * openMessage(key, encrypt); // { message: '<xml>…</xml>', receiverId: 'wx5823bf96d3bd56c7' }
 */
export function openMessage(
  encodingAesKey: string,
  encrypted: string,
): { message: string; receiverId: string } {
  const key = aesKeyBytes(encodingAesKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || encrypted.length % 4 !== 0)
    throw new WechatCryptoError('format');
  const sealed = Buffer.from(encrypted, 'base64');
  if (sealed.length < PAD_BLOCK_BYTES || sealed.length % 16 !== 0) throw new WechatCryptoError('format');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(sealed), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > PAD_BLOCK_BYTES || plain.subarray(plain.length - pad).some((b) => b !== pad))
    throw new WechatCryptoError('padding');
  const content = plain.subarray(16, plain.length - pad);
  if (content.length < 4) throw new WechatCryptoError('length');
  const length = content.readUInt32BE(0);
  if (4 + length > content.length) throw new WechatCryptoError('length');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    return {
      message: utf8.decode(content.subarray(4, 4 + length)),
      receiverId: utf8.decode(content.subarray(4 + length)),
    };
  } catch {
    throw new WechatCryptoError('encoding');
  }
}
