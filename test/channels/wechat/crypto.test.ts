import {
  decrypt as wecomDecrypt,
  encrypt as wecomEncrypt,
  getSignature as wecomSignature,
} from '@wecom/crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import WXBizMsgCrypt from 'wechat-crypto';
import {
  aesKeyBytes,
  decryptMessage,
  encryptMessage,
  openMessage,
  WechatCryptoError,
} from '../../../src/channels/wechat/crypto.ts';
import { signatureMatches, timestampFresh, wechatSignature } from '../../../src/channels/wechat/signature.ts';
import { parseWechatXml } from '../../../src/channels/wechat/xml.ts';
import { OA, WECOM } from './vectors.ts';

const problem = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof WechatCryptoError ? err.problem : `other: ${String(err)}`;
  }
  return 'none';
};

describe('signatures (known answers)', () => {
  it('Official Account URL check: sha1 of the sorted token, timestamp and nonce', () => {
    expect(wechatSignature([OA.token, OA.timestamp, OA.nonce])).toBe(OA.signature);
    expect(signatureMatches(OA.signature, [OA.token, OA.timestamp, OA.nonce])).toBe(true);
    expect(signatureMatches(OA.signature.toUpperCase(), [OA.token, OA.timestamp, OA.nonce])).toBe(true);
  });

  it('WeCom msg_signature over the Encrypt string and over the echostr', () => {
    expect(wechatSignature([WECOM.token, WECOM.timestamp, WECOM.nonce, WECOM.encrypt])).toBe(
      WECOM.msgSignature,
    );
    const e = WECOM.echo;
    expect(wechatSignature([WECOM.token, e.timestamp, e.nonce, e.echostr])).toBe(e.msgSignature);
  });

  it('refuses a forged, truncated, missing or non-string signature', () => {
    const parts = [OA.token, OA.timestamp, OA.nonce];
    expect(signatureMatches(`${OA.signature.slice(0, -1)}0`, parts)).toBe(false);
    expect(signatureMatches(OA.signature.slice(0, 20), parts)).toBe(false);
    expect(signatureMatches('', parts)).toBe(false);
    expect(signatureMatches(undefined, parts)).toBe(false);
    expect(signatureMatches([OA.signature], parts)).toBe(false);
    expect(signatureMatches(OA.signature, ['BBBBB', OA.timestamp, OA.nonce])).toBe(false);
  });

  it('a timestamp more than 5 minutes off, or not a number, is not fresh', () => {
    const at = Number(OA.timestamp) * 1000;
    expect(timestampFresh(OA.timestamp, at + 299_000)).toBe(true);
    expect(timestampFresh(OA.timestamp, at - 299_000)).toBe(true);
    expect(timestampFresh(OA.timestamp, at + 301_000)).toBe(false);
    expect(timestampFresh(OA.timestamp, at - 301_000)).toBe(false);
    for (const bad of [undefined, '', '12a', '-1', '1e9', ['1714037059']])
      expect(timestampFresh(bad, at)).toBe(false);
  });
});

