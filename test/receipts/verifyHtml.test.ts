import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair, type ReceiptKeys } from '../../src/receipts/keys.ts';
import { renderReceiptHtml } from '../../src/receipts/renderHtml.ts';
import { signReceipt } from '../../src/receipts/sign.ts';
import type { ReceiptBody } from '../../src/receipts/types.ts';
import { verifyReceiptFileText } from '../../src/receipts/verifyHtml.ts';
import { sampleBody } from './sampleReceipt.ts';

// Issue 8: a receipt page whose VISIBLE text was edited must fail, saying where, even though its embedded,
// signed JSON is untouched.
let dir: string;
let keys: ReceiptKeys;
let other: ReceiptKeys;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-verifyhtml-'));
  keys = loadOrCreateKeyPair(join(dir, 'a'));
  other = loadOrCreateKeyPair(join(dir, 'b'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const TOKEN = 'Zk3_tQ8-2mW9xLpA7cVbN4sD';
const FACTS = {
  merchant: '某某卡盟',
  order: 'A20261103001',
  amount: '39.90 CNY',
  date: '2026-11-03',
  noticeReceived: 'no',
} as const;

function page(
  overrides: Partial<ReceiptBody> = {},
  lang: 'zh-CN' | 'en' = 'zh-CN',
  token: string | undefined = TOKEN,
) {
  const body = sampleBody(lang, {
    facts: { ...FACTS },
    verifyUrl: 'https://cancelmate.example.org/v/R-20261125-7Q2M',
    complaint: {
      demandLetter: `致 某某卡盟：\n\n2026-11-03，贵方以自动续费方式从本人账户扣款 39.90 CNY。\n\n日期：2026-11-25`,
      complaint12315: '被投诉方：某某卡盟\n\n事实：订单号 A20261103001，扣款 39.90 CNY。',
    },
    ...overrides,
  });
  const receipt = signReceipt(body, keys);
  return renderReceiptHtml(receipt, { publicKeyPem: keys.publicKeyPem, ...(token ? { token } : {}) });
}

/** Replaces `from` with `to` only in the visible part of the page (before the scripts), the first time. */
function editVisible(html: string, from: string, to: string, all = false): string {
  const cut = html.indexOf('<script>');
  const visible = html.slice(0, cut);
  expect(visible).toContain(from);
  return (all ? visible.replaceAll(from, to) : visible.replace(from, to)) + html.slice(cut);
}

const check = (text: string, k: ReceiptKeys = keys) => verifyReceiptFileText(text, k);

describe('verifyReceiptFileText on a receipt page', () => {
  it('accepts a page exactly as issued, with or without its link token, in both languages', () => {
    expect(check(page())).toMatchObject({ ok: true, id: 'R-20261125-7Q2M', keyId: keys.keyId });
    expect(check(page({}, 'zh-CN', undefined))).toMatchObject({ ok: true });
    expect(check(page({}, 'en'))).toMatchObject({ ok: true });
    // Line endings changed by an editor or a mail program do not change what a reader sees.
    expect(check(page().replaceAll('\n', '\r\n'))).toMatchObject({ ok: true });
  });

  it('rejects an edited amount (39.90 → 999.00) and names the field, what it shows and what was signed', () => {
    const r = check(editVisible(page(), '<dd>39.90 CNY</dd>', '<dd>999.00 CNY</dd>'));
    expect(r).toMatchObject({ ok: false, failure: 'page' });
    if (r.ok) return;
    expect(r.where?.place).toEqual(['你提供的信息', '金额']);
    expect(r.where?.shown).toContain('999.00 CNY');
    expect(r.where?.signed).toContain('39.90 CNY');
    expect(r.message).toContain('你提供的信息 › 金额');
    expect(r.message).toContain('"999.00 CNY"');
  });

  it('rejects an amount edited inside a letter, naming the letter', () => {
    const r = check(editVisible(page(), '扣款 39.90 CNY。\n\n日期', '扣款 999.00 CNY。\n\n日期'));
    expect(r).toMatchObject({ ok: false, failure: 'page' });
    if (r.ok) return;
    expect(r.where?.place).toEqual(['投诉文本', '给商家的书面要求']);
    expect(r.where?.shown).toContain('999.00');
    expect(r.where?.signed).toContain('39.90');
    expect(r.where?.shown?.length).toBeLessThan(90); // an excerpt around the change, not the whole letter
  });

  it('rejects another order number, another name and another date, each named where it first shows', () => {
    const order = check(editVisible(page(), 'A20261103001', 'A20261103999'));
    expect(order).toMatchObject({ ok: false, failure: 'page', where: { place: ['你提供的信息', '订单号'] } });
    const name = check(editVisible(page(), '某某卡盟', '另一家公司', true));
    expect(name).toMatchObject({
      ok: false,
      failure: 'page',
      where: { place: ['你提供的信息', '商家'], shown: '另一家公司', signed: '某某卡盟' },
    });
    const date = check(editVisible(page(), '<dd>2026-11-03</dd>', '<dd>2026-10-03</dd>'));
    expect(date).toMatchObject({ ok: false, failure: 'page', where: { place: ['你提供的信息', '日期'] } });
    const issued = check(
      editVisible(page(), '2026-11-25 09:09:06（北京时间）', '2026-11-20 09:09:06（北京时间）'),
    );
    expect(issued).toMatchObject({ ok: false, failure: 'page', where: { place: ['概要', '生成时间'] } });
  });

  it('names the place in the English page’s own words', () => {
    const r = check(editVisible(page({}, 'en'), '<dd>39.90 CNY</dd>', '<dd>999.00 CNY</dd>'));
    expect(r).toMatchObject({
      ok: false,
      failure: 'page',
      where: { place: ['Facts you provided', 'Amount'] },
    });
  });

  it('rejects styles or markup that change what a reader sees, even when every word is the same', () => {
    const hidden = check(editVisible(page(), '.muted{color:#555', '.muted{display:none;color:#555'));
    expect(hidden).toMatchObject({ ok: false, failure: 'page' });
    if (!hidden.ok) {
      expect(hidden.where?.shown).toBeUndefined();
      expect(hidden.message).toContain('markup or styles differ');
    }
    const added = check(`${page()}<p>金额：999.00 CNY</p>`);
    expect(added).toMatchObject({
      ok: false,
      failure: 'page',
      where: { shown: '金额：999.00 CNY', signed: '' },
    });
  });

  it('rejects a check link pointed at another site (the address is signed; only the token is not)', () => {
    const forged = editVisible(page(), 'https://cancelmate.example.org/v/', 'https://evil.example/v/', true);
    expect(check(forged)).toMatchObject({ ok: false, failure: 'page', where: { place: ['如何核验'] } });
  });

  it('still reports signature, key and format failures before comparing the page', () => {
    const html = page();
    const cut = html.indexOf('<script type="application/json"');
    const jsonEdited = html.slice(0, cut) + html.slice(cut).replace('39.90 CNY', '999.00 CNY');
    expect(check(jsonEdited)).toMatchObject({ ok: false, failure: 'signature' });
    expect(check(html, other)).toMatchObject({ ok: false, failure: 'unknown-key' });
    expect(check('<html>nothing here</html>')).toMatchObject({ ok: false, failure: 'format' });
  });

  it('tells a page from another layout version apart from an edited one', () => {
    const old = page().replace(/<meta name="cancelmate-receipt-render" content="[^"]*">\n/, '');
    const r = check(old);
    expect(r).toMatchObject({ ok: false, failure: 'renderer' });
    if (!r.ok) expect(r.message).toContain('check the JSON file');
  });

  it('checks the JSON file by its signature alone', () => {
    const receipt = signReceipt(sampleBody('zh-CN', { facts: { ...FACTS } }), keys);
    expect(check(JSON.stringify(receipt, null, 2))).toMatchObject({ ok: true });
  });
});
