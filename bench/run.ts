/**
 * `npm run bench`: how much the engine costs per message, compared with a baseline measured in the same
 * run on the same machine — a bare SQLite transaction that writes and reads one row of similar size in the
 * same kind of database file (WAL). Results are ratios, so they mean the same on a slow or a fast machine.
 *
 * Targets (exit 1 when one is missed): see TARGETS below and bench/README.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { ConversationState } from '../src/dialogue/conversation.ts';
import { step } from '../src/dialogue/step.ts';
import { createLogger } from '../src/logger.ts';
import { openDatabase } from '../src/store/sqlite/database.ts';
import { benchPostgres } from './postgres.ts';

const ROOT = join(import.meta.dirname, '..');
const TARGETS = {
  /** engine.handle (load, pure step, save, chain append, idempotency record) per message. */
  handlePerMessage: 35,
  /** The pure step alone (XState transition + rendering), per message. */
  stepPerMessage: 8,
  /** Issuing a receipt (build, sign, render HTML, store) at the end of a conversation. */
  receiptPerIssue: 250,
  /** Heap after 2,000 more finished conversations, relative to the heap after a warm-up (a leak shows here). */
  heapGrowth: 1.5,
  /** Median time free-text understanding adds to the pure step, per message, in microseconds (issue 11). */
  understandAddedUs: 500,
};

const PATH = ['/start', '1', '1', '1', '1', '1', '成功了', '没有了，结束'];

function time(fn: () => void, rounds: number): number {
  for (let i = 0; i < Math.min(50, rounds); i += 1) fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / rounds;
}

const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-'));
try {
  // Baseline: one transaction writing and reading a ~1 KB row, in a WAL database like ours.
  const base = openDatabase(join(dir, 'baseline'));
  base.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const body = 'x'.repeat(1024);
  const ins = base.prepare('INSERT INTO t (body) VALUES (?)');
  const sel = base.prepare('SELECT body FROM t WHERE id = ?');
  const tx = base.transaction(() => sel.get(Number(ins.run(body).lastInsertRowid)));
  const baselineNs = time(() => tx(), 5000);
  base.close();

  const config = loadConfig({
    DATA_DIR: join(dir, 'app'),
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
  });
  const app = await createApp(config, { logger: createLogger('silent') });

  // engine.handle over whole conversations (the last message issues a receipt; measured apart below).
  let user = 0;
  let messages = 0;
  const start = process.hrtime.bigint();
  for (let c = 0; c < 300; c += 1) {
    user += 1;
    for (const text of PATH.slice(0, -1)) {
      await app.engine.handle({
        channel: 'bench',
        userId: `u${user}`,
        messageId: `${user}-${messages}`,
        text,
      });
      messages += 1;
    }
  }
  const handleNs = Number(process.hrtime.bigint() - start) / messages;

  // The pure step alone, replaying the same conversation without the database.
  const env = { bundle: app.bundle, tr: app.tr };
  const stepNs =
    time(() => {
      let conv: ConversationState | undefined;
      for (const [i, text] of PATH.slice(0, -1).entries())
        conv = step(env, conv, { channel: 'b', userId: 'u', messageId: String(i), text }, new Date()).conv;
    }, 300) /
    (PATH.length - 1);

  // Understanding: the pure step on each labelled free-text message (test/understand/*.yaml) from the first
  // question, against the same step answering "1"; the median difference is what understanding adds.
  const texts = ['utterances.yaml', 'holdout.yaml'].flatMap((f) =>
    (
      parse(readFileSync(join(ROOT, 'test', 'understand', f), 'utf8')) as { utterances: { t: unknown }[] }
    ).utterances.map((u) => String(u.t)),
  );
  const atStart = step(
    env,
    undefined,
    { channel: 'b', userId: 'u', messageId: 's', text: '/start' },
    new Date(),
  ).conv;
  const stepWith = (text: string) =>
    time(() => step(env, atStart, { channel: 'b', userId: 'u', messageId: 'x', text }, new Date()), 20);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const labelNs = median(Array.from({ length: 50 }, () => stepWith('1')));
  const understandNs = median(texts.map(stepWith)) - labelNs;

  // Receipt issue: the last message of each conversation, timed alone (median of 200).
  const receiptTimes: number[] = [];
  for (let r = 0; r < 200; r += 1) {
    const id = `r${r}`;
    for (const [i, text] of PATH.slice(0, -1).entries())
      await app.engine.handle({ channel: 'bench', userId: id, messageId: String(i), text });
    const t0 = process.hrtime.bigint();
    await app.engine.handle({ channel: 'bench', userId: id, messageId: 'last', text: PATH.at(-1) ?? '' });
    receiptTimes.push(Number(process.hrtime.bigint() - t0));
  }
  const receiptNs = receiptTimes.sort((a, b) => a - b)[receiptTimes.length >> 1] ?? 0;

  // Memory: after the warm-up above, finish 2,000 more conversations and compare the heap.
  global.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  for (let c = 0; c < 2000; c += 1)
    for (const [i, text] of PATH.entries())
      await app.engine.handle({ channel: 'mem', userId: `m${c}`, messageId: String(i), text });
  global.gc?.();
  const heapGrowth = process.memoryUsage().heapUsed / heapStart;
  await app.close();

  const rows = [
    ['baseline: one SQLite transaction (write + read 1 KB)', baselineNs, 1, 1],
    ['engine.handle per message', handleNs, handleNs / baselineNs, TARGETS.handlePerMessage],
    ['pure step per message (no database)', stepNs, stepNs / baselineNs, TARGETS.stepPerMessage],
    ['receipt issue (build, sign, HTML, store)', receiptNs, receiptNs / baselineNs, TARGETS.receiptPerIssue],
  ] as const;
  let failed = false;
  console.log('what                                                   time        × baseline   target');
  for (const [what, ns, ratio, target] of rows) {
    const miss = ratio > target;
    failed ||= miss;
    console.log(
      `${what.padEnd(54)} ${(ns / 1000).toFixed(1).padStart(8)} µs ${ratio.toFixed(1).padStart(10)} ≤ ${target}${miss ? '  MISSED' : ''}`,
    );
  }
  const understandMiss = understandNs / 1000 > TARGETS.understandAddedUs;
  failed ||= understandMiss;
  console.log(
    `${`understanding added per free-text message (median of ${texts.length})`.padEnd(54)} ${(understandNs / 1000).toFixed(1).padStart(8)} µs ${''.padStart(10)} ≤ ${TARGETS.understandAddedUs} µs${understandMiss ? '  MISSED' : ''}`,
  );
  const heapMiss = heapGrowth > TARGETS.heapGrowth;
  failed ||= heapMiss;
  console.log(
    `heap after 2,000 more conversations / heap before ${heapGrowth.toFixed(2).padStart(19)} ≤ ${TARGETS.heapGrowth}${heapMiss ? '  MISSED' : ''}${global.gc ? '' : '  (run with --expose-gc for a steadier figure)'}`,
  );
  process.exitCode = failed ? 1 : 0;
  // PostgreSQL rows when a server is at hand (a role that may create databases; see bench/README.md).
  const pgUrl = process.env.CANCELMATE_BENCH_DATABASE_URL || process.env.CANCELMATE_TEST_DATABASE_URL;
  if (pgUrl) await benchPostgres(pgUrl, { baselineNs, sqliteHandleNs: handleNs });
  else console.log('\nPostgreSQL rows skipped: set CANCELMATE_TEST_DATABASE_URL (see bench/README.md).');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
