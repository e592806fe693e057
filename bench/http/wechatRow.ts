/**
 * Row 2, WeChat: the Official Account webhook in safe mode (signed, AES-encrypted, many distinct users) end to
 * end, three servers each in its own process under the same loopback load generator:
 * - CancelMate (bench/http/wechatServer.ts): signature, timestamp and msg_signature checks, decrypt, the
 *   engine with persistence (every user walks the cancel path, so conversations really advance), the reply
 *   composed, encrypted and signed;
 * - the node-webot `wechat` middleware (bench/peers/wechatPeer.ts): msg_signature, decrypt, a fixed text
 *   reply encrypted and signed — the same job without a dialogue or a database;
 * - bare `node:http` (bench/http/bareServer.ts, BARE_WECHAT=1): reads the body, answers one reply sealed at
 *   start — the floor.
 * Every message is built (encrypted, signed, its own MsgId, its user's own openid) before the phase that sends
 * it, so the load generator's crypto is not measured; an answer that is not a sealed reply counts as an error.
 * Before measuring, one conversation is walked against each server and its replies decrypted: a server that
 * does not answer properly (or, for CancelMate, does not advance) stops the row with the reason.
 */
import { join } from 'node:path';
import { type ChildServer, startChild } from '../lib/child.ts';
import { CONVERSATION, type LoadResult, maxThroughput, type Workload } from '../lib/loadgen.ts';
import { rotate } from '../lib/rounds.ts';
import { type Spread, spread } from '../lib/stats.ts';
import { openWechatReply, WechatConversations } from '../lib/wechatRequests.ts';
import { figures, type HttpOptions, measure, type Round, SETTLE, type ServerFigures } from './measure.ts';

/**
 * What {@link wechatRow} measured. Ratios are taken per round (the three servers measured in turn within it).
 * Runs from before CancelMate's webhook joined the row have `cancelmate: null` and none of the optional fields.
 *
 * @example
 * const w = await wechatRow(opts);
 * w.cancelmate?.vsNodeWebot.median; // CancelMate's throughput ÷ node-webot's
 */
export interface WechatResult {
  nodeWebot: ServerFigures;
  bare: ServerFigures;
  /** node-webot ÷ bare, throughput. */
  throughputRatio: Spread;
  cancelmate: WechatOurs | null;
  offeredPerSecond?: number;
  concurrency?: number;
  seconds?: number;
  /** Conversations built while a phase ran because the pre-built ones ran out (0: none). */
  builtLate?: number;
  /** CancelMate's replies (decrypted, first line) to the conversation walked before measuring. */
  walked?: string[];
}

/**
 * CancelMate's figures in the WeChat row and its per-round ratios.
 *
 * @example
 * const ours: WechatOurs = (await wechatRow(opts)).cancelmate!;
 * ours.vsBare.median; // goal ≥ 0.35
 */
export interface WechatOurs extends ServerFigures {
  /** CancelMate ÷ bare node:http, throughput. */
  vsBare: Spread;
  /** CancelMate ÷ the node-webot peer, throughput. */
  vsNodeWebot: Spread;
}

/** A server in the row, with its own pool of conversations and what it served so far. */
interface Side {
  name: 'cancelmate' | 'nodeWebot' | 'bare';
  srv: ChildServer;
  pool: WechatConversations;
  /** Requests per second expected (the most seen so far): sizes the next closed-loop pool. */
  expected: number;
  rounds: Round[];
}

/** Head room on the pools: a phase may run faster than the last one did. */
const MARGIN = 1.5;

/** Builds the phase's conversations before it starts, and clears the load generator's garbage. */
function prepare(side: Side, opts: HttpOptions, phase: 'closed' | 'fixed', last?: LoadResult): void {
  if (last) side.expected = Math.max(side.expected, last.perSecond);
  const requests =
    phase === 'closed'
      ? side.expected * opts.seconds * MARGIN
      : (opts.rate * opts.seconds + SETTLE.rate * SETTLE.seconds) * MARGIN;
  side.pool.reset();
  side.pool.prebuild(Math.ceil(requests / CONVERSATION.length) + opts.concurrency);
  (globalThis as { gc?: () => void }).gc?.();
}

