/**
 * Row 1: the engine per message, with persistence, beside the minimal XState + better-sqlite3 peer
 * (xstatePeer.ts); then what else a message can cost: the pure step alone, issuing a receipt, the heap after
 * many finished conversations, and full durability (SQLITE_SYNCHRONOUS=full) against the default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { ConversationState } from '../../src/dialogue/conversation.ts';
import { step } from '../../src/dialogue/step.ts';
import { createLogger } from '../../src/logger.ts';
import { alternate, type Compared } from '../lib/rounds.ts';
import { nowNs, percentile, type Spread, spread } from '../lib/stats.ts';
import { eventsFor, openXstatePeer } from './xstatePeer.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The messages of one conversation through the cancel branch; the last one ends it and issues a receipt. */
export const CANCEL_PATH = ['/start', '1', '1', '1', '1', '1', '成功了', '没有了，结束'] as const;

/**
 * What {@link engineRow} measured (times in µs).
 *
 * @example
 * const r = await engineRow({ rounds: 5, conversations: 300 });
 * r.handle.ratio.median; // ours ÷ peer per message
 */
export interface EngineResult {
  /** engine.handle per message (a = ours) beside the XState peer (b), µs per message per round. */
  handle: Compared;
  /** Per-message latency of engine.handle over all measured rounds. */
  latency: { p50: number; p99: number; max: number; messages: number };
  /** The pure step per message (no database). */
  step: Spread;
  /** Issuing a receipt (the last message of a conversation), median of many. */
  receipt: Spread;
  /** Heap after `heapConversations` more finished conversations ÷ heap before. */
  heapGrowth: number;
  /** engine.handle per message with SQLITE_SYNCHRONOUS=full (a) against normal (b). */
  durability: Compared;
}

/** Creates a CancelMate app on a fresh data directory (silent log: this row measures the engine alone). */
export async function benchApp(dataDir: string, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    FLOWS_DIR: join(ROOT, 'flows'),
    LOCALES_DIR: join(ROOT, 'locales'),
    ...env,
  });
  return createApp(config, { logger: createLogger('silent') });
}

/**
 * Runs `conversations` conversations of the cancel path (without its last, receipt-issuing message)
 * through `app`, returning µs per message; pushes each message's latency into `samples`.
 *
 * @example
 * const us = await runConversations(app, 'r1', 100, []);
 */
export async function runConversations(
  app: App,
  tag: string,
  conversations: number,
  samples: number[],
): Promise<number> {
  const path = CANCEL_PATH.slice(0, -1);
  let messages = 0;
  const start = nowNs();
  for (let c = 0; c < conversations; c += 1)
    for (const [i, text] of path.entries()) {
      const t0 = nowNs();
      await app.engine.handle({ channel: 'bench', userId: `${tag}-${c}`, messageId: String(i), text });
      samples.push((nowNs() - t0) / 1000);
      messages += 1;
    }
  return (nowNs() - start) / 1000 / messages;
}

/** See {@link EngineResult}. */
export async function engineRow(opts: {
  rounds: number;
  conversations: number;
  /** Conversations finished for the heap figure. */
  heapConversations: number;
  /** Conversations per round of the durability comparison. */
  durabilityConversations: number;
}): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-engine-'));
  try {
    const app = await benchApp(join(dir, 'app'));
    const peer = openXstatePeer(dir, app.bundle.machine);
    const events = eventsFor({ bundle: app.bundle, tr: app.tr }, CANCEL_PATH.slice(0, -1));
    const samples: number[] = [];
    let round = 0;
    const perConv = events.length;
    const handle = await alternate(
      {
        name: 'engine.handle',
        run: () => {
          round += 1;
          return runConversations(app, `r${round}`, opts.conversations, samples);
        },
      },
      {
        name: 'XState + better-sqlite3 peer',
        run: async () => {
          round += 1;
          const start = nowNs();
          for (let c = 0; c < opts.conversations; c += 1)
            for (const event of events) peer.handle(`p${round}-${c}`, event);
          return (nowNs() - start) / 1000 / (opts.conversations * perConv);
        },
      },
      opts.rounds,
    );
    peer.close();
    const latency = {
      p50: percentile(samples, 0.5),
      p99: percentile(samples, 0.99),
      max: percentile(samples, 1),
      messages: samples.length,
    };

    const env = { bundle: app.bundle, tr: app.tr };
    const stepRounds: number[] = [];
    for (let r = 0; r < opts.rounds; r += 1) {
      const start = nowNs();
      for (let k = 0; k < 200; k += 1) {
        let conv: ConversationState | undefined;
        for (const [i, text] of CANCEL_PATH.slice(0, -1).entries())
          conv = step(env, conv, { channel: 'b', userId: 'u', messageId: String(i), text }, new Date()).conv;
      }
      stepRounds.push((nowNs() - start) / 1000 / (200 * perConv));
    }

    const receiptTimes: number[] = [];
    for (let r = 0; r < Math.max(50, opts.conversations / 2); r += 1) {
      const user = `receipt-${r}`;
      for (const [i, text] of CANCEL_PATH.slice(0, -1).entries())
        await app.engine.handle({ channel: 'bench', userId: user, messageId: String(i), text });
      const t0 = nowNs();
      await app.engine.handle({ channel: 'bench', userId: user, messageId: 'last', text: CANCEL_PATH[7] });
      receiptTimes.push((nowNs() - t0) / 1000);
    }

    global.gc?.();
    const heapStart = process.memoryUsage().heapUsed;
    for (let c = 0; c < opts.heapConversations; c += 1)
      for (const [i, text] of CANCEL_PATH.entries())
        await app.engine.handle({ channel: 'mem', userId: `m${c}`, messageId: String(i), text });
    global.gc?.();
    const heapGrowth = process.memoryUsage().heapUsed / heapStart;
    await app.close();

    const full = await benchApp(join(dir, 'full'), { SQLITE_SYNCHRONOUS: 'full' });
    const normal = await benchApp(join(dir, 'normal'), { SQLITE_SYNCHRONOUS: 'normal' });
    let d = 0;
    const durable = (target: typeof full) => () => {
      d += 1;
      return runConversations(target, `d${d}`, opts.durabilityConversations, []);
    };
    const durability = await alternate(
      { name: 'SQLITE_SYNCHRONOUS=full', run: durable(full) },
      { name: 'SQLITE_SYNCHRONOUS=normal', run: durable(normal) },
      opts.rounds,
    );
    await full.close();
    await normal.close();
    return {
      handle,
      latency,
      step: spread(stepRounds),
      receipt: spread(receiptTimes),
      heapGrowth,
      durability,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
