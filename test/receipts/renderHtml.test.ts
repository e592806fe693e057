import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair, type ReceiptKeys } from '../../src/receipts/keys.ts';
import { embedJson, escapeHtml, renderReceiptHtml } from '../../src/receipts/renderHtml.ts';
import { signReceipt } from '../../src/receipts/sign.ts';
import type { ReceiptBody } from '../../src/receipts/types.ts';
import { extractReceipt, verifyReceipt } from '../../src/receipts/verify.ts';
import { buildTranscript, sampleBody } from './sampleReceipt.ts';

let dir: string;
let keys: ReceiptKeys;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-html-'));
  keys = loadOrCreateKeyPair(dir);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const render = (body: ReceiptBody, verifyUrl?: string) => {
  const receipt = signReceipt(body, keys);
  return { receipt, html: renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem, verifyUrl }) };
};
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('renderReceiptHtml', () => {
  it('renders every section of a Chinese receipt', () => {
    const { receipt, html } = render(sampleBody('zh-CN'));
    const b = receipt.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('@media print');
    for (const text of [
      b.id,
      '2026-11-25 09:09:06（北京时间）',
      b.flowVersion,
      '卡盟网站',
      '自动续费会员',
      '微信支付',
      '未能取消',
      '取消按钮是灰色的',
      'KM20261101-8842',
      '198 元',
      '没有收到',
      '最后核实 2026-11-01',
      '尚未核实，以实际页面为准',
      'flows/platforms/kamen.yaml',
      '《消费者权益保护法实施条例》第十条第二款',
      '聊天记录和工单号',
      b.chainHead,
      receipt.signature.value,
      keys.keyId,
      'npm run receipt -- verify FILE --pubkey receipt-key.pub.pem',
      keys.publicKeyPem.trim(),
    ]) {
      expect(html, text).toContain(text);
    }
    // Complaint texts keep their line breaks inside <pre>.
    expect(html).toContain('<pre>某某卡盟：\n\n本人于 2026-11-01');
    expect(html).toMatch(/<pre>被投诉方：某某卡盟\n事实：/);
    // One timeline item per transcript entry, with who spoke.
    expect(count(html, '<li class="in">')).toBe(5);
    expect(count(html, '<li class="out">')).toBe(5);
    expect(html).toContain('<b>用户</b>');
    expect(html).toContain('<b>助手</b>');
  });

  it('renders an English receipt, leaving out what the body does not have', () => {
    const { html } = render(sampleBody('en'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('last checked 2026-11-01');
    expect(html).toContain('2026-11-25 01:05:03 UTC');
    expect(html).toContain('Cancelled');
    expect(html).toContain('<b>You</b>');
    expect(html).not.toContain('id="complaint"');
    expect(html).not.toContain('id="rights"');
    expect(html).not.toMatch(/[\u4e00-\u9fff]/); // no Chinese labels leak into the English page
  });

  it('is self-contained: no external assets, no script but the JSON data block', () => {
    const { html } = render(sampleBody('zh-CN'));
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(|\bsrc=/i);
    expect(html).not.toMatch(/href=/);
    expect(count(html, '<script')).toBe(1);
    expect(html).toContain('<script type="application/json" id="cancelmate-receipt">');
    expect(count(html, '</script>')).toBe(1);
  });

  it('embeds the receipt so that extractReceipt(html) verifies', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const { receipt, html } = render(sampleBody(lang));
      const extracted = extractReceipt(html);
      expect(extracted).toEqual(receipt);
      expect(verifyReceipt(extracted, keys.publicKey)).toEqual({
        ok: true,
        id: receipt.body.id,
        keyId: keys.keyId,
      });
    }
  });

  it('escapes a malicious merchant name everywhere, and the embedded JSON still verifies', () => {
    const evil = `</script><img src=x onerror=alert(1)>"'&\u2028\u2029<!--`;
    const body = sampleBody('zh-CN', {
      id: `R-${evil}`,
      chosen: { platform: evil, channel: evil },
      facts: { merchant: evil, url: `javascript:${evil}` },
      paths: [{ platform: evil, channel: evil, steps: [evil], source: evil, unverified: true }],
      rights: [{ text: evil, citations: [evil] }],
      evidence: [evil],
      complaint: { demandLetter: evil, complaint12315: evil },
      transcript: buildTranscript([
        { at: '2026-11-25T01:00:00.000Z', dir: 'in', text: evil },
        { at: evil, dir: 'out', text: evil, choices: [evil] },
      ]),
    });
    const { receipt, html } = render(body, `https://example.org/verify?x="><img src=x>`);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/[\u2028\u2029]<\/script>/);
    expect(count(html, '</script>')).toBe(1);
    expect(count(html, '<script')).toBe(1);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    const extracted = extractReceipt(html) as typeof receipt;
    expect(extracted.body.facts.merchant).toBe(evil);
    expect(verifyReceipt(extracted, keys.publicKey).ok).toBe(true);
  });

  it('links only an http(s) verify URL', () => {
    expect(render(sampleBody('en'), 'https://cancelmate.example/verify').html).toContain(
      '<a href="https://cancelmate.example/verify">',
    );
    expect(render(sampleBody('en'), 'javascript:alert(1)').html).not.toContain('javascript:');
  });
});

describe('escapeHtml / embedJson', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapes <, >, &, U+2028 and U+2029 as \\u escapes that JSON.parse restores', () => {
    const value = { t: '</script>&\u2028\u2029' };
    const out = embedJson(value);
    expect(out).toBe('{"t":"\\u003c/script\\u003e\\u0026\\u2028\\u2029"}');
    expect(JSON.parse(out)).toEqual(value);
  });
});
