import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILES } from '../../src/store/sqlite/instanceLock.ts';
import { mountExt4, mountTmpfs } from '../support/mounts.ts';
import { WebChatUser } from '../support/webClient.ts';
import { verifyDataDir } from './faultsVerify.ts';
import { launchMain, type MainRun, ROOT } from './launch.ts';

/**
 * A disk that fills up and a database that turns read-only while the server is serving. Where this machine
 * can mount file systems (root) the faults are real: a tiny tmpfs filled to the last byte, an ext4 image
 * that the kernel turns read-only (remount,abort). Elsewhere (CI without root) the same scenarios run with
 * the fault injected at the SQLite driver (test/support/sqliteFaultInjection.mjs: COMMIT fails with
 * SQLITE_FULL or SQLITE_READONLY). Either way: the operator gets one clear log line and /healthz says what
 * is wrong, the user a polite "try again later", nothing is half-written, and the server recovers.
 */
const UNAVAILABLE = (
  JSON.parse(readFileSync(join(ROOT, 'locales/zh-CN/common.json'), 'utf8')) as Record<string, string>
).unavailable;

const cleanups: (() => void)[] = [];
const runs: { run: MainRun; pid: number }[] = [];
afterEach(() => {
  for (const { run, pid } of runs.splice(0)) {
    try {
      if (run.child.exitCode === null) process.kill(pid, 'SIGKILL'); // the server under tsx
    } catch {
      // stopped already
    }
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-disk-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  dataDir: string,
  injected: boolean,
  env: Record<string, string> = {},
): Promise<{ run: MainRun; base: string }> {
  const run = launchMain({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
    ...(injected ? { NODE_OPTIONS: `--import=${join(ROOT, 'test/support/sqliteFaultInjection.mjs')}` } : {}),
  });
  const listening = await run.waitForLog((l) => l.msg?.startsWith('listening on') === true, 60_000);
  const { pid } = JSON.parse(readFileSync(join(dataDir, LOCK_FILES.holder), 'utf8')) as { pid: number };
  runs.push({ run, pid });
  return { run, base: String(listening.url) };
}

async function stop(run: MainRun): Promise<number | null> {
  run.child.kill('SIGTERM');
  return (await run.exited).code;
}

async function health(base: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends messages until one is answered with the apology (at most `tries`); that message is left unanswered. */
async function untilRefused(user: WebChatUser, base: string, tries: number): Promise<string | undefined> {
  for (let i = 0; i < tries; i += 1) {
    const replies = await user.say(base, i % 2 ? '1' : '/start');
    if (replies?.length === 1 && replies[0]?.text === UNAVAILABLE) {
      const refused = user.sent.at(-1);
      if (refused) refused.replies = undefined; // not recorded: the user sends it again later
      return refused?.messageId;
    }
  }
  return undefined;
}

async function talk(user: WebChatUser, base: string, texts: string[]): Promise<void> {
  for (const text of texts) expect((await user.say(base, text))?.[0]?.text).not.toBe(UNAVAILABLE);
}

describe.each([
  { mode: 'real', mount: true },
  { mode: 'injected', mount: false },
])('a full disk ($mode)', ({ mount }) => {
  it('refuses messages whole with a polite "later", tells the operator and /healthz, and recovers when space returns', async (ctx) => {
    const root = tempDir();
    let fill: () => void;
    let free: () => void;
    let dataDir: string;
    if (mount) {
      const disk = mountTmpfs(root, 8 * 1024 * 1024);
      if (!disk) return ctx.skip(); // needs root; the injected variant covers this machine
      cleanups.push(() => disk.unmount());
      dataDir = join(root, 'data');
      mkdirSync(dataDir);
      fill = () => disk.fill();
      free = () => disk.free();
    } else {
      dataDir = root;
      const marker = join(dataDir, '.inject-sqlite-fault');
      fill = () => writeFileSync(marker, 'SQLITE_FULL');
      free = () => unlinkSync(marker);
    }
    const { run, base } = await start(dataDir, !mount);
    const user = new WebChatUser('full');
    await talk(user, base, ['/start', '1', '1']);

    fill();
    const refused = await untilRefused(user, base, 400);
    expect(refused, 'a message was refused once the disk was full').toBeDefined();
    const line = await run.waitForLog((l) => l.database === 'disk_full');
    expect(line.level).toBe(50);
    expect(line.msg).toMatch(/DATA_DIR .* is full .*try again later.*nothing was half-written.*Free space/);
    expect(await health(base)).toMatchObject({
      status: 503,
      body: { status: 'database_unwritable', database: 'disk_full' },
    });
    expect(await health(base)).toMatchObject({ status: 503 }); // still full: the probe write fails too

    free();
    expect(await health(base)).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    await run.waitForLog((l) => l.database === 'ok' && l.msg?.startsWith('database writable again') === true);
    expect(await user.retryPending(base)).toBe(true);
    await talk(user, base, ['1']);
    expect(await stop(run), run.stderr()).toBe(0);

    const { problems, messages } = await verifyDataDir(dataDir, [user]);
    expect(problems).toEqual([]);
    expect(messages).toBe(user.sent.length);
  }, 120_000);
});

describe.each([
  { mode: 'real', mount: true },
  { mode: 'injected', mount: false },
])('a database that turns read-only ($mode)', ({ mount }) => {
  it('refuses writes with a polite "later", keeps reading, tells the operator and /healthz; with SQLITE_SYNCHRONOUS=full nothing answered is lost, and a restart after the repair recovers', async (ctx) => {
    const root = tempDir();
    let breakDisk: () => void;
    let repair: () => void;
    const dataDir = root;
    if (mount) {
      const disk = mountExt4(root, 16);
      if (!disk) return ctx.skip(); // needs root and loop devices; the injected variant covers this machine
      cleanups.push(() => disk.unmount());
      breakDisk = () => disk.breakDisk();
      repair = () => disk.remount();
    } else {
      const marker = join(dataDir, '.inject-sqlite-fault');
      breakDisk = () => writeFileSync(marker, 'SQLITE_READONLY');
      repair = () => unlinkSync(marker);
    }
    // A disk that fails loses what was not yet flushed to it, like a power cut: with the default
    // SQLITE_SYNCHRONOUS=normal the last messages may go (docs/deploy.md, "Durability"); with full, none.
    const durable = { SQLITE_SYNCHRONOUS: 'full' };
    const first = await start(dataDir, !mount, durable);
    const user = new WebChatUser('ro');
    await talk(user, first.base, ['/start', '1', '1']);

    breakDisk();
    expect(await untilRefused(user, first.base, 5)).toBeDefined();
    const line = await first.run.waitForLog((l) => l.database === 'read_only');
    expect(line.msg).toMatch(/cannot be written: .*read-only.*restart CancelMate/);
    expect(await health(first.base)).toMatchObject({
      status: 503,
      body: { status: 'database_unwritable', database: 'read_only' },
    });
    // What was saved can still be read: the conversation so far comes back after a reload.
    const history = await fetch(`${first.base}api/history`, { headers: { cookie: user.cookie ?? '' } });
    expect(history.status).toBe(200);
    expect(((await history.json()) as { entries: unknown[] }).entries.length).toBeGreaterThanOrEqual(6);
    await stop(first.run); // may not close cleanly on a broken disk; it must stop

    repair();
    const second = await start(dataDir, !mount, durable);
    expect(await health(second.base)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await user.retryPending(second.base)).toBe(true);
    await talk(user, second.base, ['1']);
    expect(await stop(second.run), second.run.stderr()).toBe(0);

    const { problems, messages } = await verifyDataDir(dataDir, [user]);
    expect(problems).toEqual([]);
    expect(messages).toBe(user.sent.length);
  }, 120_000);
});
