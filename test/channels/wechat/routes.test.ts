import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../../src/channels/wechat/signature.ts';
import { ACCOUNT, PEER_CRYPTO, type WechatHarness, wechatHarness } from './harness.ts';

// The routes over real HTTP on loopback, with simulated Tencent servers encrypting via @wecom/crypto.
let h: WechatHarness;
beforeAll(async () => {
  h = await wechatHarness();
});
afterAll(async () => {
  await h?.close();
});

const now = () => String(Math.floor(Date.now() / 1000));

describe('URL verification', () => {
  it('Official Account: answers echostr verbatim when the signature matches', async () => {
    for (const mode of ['plain', 'safe'] as const)
      expect(await h.tencent(mode).verifyUrl()).toMatchObject({ ok: true, status: 200 });
  });

  it('WeCom: answers the decrypted echostr, also when "+" arrives unencoded', async () => {
    expect(await h.tencent('wecom').verifyUrl()).toMatchObject({ ok: true });
    // An echostr containing "+" sent without URL-encoding reaches the query parser as a space.
    let found: { echostr: string; plain: string } | undefined;
    for (let i = 0; !found && i < 200; i++) {
      const plain = String(1_000_000_000 + i);
      const echostr = PEER_CRYPTO.encrypt(ACCOUNT.WECOM_ENCODING_AES_KEY, plain, ACCOUNT.WECOM_CORP_ID);
      if (echostr.includes('+')) found = { echostr, plain };
    }
    if (!found) throw new Error('no echostr with "+" in 200 tries');
    const ts = now();
    const sig = wechatSignature([ACCOUNT.WECOM_TOKEN, ts, '42', found.echostr]);
    const res = await fetch(
      `${h.url}/wecom?msg_signature=${sig}&timestamp=${ts}&nonce=42&echostr=${found.echostr}`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(found.plain);
  });

  it('refuses a forged signature or a stale timestamp with 401 and an empty body', async () => {
    const ts = now();
    const good = wechatSignature([ACCOUNT.WECHAT_TOKEN, ts, '1']);
    // One hex digit changed (always to a different one, so the signature really is wrong).
    const wrong = good.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
    expect(wrong).not.toBe(good);
    const forged = await fetch(`${h.url}/wechat?signature=${wrong}&timestamp=${ts}&nonce=1&echostr=hi`);
    expect([forged.status, await forged.text()]).toEqual([401, '']);
    const old = String(Number(ts) - 301);
    const stale = await fetch(
      `${h.url}/wechat?signature=${wechatSignature([ACCOUNT.WECHAT_TOKEN, old, '1'])}&timestamp=${old}&nonce=1&echostr=hi`,
    );
    expect([stale.status, await stale.text()]).toEqual([401, '']);
    const wecom = await fetch(`${h.url}/wecom?msg_signature=${good}&timestamp=${ts}&nonce=1&echostr=QUJD`);
    expect([wecom.status, await wecom.text()]).toEqual([401, '']);
  });
});

describe('messages in every mode', () => {
  it('plaintext in, plaintext out; safe and compatible in, encrypted out (verified by the peer)', async () => {
    for (const mode of ['plain', 'compat', 'safe', 'wecom'] as const) {
      const tencent = h.tencent(mode, `modes-${mode}`);
      const reply = await tencent.send({
        type: 'event',
        event: mode === 'wecom' ? 'subscribe' : 'subscribe',
      });
      expect(reply.status, mode).toBe(200);
      expect(reply.text, mode).toContain('你想做什么？\n回复 1：');
      expect(reply.raw.includes('<Encrypt>'), mode).toBe(mode !== 'plain');
      if (mode !== 'plain') expect(reply.sealOk, mode).toBe(true);
      const next = await tencent.send({ type: 'text', content: '1' });
      expect(next.text, mode).toContain('回复 1：卡盟网站');
    }
  });

  it('images and voice without a transcript get one short "please send text"; a transcript is typed text', async () => {
    const tencent = h.tencent('plain', 'media');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const before = h.stored('wechat', 'media');
    for (const m of [{ type: 'image' }, { type: 'location' }, { type: 'voice' }] as const) {
      const reply = await tencent.send(m);
      expect(reply.text).toBe('我只能读文字（语音会自动转成文字）。请直接打字告诉我，或者回复选项前的数字。');
    }
    expect(h.stored('wechat', 'media')).toEqual(before);
    const voice = await tencent.send({ type: 'voice', recognition: '一。' });
    expect(voice.text).toContain('会员是在哪里买的');
  });

  it('menu clicks run global commands; unsubscribe is answered success and changes nothing', async () => {
    const tencent = h.tencent('safe', 'menu');
    await tencent.send({ type: 'event', event: 'subscribe' });
    await tencent.send({ type: 'text', content: '1' });
    const help = await tencent.send({ type: 'event', event: 'CLICK', key: 'HELP' });
    expect(help.text).toContain('「重新开始」从头再来');
    const restart = await tencent.send({ type: 'event', event: 'CLICK', key: 'RESTART' });
    expect(restart.text).toContain('好的，从头开始。');
    const before = h.stored('wechat', 'menu');
    const bye = await tencent.send({ type: 'event', event: 'unsubscribe' });
    expect([bye.status, bye.raw]).toEqual([200, 'success']);
    expect(h.stored('wechat', 'menu')).toEqual(before);
  });

  it('speaks English after "English", numbered as "Reply n:"', async () => {
    const tencent = h.tencent('wecom', 'english');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const reply = await tencent.send({ type: 'text', content: 'English' });
    expect(reply.text).toContain('Switched to English.');
    expect(reply.text).toMatch(/\nReply 1: /);
  });
});

describe('retries', () => {
  it('the same MsgId three times at once: one advance, three identical replies', async () => {
    const tencent = h.tencent('safe', 'storm');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const turn = h.stored('wechat', 'storm')?.turn ?? 0;
    const request = tencent.build({ type: 'text', content: '1' }, { msgId: '9223372036854775807' });
    const replies = await Promise.all([
      tencent.deliver(request),
      tencent.deliver(request),
      tencent.deliver(request),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(replies[0]?.text).toContain('会员是在哪里买的');
    expect(h.stored('wechat', 'storm')?.turn).toBe(turn + 1);
  });

  it('the same MsgId three times in a row: one advance, three identical replies', async () => {
    const tencent = h.tencent('plain', 'sequence');
    await tencent.send({ type: 'event', event: 'subscribe' });
    const turn = h.stored('wechat', 'sequence')?.turn ?? 0;
    const request = tencent.build({ type: 'text', content: '1' });
    const texts: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) texts.push((await tencent.deliver(request)).text);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toContain('会员是在哪里买的');
    expect(h.stored('wechat', 'sequence')?.turn).toBe(turn + 1);
    // A retried subscribe event (same sender and CreateTime) does not welcome twice either.
    const ev = tencent.build({ type: 'event', event: 'CLICK', key: 'BACK' }, { createTime: 1_800_000_000 });
    const [a, b] = [await tencent.deliver(ev), await tencent.deliver(ev)];
    expect(a.text).toBe(b.text);
    expect(h.stored('wechat', 'sequence')?.turn).toBe(turn + 2);
  });

  it('a retry after a restart gets the same reply from the engine’s processed ids, and changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-wechat-restart-'));
    try {
      const first = await wechatHarness({ dataDir });
      const tencent = first.tencent('wecom', 'restart');
      await tencent.send({ type: 'event', event: 'subscribe' });
      const request = tencent.build({ type: 'text', content: '1' });
      const before = (await tencent.deliver(request)).text;
      await first.close();
      const second = await wechatHarness({ dataDir });
      try {
        const turn = second.stored('wecom', 'restart')?.turn;
        const again = second.tencent('wecom', 'restart');
        const after = await again.deliver({ ...request });
        expect(after.text).toBe(before);
        expect(second.stored('wecom', 'restart')?.turn).toBe(turn);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
