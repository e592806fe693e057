import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TranscriptEntry, verifyChain } from '../../src/receipts/transcriptChain.ts';
import { conversationId } from '../../src/store/identity.ts';
import { createTestDatabase, pgRows } from '../store/postgres/testDatabase.ts';
import { launchMain, type MainRun } from './launch.ts';

/**
 * Several `npm start` processes on one PostgreSQL database with shared secret files, for the replica tests:
 * each replica has its own DATA_DIR (nothing shared on disk but the mounted key and salt).
 *
 * @example
 * const cluster = await replicaCluster(); const a = await cluster.start('a'); … await cluster.close();
 */
export async function replicaCluster(env: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-replicas-'));
  const saltFile = join(dir, 'salt');
  writeFileSync(saltFile, `replica-test-salt-${randomBytes(16).toString('hex')}\n`, { mode: 0o600 });
  const keyFile = join(dir, 'receipt-key.pem'); // created by the first replica to start
  const runs: MainRun[] = [];
  const settings = (name: string, more: Record<string, string> = {}) => ({
    PORT: '0',
    LOG_LEVEL: 'info',
    DATA_DIR: join(dir, `data-${name}`),
    DATABASE_URL: db.url,
    RECEIPT_KEY_FILE: keyFile,
    SALT_FILE: saltFile,
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
    ...more,
  });
  return {
    url: db.url,
    dir,
    keyFile,
    /** Launches a replica without waiting for it. */
    launch(name: string, more: Record<string, string> = {}): MainRun {
      const run = launchMain(settings(name, more));
      runs.push(run);
      return run;
    },
    /** Launches a replica and waits until it serves; returns it with its base URL. */
    async start(name: string, more: Record<string, string> = {}): Promise<Replica> {
      const run = this.launch(name, more);
      const line = await run.waitForLog((l) => l.msg?.startsWith('listening on') === true, 30_000);
      await run.waitForLog((l) => l.msg?.startsWith('CancelMate is running') === true, 30_000);
      return { name, run, base: String(line.url) };
    },
    /** The salted conversation id of a web session. */
    conversationOf(session: string): string {
      return conversationId(readFileSync(saltFile, 'utf8').trim(), 'web', session);
    },
    /** A conversation as stored: its chain check, messages in, and processed message ids. */
    async stored(conversation: string) {
      const entries = await pgRows<TranscriptEntry & { choices: string | null; flow: string | null }>(
        db.url,
        'SELECT seq, at, dir, text, choices, prev, hash, flow FROM transcript WHERE conversation_id = $1 ORDER BY seq',
        [conversation],
      );
      const chain = entries.map(({ choices, flow, ...e }) => ({
        ...e,
        ...(choices ? { choices: JSON.parse(choices) as string[] } : {}),
        ...(flow ? { flow } : {}),
      }));
      const processed = await pgRows<{ message_id: string }>(
        db.url,
        'SELECT message_id FROM processed WHERE conversation_id = $1',
        [conversation],
      );
      return {
        chainOk: verifyChain(chain as TranscriptEntry[]).ok,
        ins: entries.filter((e) => e.dir === 'in').length,
        outTexts: entries.filter((e) => e.dir === 'out').map((e) => e.text),
        processed: new Set(processed.map((p) => p.message_id)),
      };
    },
    async close() {
      for (const run of runs)
        if (run.child.exitCode === null && run.child.signalCode === null) {
          // (tsx passes SIGTERM on to the server it runs)
          run.child.kill('SIGTERM');
          await Promise.race([run.exited, new Promise((r) => setTimeout(r, 5_000))]);
          if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
        }
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * kill -9 of a replica: the server process itself and tsx's launcher above it (tsx runs the server as a
 * child, and a SIGKILL to the launcher alone would leave the server running).
 *
 * @example
 * await killHard(a.run);
 */
export async function killHard(run: MainRun): Promise<void> {
  const pid = run.child.pid;
  if (pid === undefined) return;
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    children = [];
  }
  for (const child of children) process.kill(child, 'SIGKILL');
  run.child.kill('SIGKILL');
  await run.exited;
}

/** A running replica. */
export interface Replica {
  name: string;
  run: MainRun;
  /** `http://127.0.0.1:<port>/` */
  base: string;
}

/** A web chat user: a session cookie of their own. */
export function webUser(): { session: string; cookie: string } {
  const session = randomUUID();
  return { session, cookie: `cm_session=${session}` };
}

/** One wire reply as `POST /api/chat` returns it. */
export interface WireReply {
  text: string;
  choices: { id: string; label: string }[];
  turn?: number;
  receipt?: { id: string; token: string };
}

/**
 * Sends one chat message to a replica; resolves with the status and body, rejects when the connection fails.
 *
 * @example
 * const { status, body } = await chat(a, user, { text: '/start', messageId: 'm1' });
 */
export async function chat(
  replica: Replica,
  user: { cookie: string },
  body: { messageId: string; text?: string; choice?: string; turn?: number },
): Promise<{ status: number; body: { replies: WireReply[]; lang: string } }> {
  const res = await fetch(`${replica.base}api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: user.cookie },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: (await res.json()) as { replies: WireReply[]; lang: string } };
}
