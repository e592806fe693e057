import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/dialogue/types.ts';
import { createLogger } from '../../src/logger.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import type { StorePort } from '../../src/store/port.ts';
import { ROOT, type TestApp, testApp } from '../support/app.ts';

// Hot reload at the engine's door, with a real app over a copy of flows/ and locales/ in a temp directory:
// files are edited under live conversations, the app reloads them, and the next message shows what happens.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  t: TestApp;
  dir: string;
  logs: Record<string, unknown>[];
  edit(file: string, from: string | RegExp, to: string): void;
  send(input: { text?: string; choice?: string; turn?: number }, user?: string): Promise<Reply[]>;
}

async function setup(
  opts: { env?: Record<string, string>; wrapStore?: (s: StorePort) => StorePort } = {},
): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-flows-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'flows'), join(dir, 'flows'), { recursive: true });
  cpSync(join(ROOT, 'locales'), join(dir, 'locales'), { recursive: true });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => logs.push(JSON.parse(line)) });
  const t = await testApp(
    { FLOWS_DIR: join(dir, 'flows'), LOCALES_DIR: join(dir, 'locales'), ...opts.env },
    {
      logger,
      ...(opts.wrapStore ? { wrapStore: opts.wrapStore } : {}),
    },
  );
  cleanups.push(t.cleanup);
  let n = 0;
  return {
    t,
    dir,
    logs,
    edit(file, from, to) {
      const path = join(dir, file);
      const before = readFileSync(path, 'utf8');
      const after = before.replace(from, to);
      expect(after, `${file} should change`).not.toBe(before);
      writeFileSync(path, after);
    },
    async send(input, user = 'u1') {
      n += 1;
      const out = await t.app.engine.handle({ channel: 'test', userId: user, messageId: `m${n}`, ...input });
      return out.replies;
    },
  };
}

const last = (replies: Reply[]) => replies.at(-1);
const ids = (replies: Reply[]) => last(replies)?.choices?.map((c) => c.id) ?? [];
const press = (s: Setup, replies: Reply[], choice: string, user?: string) =>
  s.send({ choice, turn: last(replies)?.turn }, user);

