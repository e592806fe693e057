import { describe, expect, it } from 'vitest';
import {
  cdata,
  encryptedReplyXml,
  MAX_XML_BYTES,
  parseWechatXml,
  textReplyXml,
  WechatXmlError,
} from '../../../src/channels/wechat/xml.ts';

const refused = (body: string) => {
  try {
    parseWechatXml(body);
  } catch (err) {
    return err instanceof WechatXmlError;
  }
  return false;
};

describe('parseWechatXml', () => {
  it('keeps every field the string it was: no numbers, no trimmed zeros, 64-bit ids exact', () => {
    const f = parseWechatXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName>' +
        '<CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType>' +
        '<Content><![CDATA[00123]]></Content><MsgId>4561255354251345929</MsgId><AgentID>0218</AgentID></xml>',
    );
    expect(f).toEqual({
      ToUserName: 'gh_1',
      FromUserName: 'oU',
      CreateTime: '1714037059',
      MsgType: 'text',
      Content: '00123',
      MsgId: '4561255354251345929',
      AgentID: '0218',
    });
  });

  it('decodes the predefined entities but ignores unknown fields and attributes', () => {
    const f = parseWechatXml(
      '<xml a="1"><Content>a &lt;b&gt; &amp; c</Content><PicUrl>x</PicUrl><Nested><a>1</a></Nested></xml>',
    );
    expect(f).toEqual({ Content: 'a <b> & c' });
  });

  it('refuses DOCTYPE and ENTITY declarations before parsing (billion laughs, external entities)', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>';
    expect(refused(lol)).toBe(true);
    expect(refused('<!doctype xml><xml><Content>x</Content></xml>')).toBe(true);
    expect(refused('<xml><Content>x</Content></xml><!ENTITY x SYSTEM "file:///etc/passwd">')).toBe(true);
    expect(refused('<! DOCTYPE xml><xml/>')).toBe(true);
  });

  it('refuses bodies that are not one <xml> element of single-text fields', () => {
    for (const body of [
      '',
      'hello',
      '{"MsgType":"text"}',
      '<xml><Content>x</Content',
      '<xml><Content>x</Content></xml><xml/>',
      '<root><Content>x</Content></root>',
      '<xml>text only</xml>',
      '<xml><Content>a</Content><Content>b</Content></xml>',
      '<xml><MsgType><b>text</b></MsgType></xml>',
      '<xml><__proto__>x</__proto__></xml>',
    ])
      expect(refused(body), body).toBe(true);
  });

  it('refuses more than 64 KB', () => {
    const big = `<xml><Content>${'a'.repeat(MAX_XML_BYTES)}</Content></xml>`;
    expect(refused(big)).toBe(true);
    const fits = `<xml><Content>${'a'.repeat(MAX_XML_BYTES - 40)}</Content></xml>`;
    expect(parseWechatXml(fits).Content?.length).toBe(MAX_XML_BYTES - 40);
  });
});

describe('writing replies', () => {
  it('a text reply reads back as the same fields, whatever the content', () => {
    const content = '回复 1：取消会员 ]]> <b>&amp; \u0001 end';
    const xml = textReplyXml({ to: 'oU', from: 'gh_1', createTime: 1714037059.7, content });
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: 'oU',
      FromUserName: 'gh_1',
      CreateTime: '1714037059',
      MsgType: 'text',
      Content: '回复 1：取消会员 ]]> <b>&amp;  end',
    });
  });

  it('cdata splits "]]>" and drops characters XML cannot carry', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(cdata('a\u0000\u000bb\n')).toBe('<![CDATA[ab\n]]>');
  });

  it('an encrypted envelope carries the four fields', () => {
    const xml = encryptedReplyXml({ encrypt: 'QUJD', signature: 'ab', timestamp: '1', nonce: '2' });
    expect(parseWechatXml(xml)).toEqual({ Encrypt: 'QUJD', MsgSignature: 'ab', TimeStamp: '1', Nonce: '2' });
  });
});
