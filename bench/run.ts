/**
 * `npm run bench` (`-- --quick` for about a minute; the full run takes minutes, most of them seeding a
 * million stored conversations): CancelMate measured beside what a user would pick instead, in one run on
 * one machine, on loopback only, in alternating rounds (medians with min–max). Rows:
 *   1. engine.handle per message, beside a minimal XState + better-sqlite3 peer (bench/engine/);
 *   2. the web chat end to end, beside bare node:http; the WeChat webhook in safe mode, beside the node-webot
 *      `wechat` middleware and bare node:http (bench/http/);
 *   3. growth: latency, memory and bytes on disk with 1k, 100k and 1M stored conversations (bench/growth/);
 *   4. Telegram through handleUpdate, beside a bare grammY echo bot and @grammyjs/conversations (bench/telegram/);
 *   5. what free-text understanding adds to the pure step per message (bench/understand/);
 *   and, when CANCELMATE_BENCH_DATABASE_URL or CANCELMATE_TEST_DATABASE_URL names a PostgreSQL server, informational
 *   PostgreSQL rows beside SQLite (bench/postgres.ts).
 * Writes bench/results/<time>-<mode>.json, bench/results/growth-<mode>.svg, prints a table with every goal's
 * figure, and after a full run puts the table into bench/README.md. Goals are reported, never asserted.
 *
 * Options: --quick, --only=engine,http,growth,telegram,understand,postgres, --no-readme, --report=<results.json>[,<more.json>]
 * (no measuring: print that run's table again — with more files, later runs' rows replacing earlier ones' — and,
 * for a full run, put it into bench/README.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/database.ts';
import { engineRow } from './engine/engineRow.ts';
import { growthRow } from './growth/growthRow.ts';
import { httpRow } from './http/httpRow.ts';
import { wechatRow } from './http/wechatRow.ts';
import { machine, RESULTS_DIR, saveResults, writeReadmeResults } from './lib/results.ts';
import { growthSvg } from './lib/svg.ts';
import { benchPostgres } from './postgres.ts';
import { goalTable, mergeRuns, type RunResults } from './report.ts';
import { telegramRow } from './telegram/telegramRow.ts';
import { understandRow } from './understand/understandRow.ts';

const args = process.argv.slice(2);
const reportOf = args.find((a) => a.startsWith('--report='))?.slice(9);
if (reportOf) {
  // Several files (comma-separated): later runs' rows replace earlier ones' (see mergeRuns).
  const saved = mergeRuns(reportOf.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as RunResults));
  const again = goalTable(saved);
  console.log(again);
  if (saved.growth) writeGrowthSvg(saved);
  if (saved.mode === 'full' && !args.includes('--no-readme')) writeReadmeResults(again);
  process.exit(0);
}
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wanted = (row: string) => !only || only.includes(row);
const mode = quick ? 'quick' : 'full';
const wechatRounds = quick ? 1 : 5;

/** bench/results/growth-<mode>.svg from a run's growth row. */
function writeGrowthSvg(r: RunResults): void {
  const svg = growthSvg(
    (r.growth?.results ?? []).map((g) => g.point),
    `${r.machine.cores} cores, Node ${r.machine.node}, ${r.mode} run ${r.startedAt.slice(0, 10)}`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `growth-${r.mode}.svg`), svg);
}

/** One SQLite transaction writing and reading a 1 KB row in a WAL file, ns (the PostgreSQL rows' reference). */
function sqliteBaselineNs(): number {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-base-'));
  try {
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
    const sel = db.prepare('SELECT body FROM t WHERE id = ?');
    const tx = db.transaction(() => sel.get(Number(ins.run('x'.repeat(1024)).lastInsertRowid)));
    for (let i = 0; i < 200; i += 1) tx();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 3000; i += 1) tx();
    const ns = Number(process.hrtime.bigint() - t0) / 3000;
    db.close();
    return ns;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peers live in bench/peers with their own lock file; install them on first use. */
function ensurePeers(): void {
  const peers = join(import.meta.dirname, 'peers');
  if (existsSync(join(peers, 'node_modules', '@grammyjs', 'conversations'))) return;
  console.log('installing the bench peers: npm --prefix bench/peers ci');
  execFileSync('npm', ['--prefix', peers, 'ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

const started = Date.now();
const results: RunResults = { mode, machine: machine(), startedAt: new Date().toISOString() };
const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${what}`);

if (wanted('http') || wanted('telegram')) ensurePeers();
if (wanted('engine')) {
  step('row 1: engine.handle beside the XState + better-sqlite3 peer');
  results.engine = await engineRow(
    quick
      ? { rounds: 3, conversations: 100, heapConversations: 500, durabilityConversations: 30 }
      : { rounds: 7, conversations: 300, heapConversations: 2000, durabilityConversations: 100 },
  );
}
if (wanted('http')) {
  step('row 2: web chat end to end beside bare node:http');
  const opts = quick
    ? { rounds: 2, seconds: 2, concurrency: 16, rate: 500 }
    : { rounds: 5, seconds: 5, concurrency: 16, rate: 500 };
  results.http = await httpRow(opts);
  step('row 2: WeChat webhook (safe mode) beside the node-webot peer and bare node:http');
  results.wechat = await wechatRow({ ...opts, rounds: wechatRounds });
}
if (wanted('growth')) {
  step(`row 3: growth (${quick ? '1k and 10k' : '1k, 100k and 1M'} stored conversations)`);
  results.growth = await growthRow(
    quick
      ? { sizes: [1_000, 10_000], rounds: 1, messages: 700 }
      : { sizes: [1_000, 100_000, 1_000_000], rounds: 3, messages: 2100 },
  );
  writeGrowthSvg(results);
}
if (wanted('telegram')) {
  step('row 4: Telegram beside a grammY echo bot and @grammyjs/conversations');
  results.telegram = await telegramRow(quick ? { rounds: 2, chats: 20 } : { rounds: 5, chats: 60 });
}
if (wanted('understand')) {
  step('row 5: what free-text understanding adds per message (goal ≤ 500 µs)');
  const u = await understandRow({ repeat: quick ? 10 : 30 });
  results.understand = u;
  console.log(
    `understanding adds ${u.addedUs.toFixed(1)} µs per free-text message (median of ${u.messages}; a typed number takes ${u.labelUs.toFixed(1)} µs) — goal ≤ 500 µs${u.addedUs > 500 ? ': MISSED' : ''}`,
  );
}
const pgUrl = process.env.CANCELMATE_BENCH_DATABASE_URL || process.env.CANCELMATE_TEST_DATABASE_URL;
if (wanted('postgres') && pgUrl) {
  step('PostgreSQL rows: per message beside SQLite, throughput with one and two replicas');
  const sqliteHandleNs = (results.engine?.handle.a.median ?? 0) * 1000;
  results.postgres = await benchPostgres(pgUrl, {
    baselineNs: sqliteBaselineNs(),
    sqliteHandleNs: sqliteHandleNs || Number.NaN,
  });
} else if (wanted('postgres'))
  console.log('PostgreSQL rows skipped: set CANCELMATE_TEST_DATABASE_URL (see bench/README.md).');
results.seconds = (Date.now() - started) / 1000;

const file = saveResults(mode, results);
const table = goalTable(results);
console.log(`\n${table}\n\nresults: ${file}`);
if (!quick && !only && !args.includes('--no-readme')) {
  writeReadmeResults(table);
  console.log('bench/README.md updated with this run');
}
