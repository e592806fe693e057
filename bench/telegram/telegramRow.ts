/**
 * Row 4: Telegram. Updates handled through `bot.handleUpdate` against the loopback fake Bot API
 * (test/support/fakeBotApi.ts), one chat at a time: CancelMate's bot (engine, SQLite, rendering, keyboards)
 * beside a bare grammY echo bot and beside a question-after-question dialogue written with
 * @grammyjs/conversations (bench/peers). Each chat sends /start and ten answers (neither dialogue ends within
 * them); the time per update is taken at question 1 and question 10, so a cost that grows with the
 * conversation (the plugin replays it) shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { createTelegramBot } from '../../src/channels/telegram/bot.ts';
import { createLogger } from '../../src/logger.ts';
import { type FakeBotApi, startFakeBotApi } from '../../test/support/fakeBotApi.ts';
import { benchApp } from '../engine/engineRow.ts';
import { rotate, type Side } from '../lib/rounds.ts';
import { nowNs, type Spread, spread } from '../lib/stats.ts';

/** /start, then ten answers through the refund and cancel branches (none of them ends the dialogue). */
export const TEN_ANSWERS = ['/start', '2', '1', '1', '1', '1', '1', '1', '1', '1', '1'] as const;

/**
 * One bot's figures: µs per update at question 1 and question 10 (median over chats, spread over rounds).
 *
 * @example
 * r.cancelmate.q10.median / r.cancelmate.q1.median; // growth over the conversation
 */
export interface BotFigures {
  q1: Spread;
  q10: Spread;
  /** Median over all ten answers. */
  perUpdate: Spread;
}

/** What {@link telegramRow} measured. */
export interface TelegramResult {
  cancelmate: BotFigures;
  echo: BotFigures;
  conversations: BotFigures;
  chats: number;
}

interface Handler {
  handleUpdate(update: Update): Promise<void>;
}

/** What bench/peers/grammyBots.ts exports. */
interface PeerBots {
  echoBot(opts: PeerOptions): Handler;
  conversationsBot(opts: PeerOptions, dir: string): { bot: Handler; close(): void };
}

interface PeerOptions {
  token: string;
  apiRoot: string;
  botInfo: FakeBotApi['botInfo'];
}

/** Runs `chats` chats through `bot`; per-round medians at q1, q10 and the mean per answer. */
function side(
  name: string,
  api: FakeBotApi,
  bot: Handler,
  chats: number,
  into: Map<string, number[][]>,
): Side {
  let chatBase = name.length * 10_000_000;
  return {
    name,
    async run() {
      const q1: number[] = [];
      const q10: number[] = [];
      const all: number[] = [];
      for (let c = 0; c < chats; c += 1) {
        chatBase += 1;
        for (const [k, text] of TEN_ANSWERS.entries()) {
          const update = api.textUpdate(chatBase, text);
          const t0 = nowNs();
          await bot.handleUpdate(update);
          const us = (nowNs() - t0) / 1000;
          if (k === 1) q1.push(us);
          if (k === 10) q10.push(us);
          if (k > 0) all.push(us);
        }
      }
      api.calls.length = 0;
      const rounds = into.get(name) ?? [];
      rounds.push([spread(q1).median, spread(q10).median, spread(all).median]);
      into.set(name, rounds);
      return spread(q1).median;
    },
  };
}

function figures(rounds: number[][] | undefined): BotFigures {
  const r = rounds ?? [];
  return {
    q1: spread(r.map((x) => x[0] ?? Number.NaN)),
    q10: spread(r.map((x) => x[1] ?? Number.NaN)),
    perUpdate: spread(r.map((x) => x[2] ?? Number.NaN)),
  };
}

/** See the module description. */
export async function telegramRow(opts: { rounds: number; chats: number }): Promise<TelegramResult> {
  // Imported by a computed name: the peers are installed apart (bench/peers), so `npm run check` on a fresh
  // clone must not need them.
  const peerModule = '../peers/grammyBots.ts';
  const peers = (await import(peerModule).catch((err: unknown) => {
    throw new Error(
      `The Telegram peers are not installed: run \`npm --prefix bench/peers ci\` (${(err as Error).message})`,
    );
  })) as PeerBots;
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-bench-telegram-'));
  const api = await startFakeBotApi();
  const app = await benchApp(join(dir, 'app'));
  const peerOpts = { token: api.token, apiRoot: api.apiRoot, botInfo: api.botInfo };
  const conv = peers.conversationsBot(peerOpts, dir);
  try {
    const ours = createTelegramBot({
      engine: app.engine,
      token: api.token,
      apiRoot: `${api.apiRoot}/`,
      logger: createLogger('silent'),
      botInfo: api.botInfo,
    });
    const rounds = new Map<string, number[][]>();
    await rotate(
      [
        side('cancelmate', api, ours, opts.chats, rounds),
        side('echo', api, peers.echoBot(peerOpts), opts.chats, rounds),
        side('conversations', api, conv.bot, opts.chats, rounds),
      ],
      opts.rounds,
    );
    // The warm-up round of each side is not counted.
    for (const [k, v] of rounds) rounds.set(k, v.slice(1));
    return {
      cancelmate: figures(rounds.get('cancelmate')),
      echo: figures(rounds.get('echo')),
      conversations: figures(rounds.get('conversations')),
      chats: opts.chats,
    };
  } finally {
    conv.close();
    await app.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
