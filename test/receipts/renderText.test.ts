import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyPair, type ReceiptKeys } from '../../src/receipts/keys.ts';
import { RECEIPT_TEXT_MAX, renderReceiptText } from '../../src/receipts/renderText.ts';
import { signReceipt } from '../../src/receipts/sign.ts';
import { buildTranscript, sampleBody } from './sampleReceipt.ts';

let dir: string;
let keys: ReceiptKeys;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cancelmate-text-'));
  keys = loadOrCreateKeyPair(dir);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('renderReceiptText', () => {
  it('summarises a Chinese receipt', () => {
    const receipt = signReceipt(sampleBody('zh-CN'), keys);
    const text = renderReceiptText(receipt);
    // Nothing was cancelled (the outcome is blocked), so it is not titled a cancellation receipt.
    expect(text.split('\n')[0]).toBe('取消受阻收据 R-20261125-7Q2M');
    for (const part of [
      '生成时间：2026-11-25 09:09:06（北京时间）',
      '平台：卡盟网站',
      '取消渠道：网站',
      '结果：未能取消（取消按钮是灰色的）',
      '订单号：KM20261101-8842',
      '金额：198 元',
      '续费前是否收到提醒：没有收到',
      `记录条数：10 · 哈希链头（SHA-256）：${receipt.body.chainHead.slice(0, 16)}`,
      `密钥编号：${keys.keyId}`,
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain(receipt.body.chainHead); // only the first 16 hex chars
    expect(text).not.toContain('npm'); // consumers and officials cannot run npm
    expect(text).not.toContain('回执'); // one name: 收据
    expect(text.length).toBeLessThanOrEqual(RECEIPT_TEXT_MAX);
    // With a public address, it says where to check the receipt.
    const online = renderReceiptText(
      signReceipt(
        sampleBody('zh-CN', { verifyUrl: 'https://cancelmate.example.org/v/R-20261125-7Q2M' }),
        keys,
      ),
    );
    expect(online).toContain('核验：https://cancelmate.example.org/verify');
  });

  it('titles a receipt by what happened, and leaves out an outcome that was not recorded', () => {
    const title = (overrides: Parameters<typeof sampleBody>[1]) =>
      renderReceiptText(signReceipt(sampleBody('zh-CN', overrides), keys)).split(' ')[0];
    expect(title({ outcome: { result: 'worked' } })).toBe('会员取消收据');
    expect(title({ outcome: undefined, caseKind: 'noNotice' })).toBe('退款交涉收据');
    expect(title({ outcome: undefined, caseKind: 'redflag' })).toBe('疑似诈骗求助收据');
    expect(title({ outcome: undefined, caseKind: 'general' })).toBe('会员取消助手对话收据');
    const text = renderReceiptText(signReceipt(sampleBody('zh-CN', { outcome: undefined }), keys));
    expect(text).not.toContain('结果：');
    expect(text).not.toContain('未记录');
  });

  it('summarises an English receipt', () => {
    const receipt = signReceipt(sampleBody('en'), keys);
    const text = renderReceiptText(receipt);
    expect(text).toContain('Cancellation receipt R-20261125-K8WD');
    // The receipt's time zone (Beijing unless the body names another), in English too.
    expect(text).toContain('Issued: 2026-11-25 09:05:03 (Beijing time, UTC+8)');
    expect(text).toContain('Outcome: Cancelled');
    expect(text).toContain('Entries: 6');
    expect(text).not.toContain('npm');
    const utc = renderReceiptText(signReceipt(sampleBody('en', { timeZone: 'UTC' }), keys));
    expect(utc).toContain('Issued: 2026-11-25 01:05:03 (UTC)');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('stays within the length bound with huge user values, keeping the id, chain head and check line', () => {
    const huge = '很长的文字'.repeat(1000);
    const body = sampleBody('zh-CN', {
      id: `R-${'X'.repeat(3000)}`,
      chosen: { platform: huge, membership: huge, channel: huge, payment: huge },
      outcome: { result: 'blocked', reason: huge },
      facts: {
        merchant: huge,
        url: huge,
        order: huge,
        amount: huge,
        date: huge,
        ticket: huge,
        noticeReceived: 'unsure',
      },
      transcript: buildTranscript(
        Array.from(
          { length: 500 },
          (_, i) => ({ at: '2026-11-25T01:00:00.000Z', dir: i % 2 ? 'out' : 'in', text: huge }) as const,
        ),
      ),
      verifyUrl: 'https://cancelmate.example.org/v/R-20261125-7Q2M',
    });
    for (const lang of ['zh-CN', 'en'] as const) {
      const receipt = signReceipt({ ...body, lang }, keys);
      const text = renderReceiptText(receipt);
      expect(text.length).toBeLessThanOrEqual(RECEIPT_TEXT_MAX);
      expect(text).toContain(receipt.body.chainHead.slice(0, 16));
      expect(text).toContain('https://cancelmate.example.org/verify');
      expect(text).toContain('500');
    }
  });
});
