import { afterEach, describe, expect, it } from 'vitest';
import { PLATFORM_NAME_MAX, platformNameOf } from '../../src/dialogue/counters.ts';
import type { Reply } from '../../src/dialogue/types.ts';
import { type FlowsReport, runFlowsReport } from '../../src/maintain/report.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import { type TestApp, testApp } from '../support/app.ts';

// `flows report` over counters a real app kept while real conversations ran (real SQLite file), read through
// the store port from a second, read-only connection while the app still holds the data directory.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const NOVEMBER = new Date('2026-11-20T08:00:00Z');
const OCTOBER = new Date('2026-10-05T08:00:00Z');

function user(t: TestApp, id: string, at = NOVEMBER) {
  let n = 0;
  let replies: Reply[] = [];
  const send = async (input: { text?: string; choice?: string; turn?: number }, messageId?: string) => {
    n += 1;
    const out = await t.app.engine.handle({
      channel: 'test',
      userId: id,
      messageId: messageId ?? `${id}-${n}`,
      at,
      ...input,
    });
    replies = out.replies;
    return out;
  };
  return {
    send,
    text: (text: string) => send({ text }),
    turn: () => replies.at(-1)?.turn,
    async press(...ids: string[]) {
      for (const choice of ids) {
        expect(
          replies.at(-1)?.choices?.map((c) => c.id),
          `${id} at ${choice}`,
        ).toContain(choice);
        await send({ choice, turn: replies.at(-1)?.turn });
      }
    },
  };
}

async function report(t: TestApp, args: string[] = []) {
  const store = SqliteStore.openForReading(t.dataDir);
  let out = '';
  let err = '';
  try {
    const code = await runFlowsReport(args, {
      store,
      bundle: t.app.bundle,
      staleDays: 180,
      out: { write: (s: string) => (out += s) },
      err: { write: (s: string) => (err += s) },
      now: new Date('2026-11-30T08:00:00Z'),
    });
    return { code, out, err };
  } finally {
    await store.close();
  }
}

