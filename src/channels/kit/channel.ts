import type { FastifyPluginAsync } from 'fastify';

/**
 * The contract between `main.ts` and a channel: a name for logs, the routes it mounts on the one HTTP
 * server (webhooks), and start / stop around the server's life. A channel is built from its own settings
 * and the engine; it never sees the whole configuration or the store.
 *
 * @example
 * const web: ChannelHandle = { name: 'web', start: async ({ baseUrl }) => baseUrl, stop: async () => {} };
 */
export interface ChannelHandle {
  /** Short name for logs: 'web', 'telegram', 'wechat'. */
  name: string;
  /** Routes it mounts on the server (webhooks); mounted before the server listens. */
  routes?: FastifyPluginAsync;
  /** Starts it once the server listens (e.g. long polling or setWebhook); returns where users reach it. */
  start(ctx: { baseUrl: string }): Promise<string | undefined>;
  /** Stops taking new messages; called before the server closes. */
  stop(): Promise<void>;
}
