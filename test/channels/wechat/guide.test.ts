import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { type ChannelEngine, withHandle } from '../../../src/channels/kit/channelEngine.ts';
import type { TencentClient } from '../../../src/channels/wechat/sim/tencentClient.ts';
import type { Inbound } from '../../../src/dialogue/types.ts';
import { createLogger } from '../../../src/logger.ts';
import { TO_TICKET_QUESTION_ZH } from '../../support/scripts.ts';
import { ACCOUNT, type WechatHarness, wechatHarness } from './harness.ts';

// The channel's own behaviour over real HTTP: the deadline and late replies, pages, letters on request,
// receipts as links.
const harnesses: WechatHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
async function harness(opts: Parameters<typeof wechatHarness>[0] = {}) {
  const h = await wechatHarness(opts);
  harnesses.push(h);
  return h;
}

/** An engine whose next call waits for `release()` (an injected slow step). */
function slowEngine(engine: App['engine']) {
  let gate: Promise<void> | undefined;
  let release = () => {};
  let finished: Promise<void> = Promise.resolve();
  const calls: Inbound[] = [];
  const wrapped: ChannelEngine = withHandle(engine, async (inbound) => {
    calls.push(inbound);
    const wait = gate;
    gate = undefined;
    if (!wait) return engine.handle(inbound);
    let done = () => {};
    finished = new Promise((r) => {
      done = r;
    });
    await wait;
    const out = await engine.handle(inbound);
    setImmediate(done);
    return out;
  });
  return {
    wrapped,
    calls,
    slowNext() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release: () => release(),
    finished: () => finished,
  };
}

/** Answers in order (by text), returning every reply. */
async function say(tencent: TencentClient, ...lines: string[]) {
  const out: (string | undefined)[] = [];
  for (const content of lines) out.push((await tencent.send({ type: 'text', content })).text);
  return out;
}

const TO_LETTERS = [...TO_TICKET_QUESTION_ZH, '跳过'];

describe('deadline', () => {
  it('a slow step is answered success; its reply goes out first with the next message; nothing is lost or doubled', async () => {
    let slow: ReturnType<typeof slowEngine> | undefined;
    const h = await harness({
      deadlineMs: 150,
      wrap: (engine) => {
        slow = slowEngine(engine);
        return slow.wrapped;
      },
    });
    if (!slow) throw new Error('no engine');
    const tencent = h.tencent('safe', 'slow');
    await tencent.send({ type: 'event', event: 'subscribe' });
    slow.slowNext();
    const request = tencent.build({ type: 'text', content: '1' });
    const first = await tencent.deliver(request);
    expect([first.status, first.raw]).toEqual([200, 'success']);
    slow.release();
    await slow.finished();
    const next = await tencent.send({ type: 'text', content: '1' });
    const text = next.text ?? '';
    expect(text).toContain('你上一条消息的回复刚才来晚了');
    expect(text.indexOf('会员是在哪里买的')).toBeGreaterThan(text.indexOf('刚才来晚了'));
    expect(text.indexOf('是哪种会员？')).toBeGreaterThan(text.indexOf('会员是在哪里买的'));
    // A late retry of the slow message gets nothing new and changes nothing.
    const turn = h.stored('wechat', 'slow')?.turn;
    const retry = await tencent.deliver(request);
    expect(retry.raw).toBe('success');
    expect(h.stored('wechat', 'slow')?.turn).toBe(turn);
    // And the message after that carries no leftover.
    expect((await tencent.send({ type: 'text', content: '帮助' })).text).not.toContain('刚才来晚了');
  });

  it('a retry arriving while the first attempt still runs waits for it and gets the reply, once', async () => {
    let slow: ReturnType<typeof slowEngine> | undefined;
    const h = await harness({
      deadlineMs: 2000,
      wrap: (engine) => {
        slow = slowEngine(engine);
        return slow.wrapped;
      },
    });
    if (!slow) throw new Error('no engine');
    const tencent = h.tencent('plain', 'retry-wait');
    await tencent.send({ type: 'event', event: 'subscribe' });
    slow.slowNext();
    const request = tencent.build({ type: 'text', content: '1' });
    const first = tencent.deliver(request);
    const second = tencent.deliver(request);
    slow.release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.text).toContain('会员是在哪里买的');
    expect(b.text).toBe(a.text);
    expect(slow.calls.filter((c) => c.messageId === slow?.calls.at(-1)?.messageId)).toHaveLength(1);
    expect((await tencent.send({ type: 'text', content: '帮助' })).text).not.toContain('刚才来晚了');
  });
});

describe('failures and logs', () => {
  it('a failing engine: the user gets the apology; logs name the error without a stack, openid, text or key', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
    const h = await harness({
      logger,
      wrap: (engine) =>
        withHandle(engine, async () => {
          throw new Error('store exploded');
        }),
    });
    const tencent = h.tencent('safe', 'oSecretOpenid42');
    const reply = await tencent.send({ type: 'text', content: 'my order is A20261103001' });
    expect(reply.text).toBe(
      '抱歉，我这边出了点问题，刚才这条消息没有记下来（之前的进度都还在）。请把刚才的话再发一次。',
    );
    await fetch(`${h.url}/wechat?signature=0&timestamp=1&nonce=1`, { method: 'POST', body: 'x' });
    const log = lines.join('\n');
    expect(log).toContain('store exploded');
    expect(log).toContain(h.app.engine.conversationOf('wechat', 'oSecretOpenid42'));
    for (const secret of ['oSecretOpenid42', 'A20261103001', ACCOUNT.WECHAT_ENCODING_AES_KEY, '    at '])
      expect(log).not.toContain(secret);
  });
});

