import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { LOCK_FILES } from '../../src/store/sqlite/instanceLock.ts';
import { WebChatUser } from '../support/webClient.ts';
import { verifyDataDir } from './faultsVerify.ts';
import { launchMain, type MainRun } from './launch.ts';

/** One conversation to its receipt; users start again with /start after it. */
const PATH = ['/start', '1', '1', '1', '1', '1', '成功了', '没有了，结束'];
const KILLS = 10;
const USERS = 6;

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'cancelmate-crash-'));
const live: MainRun[] = [];
const pids: number[] = [];
afterAll(() => {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  for (const run of live)
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The server itself: tsx runs it as a child of its own, whose pid the data directory's lock note holds. */
async function startServer(): Promise<{ run: MainRun; base: string; pid: number }> {
  const run = launchMain({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  live.push(run);
  const listening = await run.waitForLog((l) => l.msg?.startsWith('listening on') === true, 60_000);
  const { pid } = JSON.parse(readFileSync(join(dataDir, LOCK_FILES.holder), 'utf8')) as { pid: number };
  pids.push(pid);
  return { run, base: String(listening.url), pid };
}

/** Each user sends its pending messages again, then new ones along the path, until `stop()` says so. */
async function converse(user: WebChatUser, base: string, stopped: () => boolean): Promise<void> {
  if (!(await user.retryPending(base))) return;
  while (!stopped()) {
    const next = PATH[user.sent.length % PATH.length] ?? '1';
    if ((await user.say(base, next)) === undefined) return;
  }
}

describe('kill -9 under load', () => {
  it(`loses no answered message, advances nothing twice and comes back healthy, ${KILLS} times`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? 20261125);
    const random = prng(seed);
    const users = Array.from({ length: USERS }, (_, i) => new WebChatUser(`u${i}`));
    let interrupted = 0;
    for (let round = 0; round <= KILLS; round += 1) {
      const { run, base, pid } = await startServer();
      const health = await fetch(`${base}healthz`);
      expect(health.status, `round ${round}: /healthz after the restart (seed ${seed})`).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
      let stop = false;
      const talking = users.map((u) => converse(u, base, () => stop));
      if (round < KILLS) {
        // Let the load run a random while, then kill the server mid-flight.
        await new Promise((r) => setTimeout(r, 150 + random() * 900));
        process.kill(pid, 'SIGKILL');
        await run.exited;
        stop = true;
        await Promise.all(talking);
        interrupted += users.filter((u) => u.pending.length > 0).length;
      } else {
        // The last start: everyone finishes what is pending and one more message, then a clean stop.
        await new Promise((r) => setTimeout(r, 300));
        stop = true;
        await Promise.all(talking);
        for (const u of users) expect(await u.retryPending(base)).toBe(true);
        run.child.kill('SIGTERM');
        expect((await run.exited).code, run.stderr()).toBe(0);
      }
    }
    const { problems, receipts, messages } = await verifyDataDir(dataDir, users);
    expect(problems, `seed ${seed}`).toEqual([]);
    // The kills landed mid-request: users were left waiting for answers and sent their messages again.
    expect(interrupted).toBeGreaterThan(0);
    expect(users.every((u) => u.pending.length === 0)).toBe(true);
    // The kills landed under real load: many messages answered, conversations finished with receipts.
    expect(messages).toBeGreaterThan(USERS * PATH.length);
    expect(receipts).toBeGreaterThan(0);

    // The check itself can fail: a copy with one reply removed from the transcript is caught.
    const copy = mkdtempSync(join(tmpdir(), 'cancelmate-crash-copy-'));
    try {
      cpSync(dataDir, copy, { recursive: true });
      rmSync(join(copy, LOCK_FILES.lock), { force: true });
      const db = new Database(join(copy, DB_FILE));
      db.prepare(
        "DELETE FROM transcript WHERE id = (SELECT max(id) FROM transcript WHERE dir = 'out')",
      ).run();
      db.close();
      expect((await verifyDataDir(copy, users)).problems).not.toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 300_000);
});