describe('hot reload: a running app follows the files', () => {
  it('swaps in a valid edit for the next message; each reply records its version; the receipt lists both', async () => {
    const s = await setup();
    const v1 = s.t.app.engine.flowVersion;
    const welcome = await s.send({ text: '/start' });
    s.edit(
      'locales/zh-CN/flow.json',
      '会员是在哪里买的，或者钱是从哪里扣的？',
      '会员在哪里买的？（钱从哪里扣的？）',
    );
    const reload = s.t.app.reloadFlows('test edit');
    expect(reload).toMatchObject({ ok: true, changed: true, oldVersion: v1 });
    const v2 = s.t.app.engine.flowVersion;
    expect(v2).not.toBe(v1);
    expect(s.t.app.bundle.version).toBe(v2);
    expect(s.logs).toContainEqual(
      expect.objectContaining({ level: 30, why: 'test edit', oldVersion: v1, newVersion: v2 }),
    );

    const platform = await press(s, welcome, 'cancel');
    expect(last(platform)?.text).toContain('会员在哪里买的？（钱从哪里扣的？）');

    const entries = (await s.t.app.engine.history('test', 'u1')).entries;
    expect(entries.filter((e) => e.dir === 'in').every((e) => e.flow === undefined)).toBe(true);
    expect(entries.filter((e) => e.dir === 'out').map((e) => e.flow)).toEqual([v1, v2]);

    const handedOut = last(await s.send({ text: '收据' }));
    const receipt = handedOut?.receipt;
    expect(receipt).toBeDefined();
    const html = handedOut?.attachments?.find((a) => a.contentType.startsWith('text/html'))?.content;
    expect(html).toContain(`${v1}, ${v2}`);
    const issued = await s.t.app.engine.receiptByToken(receipt?.id ?? '', receipt?.token ?? '');
    expect(issued?.body.flowVersions).toEqual([v1, v2]);
    expect(issued?.body.flowVersion).toBe(v2);
    expect(verifyReceipt(issued, s.t.app.keys.publicKey)).toMatchObject({ ok: true });
  });

  it('logs an invalid edit with file:line:col and keeps serving the old version; the fix then loads', async () => {
    const s = await setup();
    const v1 = s.t.app.engine.flowVersion;
    const welcome = await s.send({ text: '/start' });
    s.edit(
      'flows/guide.yaml',
      'pick: { from: platforms, to: membership }',
      'pick: { from: platforms, to: membershp }',
    );
    const refused = s.t.app.reloadFlows('SIGHUP');
    expect(refused).toMatchObject({ ok: false, version: v1 });
    const logged = s.logs.find(
      (l) => l.level === 50 && String(l.msg).startsWith('flows not reloaded (SIGHUP)'),
    );
    expect(logged?.msg).toContain(`still serving ${v1}`);
    expect(logged?.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/flows\/guide\.yaml:\d+:\d+ .*membershp/)]),
    );
    expect(s.t.app.engine.flowVersion).toBe(v1);

    const platform = await press(s, welcome, 'cancel');
    expect(ids(platform)).toContain('iqiyi');
    const membership = await press(s, platform, 'iqiyi');
    expect(ids(membership)).toContain('auto');
    expect((await s.t.app.engine.history('test', 'u1')).entries.at(-1)?.flow).toBe(v1);

    s.edit('flows/guide.yaml', 'to: membershp }', 'to: membership }');
    s.edit('flows/guide.yaml', 'version: "2026.11.25"', 'version: "2026.11.26"');
    expect(s.t.app.reloadFlows('fixed')).toMatchObject({ ok: true, changed: true });
    expect(s.t.app.engine.flowVersion.startsWith('2026.11.26+')).toBe(true);
  });

  it('says so at info when the files are valid again after a refused reload, even unchanged', async () => {
    const s = await setup();
    const v1 = s.t.app.engine.flowVersion;
    s.edit('flows/guide.yaml', 'to: membership }', 'to: membershp }');
    expect(s.t.app.reloadFlows('SIGHUP')).toMatchObject({ ok: false });
    s.edit('flows/guide.yaml', 'to: membershp }', 'to: membership }');
    expect(s.t.app.reloadFlows('watch')).toMatchObject({ ok: true, changed: false });
    const back = s.logs.filter((l) => l.level === 30 && String(l.msg).startsWith('flows valid again'));
    expect(back).toHaveLength(1);
    expect(back[0]?.msg).toContain(`still serving it`);
    expect(back[0]?.msg).toContain(v1);
    // Once recovered, an unchanged read is quiet again.
    s.t.app.reloadFlows('watch');
    expect(s.logs.filter((l) => String(l.msg).startsWith('flows valid again'))).toHaveLength(1);
  });

  it('reads the same files again without swapping anything', async () => {
    const s = await setup();
    const flows = s.t.app.engine.flows;
    expect(s.t.app.reloadFlows('touch')).toMatchObject({ ok: true, changed: false });
    expect(s.t.app.engine.flows).toBe(flows);
  });

  it('finishes a message being handled with the version it started with', async () => {
    let during: (() => void) | undefined;
    const s = await setup({
      wrapStore: (store) => ({
        ...bindStore(store),
        transact: (id, work, hint) => {
          // The engine has taken its flows; swap them before the message's work runs.
          during?.();
          during = undefined;
          return store.transact(id, work, hint);
        },
      }),
    });
    const v1 = s.t.app.engine.flowVersion;
    const welcome = await s.send({ text: '/start' });
    s.edit(
      'locales/zh-CN/flow.json',
      '会员是在哪里买的，或者钱是从哪里扣的？',
      '换过的问题：会员在哪里买的？',
    );
    during = () => expect(s.t.app.reloadFlows('mid-message')).toMatchObject({ changed: true });
    const platform = await press(s, welcome, 'cancel');
    expect(s.t.app.engine.flowVersion).not.toBe(v1);
    expect(last(platform)?.text).toContain('会员是在哪里买的，或者钱是从哪里扣的？');
    expect((await s.t.app.engine.history('test', 'u1')).entries.at(-1)?.flow).toBe(v1);
    const membership = await press(s, platform, 'qq');
    const again = await s.send({ text: '返回' });
    expect(last(again)?.text).toContain('换过的问题');
    expect(ids(membership)).toContain('auto');
  });

  it('logs the bundle warnings at start (paths not checked for FLOWS_STALE_DAYS)', async () => {
    const s = await setup({ env: { FLOWS_STALE_DAYS: '1' } });
    const warned = s.logs.find((l) => l.level === 40 && String(l.msg).includes('warning(s)'));
    expect(warned?.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/iqiyi\.yaml:\d+:\d+ /)]));
    expect((warned?.warnings as string[] | undefined)?.length).toBe(s.t.app.bundle.warnings.length);
  });
});