describe('pages and letters', () => {
  it('pages a long reply (n for the next page), and sends a letter alone on request', async () => {
    const h = await harness();
    const tencent = h.tencent('plain', 'letters');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const replies = await say(tencent, ...TO_LETTERS);
    // The fact interview says where it stands and how to answer, in WeChat's words (nothing to tap).
    const merchantAsk = replies[TO_LETTERS.indexOf('好，记下来')] ?? '';
    expect(merchantAsk).toContain('（第 1/6 项）');
    expect(merchantAsk).toContain('写网站名或公司名，例如「某某卡盟」。不知道可以回复「跳过」。');
    expect(replies.join('\n')).not.toContain('点「跳过」');
    const page1 = replies.at(-1) ?? '';
    expect(page1).toContain('【给商家的书面要求】');
    expect(page1).toMatch(/（第 1\/\d 页 · 回复 n 看下一页）$/);
    // Asking for a letter in between does not lose the page not read yet.
    const early = (await say(tencent, '信1'))[0];
    expect(early?.startsWith('致 某某卡盟（网址：')).toBe(true);
    const nextRequest = tencent.build({ type: 'text', content: 'n' });
    const page2 = (await tencent.deliver(nextRequest)).text ?? '';
    // A retried "n" gets the same page and does not skip one.
    expect((await tencent.deliver(nextRequest)).text).toBe(page2);
    const pages = [page1, page2];
    while (!/，完）$/.test(pages.at(-1) ?? '') && pages.length < 6)
      pages.push((await say(tencent, 'n'))[0] ?? '');
    // Both letters are there, each whole (a letter is never cut between pages).
    const all = pages.join('\n');
    expect(all).toContain('【12315 投诉文本】');
    expect(pages.filter((p) => p.includes('被投诉方：某某卡盟'))).toHaveLength(1);
    expect(pages.filter((p) => p.includes('致 某某卡盟（网址：'))).toHaveLength(1);
    const lastPage = pages.at(-1) ?? '';
    expect(lastPage).toMatch(new RegExp(`（第 ${pages.length}/${pages.length} 页，完）$`));
    expect(lastPage).toContain('回复 1：下一步：怎么发给商家');
    expect((await say(tencent, 'n'))[0]).toContain('这条回复已经全部发完了');
    const [letter1, letter2] = await say(tencent, '信1', 'L2');
    expect(letter1?.startsWith('致 某某卡盟（网址：')).toBe(true);
    expect(letter1).toContain('日期：');
    expect(letter1).not.toContain('回复');
    expect(letter2?.startsWith('被投诉方：某某卡盟')).toBe(true);
    for (const t of [...pages, letter1 ?? '', letter2 ?? ''])
      expect(Buffer.byteLength(t)).toBeLessThanOrEqual(2048);
    // The numbered answer still works after paging.
    expect((await say(tencent, '1'))[0]).not.toContain('没太明白');
  });
});

describe('receipts', () => {
  const TO_RECEIPT = ['1', '1', '1', '1', '成功了', '没有了，结束'];

  it('gives the summary with a link to the receipt page, on the first page', async () => {
    const h = await harness();
    const tencent = h.tencent('safe', 'receipt-link');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const last = (await say(tencent, ...TO_RECEIPT)).at(-1) ?? '';
    const link = /https:\/\/cancelmate\.example\.org\/receipts\/(R-\d{8}-[0-9A-F]{8})\?t=([\w-]+)/.exec(last);
    expect(link, last).not.toBeNull();
    expect(last).toContain('收据已生成');
    expect(last).toContain('会员取消收据');
    const res = await fetch(`${h.url}/receipts/${link?.[1]}?t=${link?.[2]}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(link?.[1] ?? 'missing');
  });

  it('asked at a question: the receipt comes first, then the question beside its numbered options', async () => {
    const h = await harness();
    const tencent = h.tencent('plain', 'receipt-mid');
    await tencent.send({ type: 'event', event: 'subscribe' });
    await say(tencent, '1');
    const text = (await say(tencent, '收据')).at(-1) ?? '';
    const receiptAt = text.indexOf('收据已生成');
    const question = text.indexOf('会员是在哪里买的');
    expect(receiptAt).toBeGreaterThanOrEqual(0);
    expect(question).toBeGreaterThan(receiptAt);
    // The options follow the question directly, with nothing of the receipt between them.
    expect(text.slice(question)).toMatch(/^会员是在哪里买的[^\n]*\n回复 1/);
  });

  it('without PUBLIC_URL says how to get the receipt instead of printing a local address', async () => {
    const h = await harness({ env: { PUBLIC_URL: '' } });
    const tencent = h.tencent('plain', 'receipt-nolink');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const last = (await say(tencent, ...TO_RECEIPT)).at(-1) ?? '';
    expect(last).toMatch(/收据已经签名保存（编号 R-\d{8}-[0-9A-F]{8}）/);
    expect(last).not.toMatch(/https?:\/\//);
    expect(last).not.toContain('/receipts/');
  });
});