describe('message crypto (known answers)', () => {
  it('decrypts Tencent’s sample to the text message "hello" with its MsgId kept exact', () => {
    const xml = decryptMessage(WECOM.aesKey, WECOM.encrypt, WECOM.corpId);
    const fields = parseWechatXml(xml);
    expect(fields).toMatchObject({
      ToUserName: WECOM.corpId,
      FromUserName: 'mycreate',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    });
    // 4561255354251345929 > 2^53: a number would have lost its last digits.
    expect(String(Number(fields.MsgId))).not.toBe(fields.MsgId);
  });

  it('decrypts the URL-check echostr', () => {
    expect(decryptMessage(WECOM.aesKey, WECOM.echo.echostr, WECOM.corpId)).toBe(WECOM.echo.plain);
  });

  it('refuses a message for another AppID / CorpID (the public peers accept it)', () => {
    expect(problem(() => decryptMessage(WECOM.aesKey, WECOM.encrypt, 'wx0000000000000000'))).toBe('receiver');
    expect(wecomDecrypt(WECOM.aesKey, WECOM.encrypt).id).toBe(WECOM.corpId);
  });

  it('refuses malformed keys and ciphertexts with a named problem', () => {
    expect(problem(() => aesKeyBytes('short'))).toBe('key');
    expect(problem(() => aesKeyBytes(`${WECOM.aesKey.slice(0, 42)}+`))).toBe('key');
    expect(problem(() => decryptMessage(WECOM.aesKey, 'not base64!', WECOM.corpId))).toBe('format');
    expect(problem(() => decryptMessage(WECOM.aesKey, 'AAAA', WECOM.corpId))).toBe('format');
    expect(
      problem(() => decryptMessage(WECOM.aesKey, Buffer.alloc(40).toString('base64'), WECOM.corpId)),
    ).toBe('format');
    // Right shape, wrong key: the padding check fails (or, rarely, the length check).
    const otherKey = 'A'.repeat(43);
    expect(['padding', 'length']).toContain(
      problem(() => decryptMessage(otherKey, WECOM.encrypt, WECOM.corpId)),
    );
    // A flipped bit in the last block breaks the padding.
    const sealed = Buffer.from(WECOM.encrypt, 'base64');
    sealed[sealed.length - 20] = (sealed[sealed.length - 20] ?? 0) ^ 0xff;
    expect(['padding', 'length', 'receiver', 'encoding']).toContain(
      problem(() => decryptMessage(WECOM.aesKey, sealed.toString('base64'), WECOM.corpId)),
    );
  });

  it('pads to a multiple of 32 bytes and matches @wecom/crypto byte for byte given the same random', () => {
    const random = Buffer.from('0123456789abcdef');
    const ours = encryptMessage(WECOM.aesKey, '<xml>你好</xml>', WECOM.corpId, random);
    expect(Buffer.from(ours, 'base64').length % 32).toBe(0);
    expect(ours).toBe(wecomEncrypt(WECOM.aesKey, '<xml>你好</xml>', WECOM.corpId, random));
  });
});

describe('interoperability with independent implementations', () => {
  const peer = new WXBizMsgCrypt(WECOM.token, WECOM.aesKey, WECOM.corpId);
  const text = fc.string({ unit: 'grapheme', maxLength: 400 });

  it('decrypts what @wecom/crypto and wechat-crypto encrypt, for any text', () => {
    fc.assert(
      fc.property(text, (msg) => {
        expect(
          decryptMessage(WECOM.aesKey, wecomEncrypt(WECOM.aesKey, msg, WECOM.corpId), WECOM.corpId),
        ).toBe(msg);
        expect(decryptMessage(WECOM.aesKey, peer.encrypt(msg), WECOM.corpId)).toBe(msg);
      }),
      { numRuns: 150, seed: 10 },
    );
  });

  it('what we encrypt, both peers decrypt, with our receiver id', () => {
    fc.assert(
      fc.property(text, (msg) => {
        const ours = encryptMessage(WECOM.aesKey, msg, WECOM.corpId);
        expect(wecomDecrypt(WECOM.aesKey, ours)).toMatchObject({ message: msg, id: WECOM.corpId });
        expect(peer.decrypt(ours)).toEqual({ message: msg, id: WECOM.corpId });
        expect(openMessage(WECOM.aesKey, ours)).toEqual({ message: msg, receiverId: WECOM.corpId });
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('signatures agree with both peers', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{10}$/),
        fc.stringMatching(/^\d{1,10}$/),
        fc.base64String(),
        (ts, nonce, enc) => {
          const ours = wechatSignature([WECOM.token, ts, nonce, enc]);
          expect(ours).toBe(wecomSignature(WECOM.token, ts, nonce, enc));
          expect(ours).toBe(peer.getSignature(ts, nonce, enc));
        },
      ),
      { numRuns: 100, seed: 12 },
    );
  });
});