describe('live conversations across an edit', () => {
  it('a removed question: one notice, and the nearest question that still exists', async () => {
    const s = await setup();
    const welcome = await s.send({ text: '/start' });
    const platform = await press(s, welcome, 'cancel');
    const membership = await press(s, platform, 'iqiyi');
    const howto = await press(s, membership, 'unsure');
    expect(ids(howto)).toContain('still_unsure');
    s.edit('flows/guide.yaml', /\n {6}- \{ id: unsure, [^\n]*/, '');
    s.edit('flows/guide.yaml', /\n {2}membership_howto:\n(?: {4}[^\n]*\n)+/, '\n');
    // The question's line in the understanding block goes too (flows check refuses a dangling one).
    s.edit('flows/guide.yaml', /\n {4}membership_howto: membership/, '');
    s.edit('flows/understand.yaml', /\n {8}unsure: \[是不是自动续费[^\n]*/, '');
    expect(s.t.app.reloadFlows('test')).toMatchObject({ ok: true, changed: true });

    const moved = await press(s, howto, 'still_unsure');
    expect(last(moved)?.text).toMatch(/^指南已经更新过，我们上次停留的那一步已经变了。[\s\S]*是哪种会员？$/);
    expect(ids(moved)).toEqual(['auto', 'fixed', 'lifetime', '_back']);
    const channel = await press(s, moved, 'auto');
    expect(ids(channel)).toContain('app');
    expect(s.logs).toContainEqual(expect.objectContaining({ msg: 'message handled', flowChange: 'moved' }));
  });

  it('a platform removed from the catalogue: back to the platform question, without it', async () => {
    const s = await setup();
    const welcome = await s.send({ text: '/start' });
    const platform = await press(s, welcome, 'cancel');
    expect(ids(platform)).toContain('tencent_video');
    const membership = await press(s, platform, 'tencent_video');
    const channel = await press(s, membership, 'auto');
    unlinkSync(join(s.dir, 'flows', 'platforms', 'tencent-video.yaml'));
    // A maintainer removes its words for free text too (flows check refuses words for an unknown platform).
    s.edit('flows/understand.yaml', /\n {6}tencent_video: [^\n]*/, '');
    s.edit(
      'flows/understand.yaml',
      /\n {4}ambiguous:\n {6}腾讯: \[tencent_video, qq\]\n {6}tencent: \[tencent_video, qq\]/,
      '\n    ambiguous: {}',
    );
    expect(s.t.app.reloadFlows('test')).toMatchObject({ ok: true, changed: true });

    const moved = await press(s, channel, 'app');
    expect(last(moved)?.text.startsWith('指南已经更新过，我们上次停留的那一步已经变了')).toBe(true);
    expect(ids(moved)).toContain('iqiyi');
    expect(ids(moved)).not.toContain('tencent_video');
    expect(ids(await press(s, moved, 'iqiyi'))).toContain('auto');
  });

  it('a path that lost its channel after the user tried it: back to choosing a channel', async () => {
    const s = await setup();
    let r = await s.send({ text: '/start' });
    for (const id of ['cancel', 'iqiyi', 'auto', 'app', 'blocked', 'grey']) r = await press(s, r, id);
    expect(ids(r)).toContain('other');
    s.edit('flows/platforms/iqiyi.yaml', /\n {2}app:\n(?: {4}[^\n]*\n)+/, '\n');
    expect(s.t.app.reloadFlows('test')).toMatchObject({ ok: true, changed: true });

    const moved = await press(s, r, 'other');
    expect(last(moved)?.text.startsWith('指南已经更新过')).toBe(true);
    expect(ids(moved)).toEqual(expect.arrayContaining(['support', 'payment']));
    expect(ids(moved)).not.toContain('app');
    // Conversations that started after the edit never see the old path.
    const fresh = await s.send({ text: '/start' }, 'u2');
    expect(last(fresh)?.text).not.toContain('指南已经更新过');
  });
});

/** Every port method of `store`, bound (to override one in a test). */
function bindStore(store: StorePort): StorePort {
  return {
    transact: (id, work, hint) => store.transact(id, work, hint),
    read: (id, work) => store.read(id, work),
    receipt: (id) => store.receipt(id),
    dueReminders: (channel, now, limit) => store.dueReminders(channel, now, limit),
    deleteReminder: (id) => store.deleteReminder(id),
    stats: (q) => store.stats(q),
    ping: () => store.ping(),
    purge: (a, b) => store.purge(a, b),
    close: () => store.close(),
  };
}
