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
    expect(text.split('\n')[0]).toBe('会员取消回执 R-20261125-7Q2M');
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
      '核验：npm run receipt -- verify FILE --pubkey receipt-key.pub.pem',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain(receipt.body.chainHead); // only the first 16 hex chars
    expect(text.length).toBeLessThanOrEqual(RECEIPT_TEXT_MAX);
  });

  it('summarises an English receipt', () => {
    const receipt = signReceipt(sampleBody('en'), keys);
    const text = renderReceiptText(receipt);
    expect(text).toContain('Cancellation receipt R-20261125-K8WD');
    expect(text).toContain('Issued: 2026-11-25 01:05:03 UTC');
    expect(text).toContain('Outcome: Cancelled');
    expect(text).toContain('Entries: 6');
    expect(text).toContain('Verify with: npm run receipt');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('stays within the length bound with huge user values, keeping the id, chain head and verify line', () => {
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
    });
    for (const lang of ['zh-CN', 'en'] as const) {
      const receipt = signReceipt({ ...body, lang }, keys);
      const text = renderReceiptText(receipt);
      expect(text.length).toBeLessThanOrEqual(RECEIPT_TEXT_MAX);
      expect(text).toContain(receipt.body.chainHead.slice(0, 16));
      expect(text).toContain('verify FILE --pubkey');
      expect(text).toContain('500');
    }
  });
});
