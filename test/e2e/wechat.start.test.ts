import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimMode, TencentClient } from '../../src/channels/wechat/sim/tencentClient.ts';
import { TencentClient as Client } from '../../src/channels/wechat/sim/tencentClient.ts';
import { ACCOUNT, PEER_CRYPTO } from '../channels/wechat/harness.ts';
import { launchMain, type MainRun, ROOT } from './launch.ts';

// Issue 10's "done when": simulated Tencent servers (encrypting with @wecom/crypto, an independent
// implementation) run whole conversations against `npm start` in plaintext, compatible and safe mode and on
// /wecom, in both languages, to a receipt link that opens; bad settings stop start-up with exit 2; the
// operator's simulator (`npm run wechat -- sim`) talks to the same server.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => done(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function start(env: Record<string, string>): MainRun {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-wechat-e2e-'));
  const run = launchMain({ DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
  cleanups.push(async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return run;
}

async function running(): Promise<{ run: MainRun; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const run = start({ ...ACCOUNT, PORT: String(port), PUBLIC_URL: base });
  const line = await run.waitForLog((l) => String(l.msg).startsWith('CancelMate is running'));
  expect(line.channels).toEqual(['web', 'wechat']);
  return { run, base };
}

function tencent(base: string, mode: SimMode, user: string): TencentClient {
  const wecom = mode === 'wecom';
  return new Client(
    {
      baseUrl: base,
      mode,
      user,
      token: wecom ? ACCOUNT.WECOM_TOKEN : ACCOUNT.WECHAT_TOKEN,
      aesKey: wecom ? ACCOUNT.WECOM_ENCODING_AES_KEY : ACCOUNT.WECHAT_ENCODING_AES_KEY,
      receiverId: wecom ? ACCOUNT.WECOM_CORP_ID : ACCOUNT.WECHAT_APP_ID,
    },
    { crypto: PEER_CRYPTO },
  );
}

/**
 * Follows → cancel → 卡盟网站 → auto-renew → website → it worked → done (the third option, after refund and the
 * reminder), by option numbers; returns the last reply.
 */
async function toReceipt(t: TencentClient, lang: 'zh-CN' | 'en'): Promise<string> {
  expect((await t.verifyUrl()).ok).toBe(true);
  const welcome = await t.send({ type: 'event', event: 'subscribe' });
  expect(welcome.text).toContain('你想做什么？');
  if (lang === 'en')
    expect((await t.send({ type: 'text', content: 'English' })).text).toContain('What would you like to do?');
  let last = '';
  for (const n of ['1', '1', '1', '1', '2', '3']) {
    const reply = await t.send({ type: 'text', content: n });
    expect(reply.status).toBe(200);
    if (t.account.mode !== 'plain') expect(reply.sealOk).toBe(true);
    last = reply.text ?? '';
    expect(Buffer.byteLength(last)).toBeLessThanOrEqual(2048);
    expect(last).toMatch(lang === 'en' ? /\nReply 1: / : /\n回复 1：/);
  }
  return last;
}

async function opensReceipt(base: string, text: string) {
  const link = new RegExp(
    `${base.replace(/[.:/]/g, '\\$&')}/receipts/(R-\\d{8}-[0-9A-F]{8})\\?t=[\\w-]+`,
  ).exec(text);
  expect(link, text).not.toBeNull();
  const page = await fetch(link?.[0] ?? '');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(link?.[1] ?? 'missing');
}

describe('WeChat end to end through npm start', () => {
  it('plaintext, safe, compatible and WeCom, each in Chinese and English: whole conversations to a receipt link that opens', async () => {
    const { run, base } = await running();
    const cases: [SimMode, 'zh-CN' | 'en', string][] = [
      ['plain', 'zh-CN', '收据已生成'],
      ['plain', 'en', 'Your receipt is ready'],
      ['safe', 'zh-CN', '收据已生成'],
      ['safe', 'en', 'Your receipt is ready'],
      ['compat', 'zh-CN', '收据已生成'],
      ['compat', 'en', 'Your receipt is ready'],
      ['wecom', 'zh-CN', '收据已生成'],
      ['wecom', 'en', 'Your receipt is ready'],
    ];
    for (const [mode, lang, issued] of cases) {
      const last = await toReceipt(tencent(base, mode, `oE2E-${mode}-${lang}-user`), lang);
      expect(last, `${mode} ${lang}`).toContain(issued);
      await opensReceipt(base, last);
    }
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    // No openid and no message text in the logs; the salted conversation id at most.
    const logs = run.stdout() + run.stderr();
    expect(logs).not.toContain('oE2E-');
    expect(logs).not.toContain('English');
    expect(logs).toContain('"channel":"wechat"');
  });

  it('exits 2 naming the variable when an EncodingAESKey is malformed', async () => {
    const run = start({ ...ACCOUNT, PORT: '0', WECOM_ENCODING_AES_KEY: 'not-43-characters' });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toContain('WECOM_ENCODING_AES_KEY=(hidden) is not valid');
    expect(run.stderr()).not.toContain('not-43-characters');
  });

  it('npm run wechat -- sim signs like Tencent and talks to the running server', async () => {
    const { base } = await running();
    const sim = (args: string[], input: string, env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(
          process.execPath,
          [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/channels/wechat/sim/main.ts', ...args],
          {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...ACCOUNT, ...env },
            stdio: ['pipe', 'pipe', 'pipe'],
          },
        );
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          err += c;
        });
        child.on('exit', (code) => done({ code, out, err }));
        child.stdin.end(input);
      });
    const safe = await sim(['sim', '--url', base, '--mode', 'safe'], ':subscribe\n1\n:retry\n:image\n');
    expect(safe.code, safe.err).toBe(0);
    expect(safe.err).toContain('✓ URL check passed');
    expect(safe.out).toContain('你想做什么？');
    // The retry got the same reply as the first attempt (and the dialogue moved once: no third question).
    expect(safe.out.split('会员是在哪里买的').length - 1).toBe(2);
    expect(safe.out).not.toContain('是哪种会员');
    expect(safe.out).toContain('我只能读文字');
    expect(safe.err).not.toContain('✗');
    const wecom = await sim(['sim', '--url', base, '--mode', 'wecom', '--check'], '');
    expect(wecom.code, wecom.err).toBe(0);
    const wrong = await sim(['sim', '--url', base, '--mode', 'plain', '--check'], '', {
      WECHAT_TOKEN: 'WrongToken',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('URL check failed: HTTP 401');
    const usage = await sim(['nope'], '');
    expect(usage.code).toBe(2);
  });
});