describe('flows report', () => {
  it('counts what users reported per path, month and reason, and the platform names nobody knows', async () => {
    const t = await testApp({}, { clock: () => NOVEMBER });
    cleanups.push(t.cleanup);
    for (const name of ['a', 'b']) {
      const u = user(t, name);
      await u.text('/start');
      await u.press('cancel', 'iqiyi', 'auto', 'app', 'blocked', 'grey');
    }
    const worked = user(t, 'c', OCTOBER);
    await worked.text('/start');
    await worked.press('cancel', 'iqiyi', 'auto', 'app', 'worked');
    const viaPayment = user(t, 'd');
    await viaPayment.text('/start');
    await viaPayment.press('cancel', 'kamen', 'auto', 'payment', 'alipay', 'blocked');
    // The reason's message delivered twice (a channel retry) counts once.
    const turn = viaPayment.turn();
    expect((await viaPayment.send({ choice: 'nobutton', turn }, 'd-why')).duplicate).toBe(false);
    expect((await viaPayment.send({ choice: 'nobutton', turn }, 'd-why')).duplicate).toBe(true);

    for (const [name, typed] of [
      ['e', '闪电云！'],
      ['f', '闪电云'],
      ['g', 'https://www.XingXing-km.com/login?u=abc'],
      ['h', '我的手机 13812345678'],
      ['i', '我是在一个朋友推荐的很小的网站上面买的会员，名字我已经记不清了'],
      ['j', '帮助'], // a command is not a platform name
      ['k', '我叫张三'], // about a person: not counted
      ['l', '月光小铺'], // typed once: counted, but the report does not list it
    ] as const) {
      const u = user(t, name);
      await u.text('/start');
      await u.press('cancel');
      await u.text(typed);
    }

    // Only counts are stored: ids from the flows, and the normalised names.
    expect(t.sql('SELECT kind, key, month, count FROM stats ORDER BY kind, key, month')).toEqual([
      { kind: 'outcome', key: 'alipay:payment:blocked:nobutton', month: '2026-11', count: 1 },
      { kind: 'outcome', key: 'iqiyi:app:blocked:grey', month: '2026-11', count: 2 },
      { kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-10', count: 1 },
      { kind: 'unknown-platform', key: 'xingxing-km.com', month: '2026-11', count: 1 },
      { kind: 'unknown-platform', key: '月光小铺', month: '2026-11', count: 1 },
      { kind: 'unknown-platform', key: '闪电云', month: '2026-11', count: 2 },
    ]);

    const json = await report(t, ['--json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as FlowsReport;
    expect(r).toMatchObject({ from: '2026-06', to: '2026-11', flowVersion: t.app.bundle.version });
    expect(r.failing.map((p) => [p.platform, p.channel, p.blocked, p.worked])).toEqual([
      ['iqiyi', 'app', 2, 1],
      ['alipay', 'payment', 1, 0],
    ]);
    expect(r.failing[0]?.reasons).toEqual({ grey: 2 });
    expect(r.failing[0]?.months).toEqual({
      '2026-10': { worked: 1, blocked: 0 },
      '2026-11': { worked: 0, blocked: 2 },
    });
    // A name typed once is only counted: one person's text may be personal. A web address is a site's.
    expect(r.unknownPlatforms).toEqual([
      { name: '闪电云', count: 2 },
      { name: 'xingxing-km.com', count: 1 },
    ]);
    expect(r.unknownTypedOnce).toBe(1);
    expect(r.oldest.length).toBeGreaterThan(10);
    const dates = r.oldest.map((p) => p.checked?.date ?? '');
    expect(dates).toEqual([...dates].sort());

    const text = await report(t);
    expect(text.out).toContain('Paths that fail most (blocked of reported):');
    expect(text.out).toMatch(
      /爱奇艺 VIP · app \(iqiyi:app\): 2 of 3 blocked \(67%\); why: grey 2; compiled 2026-11-25, 5 day\(s\) ago/,
    );
    expect(text.out).toContain('      2026-10: 0 of 1 · 2026-11: 2 of 2');
    expect(text.out).toMatch(/\n {6}2 {2}闪电云\n {6}1 {2}xingxing-km\.com\n/);
    expect(text.out).not.toMatch(/13812345678|朋友推荐|张三|月光小铺/);
    expect(text.out).toContain(
      "(and 1 other name(s) typed once, not listed: one person's text may be personal)",
    );

    // One month: October's report is left out.
    const november = JSON.parse((await report(t, ['--json', '--months', '1'])).out) as FlowsReport;
    expect(november.failing[0]).toMatchObject({ platform: 'iqiyi', worked: 0, blocked: 2 });
  });

  it('refuses bad options with the usage, and says so when nothing was reported', async () => {
    const t = await testApp();
    cleanups.push(t.cleanup);
    for (const args of [['--months', '0'], ['--top', 'x'], ['--colour']]) {
      const bad = await report(t, args);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('cli flows report [--months N] [--top N] [--json]');
    }
    const empty = await report(t);
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('Paths that fail most (blocked of reported):\n  none reported blocked');
    expect(empty.out).toContain('Platform names users typed that the catalogue does not know:\n  none');
  });
});

describe('which typed platform names are counted', () => {
  it('normalises names and addresses; never numbers, e-mail addresses or sentences', () => {
    expect(platformNameOf('  ＸＸ卡盟！ ')).toBe('xx卡盟');
    expect(platformNameOf('WWW.Example-KM.com')).toBe('example-km.com');
    expect(platformNameOf('http://shop.example.cn:8080/pay?order=A1')).toBe('shop.example.cn');
    expect(platformNameOf('QQ 12345')).toBeUndefined();
    expect(platformNameOf('me@example.com')).toBeUndefined();
    expect(platformNameOf('a'.repeat(PLATFORM_NAME_MAX))).toBe('a'.repeat(PLATFORM_NAME_MAX));
    expect(platformNameOf('a'.repeat(PLATFORM_NAME_MAX + 1))).toBeUndefined();
    expect(platformNameOf('！！')).toBeUndefined();
    for (const aboutSomeone of ['我叫张三', '你好', 'my name is Li', "I'm Li", '名字是王五'])
      expect(platformNameOf(aboutSomeone), aboutSomeone).toBeUndefined();
    expect(platformNameOf('Himalaya')).toBe('himalaya');
  });
});
