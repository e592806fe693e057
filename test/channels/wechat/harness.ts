import { decrypt as wecomDecrypt, encrypt as wecomEncrypt } from '@wecom/crypto';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../../src/app.ts';
import type { ChannelEngine } from '../../../src/channels/kit/channelEngine.ts';
import { wechatChannel } from '../../../src/channels/wechat/channel.ts';
import type { WechatEngine } from '../../../src/channels/wechat/guide.ts';
import { wechatSettingsFrom } from '../../../src/channels/wechat/settings.ts';
import {
  type SimAccount,
  type SimCrypto,
  type SimMode,
  TencentClient,
} from '../../../src/channels/wechat/sim/tencentClient.ts';
import { type ConversationState, readStoredState } from '../../../src/dialogue/conversation.ts';
import type { Logger } from '../../../src/logger.ts';
import { buildServer } from '../../../src/server.ts';
import { type TestApp, testApp } from '../../support/app.ts';

/**
 * A real app (SQLite in a temp dir) with the WeChat channel mounted on the real server, listening on
 * 127.0.0.1, and simulated Tencent servers that encrypt with an independent implementation (@wecom/crypto).
 *
 * @example
 * const h = await wechatHarness();
 * const reply = await h.tencent('safe').send({ type: 'text', content: '/start' });
 * await h.close();
 */
export const ACCOUNT = {
  WECHAT_TOKEN: 'AAAAA',
  WECHAT_APP_ID: 'wx5823bf96d3bd56c7',
  WECHAT_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  WECOM_TOKEN: 'QDG6eK',
  WECOM_CORP_ID: 'ww5823bf96d3bd56c7',
  WECOM_ENCODING_AES_KEY: 'kWxPEV2QE6N1q9oGNVb5XQCMO1XIQV0MPPkO5q5Fj5o',
} as const;

/** Tencent's side of the crypto, from an independent implementation. */
export const PEER_CRYPTO: SimCrypto = {
  encrypt: (key, message, id) => wecomEncrypt(key, message, id),
  decrypt: (key, encrypted) => {
    const { message, id } = wecomDecrypt(key, encrypted);
    return { message, id };
  },
};

/** See {@link ACCOUNT}. */
export interface WechatHarness {
  url: string;
  app: App;
  dataDir: string;
  server: FastifyInstance;
  /** A simulated Tencent server for `mode`, posting as `user`. */
  tencent(mode: SimMode, user?: string, overrides?: Partial<SimAccount>): TencentClient;
  /** The stored conversation of a user (undefined before the first message). */
  stored(channel: 'wechat' | 'wecom', user: string): ConversationState | undefined;
  /** Rows of a read-only query on the database file. */
  sql: TestApp['sql'];
  close(): Promise<void>;
}

/** See {@link WechatHarness}. */
export async function wechatHarness(
  opts: {
    env?: Record<string, string>;
    deadlineMs?: number;
    /** The engine's door as the channel sees it (the channel memo stays the app engine's). */
    wrap?: (engine: App['engine']) => ChannelEngine;
    /** Where the app's logs go (default: nowhere). */
    logger?: Logger;
    /** An existing DATA_DIR (kept on close), to restart on the same database. */
    dataDir?: string;
  } = {},
): Promise<WechatHarness> {
  const t = await testApp(
    { ...ACCOUNT, PUBLIC_URL: 'https://cancelmate.example.org', ...(opts.env ?? {}) },
    { ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) },
  );
  const { app } = t;
  const settings = wechatSettingsFrom(app.config);
  if (!settings) throw new Error('harness: no WeChat settings');
  const channel = wechatChannel({
    settings,
    engine: opts.wrap ? withMemo(opts.wrap(app.engine), app.engine) : app.engine,
    logger: app.logger,
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
  });
  const server = buildServer(app, {
    webChat: false,
    routes: channel.routes ? [{ name: channel.name, plugin: channel.routes }] : [],
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.addresses()[0];
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url,
    app,
    dataDir: t.dataDir,
    server,
    tencent(mode, user, overrides = {}) {
      const wecom = mode === 'wecom';
      return new TencentClient(
        {
          baseUrl: url,
          mode,
          token: wecom ? ACCOUNT.WECOM_TOKEN : ACCOUNT.WECHAT_TOKEN,
          aesKey: wecom ? ACCOUNT.WECOM_ENCODING_AES_KEY : ACCOUNT.WECHAT_ENCODING_AES_KEY,
          receiverId: wecom ? ACCOUNT.WECOM_CORP_ID : ACCOUNT.WECHAT_APP_ID,
          ...(user ? { user } : {}),
          ...overrides,
        },
        { crypto: PEER_CRYPTO },
      );
    },
    stored(channel, user) {
      const [row] = t.sql<{ state: string }>(
        'SELECT state FROM conversations WHERE id = ?',
        app.engine.conversationOf(channel, user),
      );
      return row ? readStoredState(row.state) : undefined;
    },
    sql: (query, ...params) => t.sql(query, ...params),
    async close() {
      await server.close();
      await t.cleanup();
    },
  };
}

/**
 * A wrapped door with the engine's channel memo (the door's getters kept live).
 *
 * @example
 * const engine = withMemo(withHandle(app.engine, slowHandle), app.engine);
 */
export function withMemo(door: ChannelEngine, engine: Pick<App['engine'], 'channelMemo'>): WechatEngine {
  return Object.assign(Object.create(door) as ChannelEngine, {
    channelMemo: (channel: string, userId: string) => engine.channelMemo(channel, userId),
  });
}
