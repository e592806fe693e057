import { Bot } from 'grammy';
import { Telegraf } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grammyIO } from '../../../src/channels/telegram/bot.ts';
import { renderReply, sendReplies } from '../../../src/channels/telegram/render.ts';
import { telegrafIO } from '../../../src/channels/telegram/telegraf.ts';
import type { TelegramIO } from '../../../src/channels/telegram/telegramIO.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { type FakeBotApi, startFakeBotApi } from '../../support/fakeBotApi.ts';

const RECEIPT_HTML = '<!doctype html><html><body><h1>会员取消凭证</h1><p>订单 · 链头 ab12…</p></body></html>';
const RECEIPT_JSON = JSON.stringify({
  id: 'r_1',
  flowVersion: '2026.11.25+abc',
  steps: ['网站 → 取消自动续费'],
});

/** What the receipts engineer's /receipt answer will look like. */
const receiptReply: Reply = {
  text: '这是本次对话的凭证，请保存好。',
  choices: [{ id: '_restart', label: '重新开始' }],
  turn: 9,
  attachments: [
    { filename: 'cancelmate-receipt.html', contentType: 'text/html; charset=utf-8', content: RECEIPT_HTML },
    { filename: 'cancelmate-receipt.json', contentType: 'application/json', content: RECEIPT_JSON },
  ],
  receipt: { id: 'r_1', token: 'tok' },
};

describe('renderReply', () => {
  it('renders text with a one-button-per-row keyboard, then each attachment as a document', () => {
    const out = renderReply(receiptReply);
    expect(out.map((m) => m.kind)).toEqual(['text', 'document', 'document']);
    expect(out[0]).toEqual({
      kind: 'text',
      text: '这是本次对话的凭证，请保存好。',
      keyboard: { inline_keyboard: [[{ text: '重新开始', callback_data: '_restart|9' }]] },
    });
    const doc = out[1];
    expect(doc?.kind === 'document' && doc.content.toString('utf8')).toBe(RECEIPT_HTML);
  });

  it('sends no keyboard without choices, and a placeholder text for buttons without text', () => {
    expect(renderReply({ text: 'hi' })).toEqual([{ kind: 'text', text: 'hi' }]);
    expect(renderReply({ text: '', choices: [{ id: 'a', label: 'A' }], turn: 1 })[0]).toMatchObject({
      text: '…',
    });
    expect(renderReply({ text: '  ' })).toEqual([]);
  });
});

describe('sendReplies against the fake Bot API', () => {
  let api: FakeBotApi;
  beforeEach(async () => {
    api = await startFakeBotApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const libraries: Array<[string, () => TelegramIO]> = [
    ['grammY', () => grammyIO(new Bot(api.token, { client: { apiRoot: api.apiRoot } }).api, api.botInfo)],
    [
      'Telegraf',
      () => telegrafIO(new Telegraf(api.token, { telegram: { apiRoot: api.apiRoot } }).telegram, api.botInfo),
    ],
  ];

  it.each(libraries)('uploads receipt attachments as documents after the text (%s)', async (_name, io) => {
    await sendReplies(io(), 42, [receiptReply]);
    expect(api.calls.map((c) => `${c.method} ${c.status}`)).toEqual([
      'sendMessage 200',
      'sendDocument 200',
      'sendDocument 200',
    ]);
    expect(api.calls[0]?.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: '重新开始', callback_data: '_restart|9' }]],
    });
    const docs = api.calls.filter((c) => c.method === 'sendDocument');
    expect(docs.map((c) => c.params.chat_id).map(Number)).toEqual([42, 42]);
    const files = docs.map((c) => c.files?.[0]);
    expect(files.map((f) => f?.field)).toEqual(['document', 'document']);
    expect(files.map((f) => f?.filename)).toEqual(['cancelmate-receipt.html', 'cancelmate-receipt.json']);
    expect(files[0]?.content.toString('utf8')).toBe(RECEIPT_HTML);
    expect(JSON.parse(files[1]?.content.toString('utf8') ?? '')).toEqual(JSON.parse(RECEIPT_JSON));
  });

  it.each(libraries)('sends long text in pieces under 4096 characters (%s)', async (_name, io) => {
    const text = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(3000)).join('\n\n');
    await sendReplies(io(), 42, [{ text, choices: [{ id: 'ok', label: 'OK' }], turn: 2 }]);
    const sends = api.calls.filter((c) => c.method === 'sendMessage');
    expect(sends.map((c) => (c.params.text as string).length)).toEqual([3000, 3000, 3000]);
    expect(sends.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(sends.map((c) => c.params.reply_markup === undefined)).toEqual([true, true, false]);
  });
});
