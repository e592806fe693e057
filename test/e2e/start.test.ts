import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { launchMain, type MainRun, ROOT } from './launch.ts';

/** `npm start` as a process: start-up, health, graceful shutdown, and the exit-2 configuration errors. */
const dirs: string[] = [];
const runs: MainRun[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-start-'));
  dirs.push(dir);
  return dir;
}
function start(env: Record<string, string>): MainRun {
  const run = launchMain({ LOG_LEVEL: 'info', ...env });
  runs.push(run);
  return run;
}
afterEach(() => {
  for (const run of runs.splice(0))
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves /healthz and the web chat, logs channels and URL, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const run = start({ PORT: '0', DATA_DIR: dataDir });
    const listening = await run.waitForLog((l) => l.msg?.startsWith('listening on') === true);
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const base = String(listening.url);
    const running = await run.waitForLog((l) => l.msg?.startsWith('CancelMate is running') === true);
    expect(running).toMatchObject({ channels: ['web'], webChat: base });
    expect(running.msg).toContain(`open the web chat at ${base}`);

    const health = await fetch(`${base}healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      flowVersion: expect.stringMatching(/^\d{4}\./),
    });
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('会员取消助手');
    const chat = await fetch(`${base}api/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: String(page.headers.get('set-cookie')).split(';')[0] ?? '',
      },
      body: JSON.stringify({ text: '/start', messageId: 'e2e-1' }),
    });
    expect(chat.status).toBe(200);
    expect(existsSync(join(dataDir, `${DB_FILE}-wal`))).toBe(true); // WAL in use while running

    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(0);
    expect(run.stdout()).toContain('stopped; database closed');
    // Closing the last connection checkpoints the WAL into the database and removes it.
    const wal = join(dataDir, `${DB_FILE}-wal`);
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM transcript').get() as { n: number }).n).toBe(2);
    } finally {
      db.close();
    }
  });

  it('exits 2 naming PORT when PORT is not a number', async () => {
    const run = start({ PORT: 'abc', DATA_DIR: tempDir() });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(/PORT="abc" is not valid: expected a port number/);
  });

  it('exits 2 with file:line:col when a flow file is broken', async () => {
    const flowsDir = join(tempDir(), 'flows');
    cpSync(join(ROOT, 'flows'), flowsDir, { recursive: true });
    const guide = join(flowsDir, 'guide.yaml');
    writeFileSync(guide, readFileSync(guide, 'utf8').replace('to: platform,', 'to: no_such_state,'));
    const run = start({ PORT: '0', DATA_DIR: tempDir(), FLOWS_DIR: flowsDir });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(/guide\.yaml:\d+:\d+ .*no_such_state/);
    expect(run.stdout()).not.toContain('listening on');
  });

  it('exits 1 with advice when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = start({ PORT: String(port), DATA_DIR: tempDir() });
      const { code } = await run.exited;
      expect(code).toBe(1);
      expect(run.stderr()).toContain(`127.0.0.1:${port}: the port is already in use`);
      expect(run.stderr()).toContain('set PORT');
    } finally {
      blocker.close();
    }
  });

  it('refuses a second npm start on the same DATA_DIR, naming the directory and the running process', async () => {
    const dataDir = tempDir();
    const first = start({ PORT: '0', DATA_DIR: dataDir });
    await first.waitForLog((l) => l.msg?.startsWith('listening on') === true);
    const second = start({ PORT: '0', DATA_DIR: dataDir });
    const { code } = await second.exited;
    expect(code).toBe(2);
    expect(second.stderr()).toContain(`DATA_DIR=${dataDir} is already in use by another CancelMate process`);
    // tsx runs main.ts in a child process of its own: the pid named is a live process, the holder.
    const pid = Number(/pid (\d+) on /.exec(second.stderr())?.[1]);
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(second.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });

  for (const [what, prepare, message] of [
    [
      'is a file',
      (dir: string) => writeFileSync(join(dir, 'data'), 'x'),
      /is not a directory|runs through a file/,
    ],
    [
      'holds a damaged database',
      (dir: string) => {
        mkdirSync(join(dir, 'data'));
        writeFileSync(join(dir, 'data', DB_FILE), 'garbage '.repeat(500));
      },
      /not a SQLite database or is damaged .*restore the latest backup/,
    ],
    [
      'holds an unreadable receipt key',
      (dir: string) => {
        mkdirSync(join(dir, 'data', 'receipt-key.pem'), { recursive: true });
      },
      /receipt-key\.pem is not a regular file/,
    ],
  ] as const) {
    it(`exits 2 with what to do when DATA_DIR ${what}`, async () => {
      const dir = tempDir();
      prepare(dir);
      const run = start({ PORT: '0', DATA_DIR: join(dir, 'data') });
      const { code } = await run.exited;
      expect(code).toBe(2);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
      expect(run.stdout()).not.toContain('listening on');
    });
  }
});
