/**
 * Telegram peers for the bench (installed in bench/peers, never product dependencies):
 * - a bare grammY echo bot (answers each text with itself): the floor of handling an update through grammY
 *   and one Bot API call;
 * - a question-after-question dialogue written with @grammyjs/conversations (the plugin a grammY user would pick),
 *   its state kept durably in SQLite (WAL, synchronous=NORMAL, like ours) through the plugin's storage option.
 */
import { join } from 'node:path';
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations';
import Database from 'better-sqlite3';
import { Bot, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

/**
 * Where the peers talk to: the fake Bot API's root, token and bot user.
 *
 * @example
 * const bot = echoBot({ token: api.token, apiRoot: api.apiRoot, botInfo: api.botInfo });
 */
export interface PeerOptions {
  token: string;
  apiRoot: string;
  botInfo: UserFromGetMe;
}

/** See the module description. */
export function echoBot(opts: PeerOptions): Bot {
  const bot = new Bot(opts.token, { botInfo: opts.botInfo, client: { apiRoot: opts.apiRoot } });
  bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
  return bot;
}

type Ctx = ConversationFlavor<Context>;

/** How many questions the conversations peer asks: eleven, so its tenth answer is mid-dialogue like ours. */
export const QUESTIONS = 11;

async function questions(conversation: Conversation<Ctx, Context>, ctx: Context): Promise<void> {
  let current = ctx;
  for (let q = 1; q <= QUESTIONS; q += 1) {
    await current.reply(`问题 ${q}：请回复选项前的数字。\n1. 是\n2. 否`);
    current = await conversation.waitFor('message:text');
  }
  await current.reply('谢谢，问完了。');
}

/**
 * The conversations peer; `dir` holds its SQLite file. `/start` enters the dialogue.
 *
 * @example
 * const { bot, close } = conversationsBot(opts, dir);
 */
export function conversationsBot(opts: PeerOptions, dir: string): { bot: Bot<Ctx>; close(): void } {
  const db = new Database(join(dir, 'conversations-peer.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const get = db.prepare('SELECT value FROM kv WHERE key = ?');
  const put = db.prepare(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const del = db.prepare('DELETE FROM kv WHERE key = ?');
  const bot = new Bot<Ctx>(opts.token, { botInfo: opts.botInfo, client: { apiRoot: opts.apiRoot } });
  bot.use(
    conversations({
      storage: {
        type: 'key',
        version: 1,
        adapter: {
          read: (key: string) => {
            const row = get.get(key) as { value: string } | undefined;
            return row ? JSON.parse(row.value) : undefined;
          },
          write: (key: string, value: unknown) => {
            put.run(key, JSON.stringify(value));
          },
          delete: (key: string) => {
            del.run(key);
          },
        },
      },
    }),
  );
  bot.use(createConversation(questions, 'questions'));
  bot.command('start', (ctx) => ctx.conversation.enter('questions'));
  return { bot, close: () => db.close() };
}