/** Walks one conversation against `port`, one message at a time; the decrypted replies. */
async function walk(port: number, name: string): Promise<string[]> {
  const pool = new WechatConversations(CONVERSATION);
  const replies: string[] = [];
  for (const { path, body } of pool.take()) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: body.toString('utf8'),
    });
    const raw = await res.text();
    const text = res.status === 200 ? openWechatReply(raw) : undefined;
    if (!text)
      throw new Error(
        `WeChat row: ${name} did not answer message ${replies.length + 1} with a sealed reply (HTTP ${res.status}, ${JSON.stringify(raw.slice(0, 80))}); check its settings against WECHAT_PEER in bench/lib/wechatRequests.ts`,
      );
    replies.push(text);
  }
  return replies;
}

/** See {@link WechatResult}. */
export async function wechatRow(opts: HttpOptions): Promise<WechatResult> {
  const here = import.meta.dirname;
  const sides: Side[] = [];
  const start = async (name: Side['name'], script: string, env: Record<string, string>) => {
    const srv = await startChild(script, env);
    sides.push({ name, srv, pool: new WechatConversations(CONVERSATION), expected: 0, rounds: [] });
  };
  try {
    await start('cancelmate', join(here, 'wechatServer.ts'), { LOG_LEVEL: 'info' });
    await start('nodeWebot', join(here, '..', 'peers', 'wechatPeer.ts'), {});
    await start('bare', join(here, 'bareServer.ts'), { BARE_WECHAT: '1' });
    const byName = (name: Side['name']) => sides.find((s) => s.name === name) as Side;
    const walked = await walk(byName('cancelmate').srv.port, 'CancelMate');
    if (new Set(walked).size < 3)
      throw new Error(
        `WeChat row: CancelMate's replies did not advance through the conversation (${walked.length} replies, ${new Set(walked).size} different): the engine is not walking the cancel path`,
      );
    await walk(byName('nodeWebot').srv.port, 'the node-webot peer');
    await walk(byName('bare').srv.port, 'bare node:http');
    let builtLate = 0;
    const run = (side: Side) => async () => {
      const workload: Workload = { wechat: side.pool };
      const round = await measure(side.srv, opts, workload, (phase, last) => {
        builtLate += side.pool.builtLate;
        prepare(side, opts, phase, last);
      });
      builtLate += side.pool.builtLate;
      side.pool.reset();
      side.rounds.push(round);
      return round.perSecond;
    };
    // Warm-up (JIT, SQLite pages, connections), not counted: twice, the second one sizing the first pools.
    for (const side of sides)
      for (let i = 0; i < 2; i += 1) {
        side.pool.reset();
        side.pool.prebuild(Math.ceil((30_000 * MARGIN) / CONVERSATION.length));
        const warm = await maxThroughput(side.srv.port, {
          concurrency: opts.concurrency,
          seconds: 1,
          workload: { wechat: side.pool },
        });
        side.expected = warm.perSecond;
        side.pool.reset();
      }
    await rotate(
      sides.map((s) => ({ name: s.name, run: run(s) })),
      opts.rounds,
      false,
    );
    const ours = byName('cancelmate').rounds;
    const peer = byName('nodeWebot').rounds;
    const bare = byName('bare').rounds;
    const per = (a: Round[], b: Round[]) =>
      spread(a.map((r, i) => r.perSecond / (b[i]?.perSecond ?? Number.NaN)));
    return {
      nodeWebot: figures(peer),
      bare: figures(bare),
      throughputRatio: per(peer, bare),
      cancelmate: { ...figures(ours), vsBare: per(ours, bare), vsNodeWebot: per(ours, peer) },
      offeredPerSecond: opts.rate,
      concurrency: opts.concurrency,
      seconds: opts.seconds,
      builtLate,
      walked: walked.map((t) => t.split('\n')[0] ?? ''),
    };
  } finally {
    for (const side of sides) await side.srv.stop();
  }
}
