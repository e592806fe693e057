/**
 * A small fake Telegram Bot API server for tests, covering what the `telegram-test-api` emulator
 * lacks: real long polling, redelivery, Telegram's limits and error shapes, 429 and 403 on demand,
 * multipart uploads. grammY and Telegraf talk to it through `apiRoot`.
 *
 * @example
 * ```ts
 * const api = await startFakeBotApi();
 * const bot = new Bot(api.token, { botInfo: api.botInfo, client: { apiRoot: api.apiRoot } });
 * await bot.api.sendMessage(42, '你好');
 * expect(api.sentTexts(42)).toEqual(['你好']);
 * await api.close();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';
import {
  type ApiErrorSpec,
  BotApiError,
  readRequest,
  sendJson,
  type UploadedFile,
} from './fakeBotApiHttp.ts';
import { canonicalMethod, type FakeBotState, methodHandlers } from './fakeBotApiMethods.ts';
import { type PendingUpdate, UpdateQueue } from './fakeUpdateQueue.ts';
import {
  type CallbackUpdateOptions,
  fakeBotInfo,
  IdSequence,
  postWebhook,
  type TextUpdateOptions,
  UpdateFactory,
  type UpdateSenderOptions,
  type WebhookResponse,
} from './fakeUpdates.ts';

export type { ApiErrorSpec, UploadedFile } from './fakeBotApiHttp.ts';
export type { PendingUpdate } from './fakeUpdateQueue.ts';
export {
  type CallbackUpdateOptions,
  fakeBotInfo,
  postWebhook,
  type TextUpdateOptions,
  UpdateFactory,
  type UpdateSenderOptions,
  type WebhookResponse,
} from './fakeUpdates.ts';

/** One recorded Bot API call. */
export interface Call {
  /** The method name as Telegram spells it (`sendMessage`), or as requested when unknown. */
  method: string;
  /** Query string and body parameters; for multipart, the text fields (JSON ones decoded). */
  params: Record<string, unknown>;
  /** Uploaded files of a multipart call. */
  files?: UploadedFile[];
  /** `Date.now()` when the request arrived. */
  at: number;
  /** HTTP status of the answer; undefined while a long poll is still waiting. */
  status?: number;
}

/** Options of {@link startFakeBotApi}. */
export interface FakeBotApiOptions {
  /** The bot token the server accepts; its numeric prefix becomes the bot's id. */
  token?: string;
}

/** The token the fake accepts unless told otherwise. */
export const FAKE_BOT_TOKEN = '7000001:AAFakeTokenForCancelMateTests';

/**
 * A running fake Bot API server; create it with {@link startFakeBotApi}.
 *
 * @example
 * ```ts
 * api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
 * api.pushUpdate(api.textUpdate(42, '/start'));
 * const [call] = await api.waitForCalls((c) => c.method === 'sendMessage' && c.status === 200);
 * ```
 */
export class FakeBotApi {
  /** Every call received, in arrival order. */
  readonly calls: Call[] = [];
  /** What getMe answers; pass it as grammY's `botInfo` (or Telegraf's `bot.botInfo`) to skip getMe. */
  readonly botInfo: UserFromGetMe;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly apiRoot: string;
  private readonly state: FakeBotState;
  private readonly updates: UpdateFactory;
  private readonly failures = new Map<string, ApiErrorSpec[]>();
  private readonly listeners = new Set<() => void>();

  /** @internal Use {@link startFakeBotApi}. */
  constructor(
    private readonly server: Server,
    readonly token: string,
  ) {
    const port = (server.address() as AddressInfo).port;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.botInfo = fakeBotInfo(token);
    const updateIds = new IdSequence(100_000);
    const messageIds = new IdSequence(0);
    this.updates = new UpdateFactory(updateIds, messageIds, this.botInfo);
    this.state = {
      botInfo: this.botInfo,
      queue: new UpdateQueue(updateIds),
      messageIds,
      blocked: new Set(),
      messages: new Map(),
      commands: new Map(),
      webhook: { url: '' },
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
  }

  /** Makes the next call of `method` fail once with `error` (HTTP status = `error_code`); calls queue up. */
  failNext(method: string, error: ApiErrorSpec): void {
    const key = method.toLowerCase();
    this.failures.set(key, [...(this.failures.get(key) ?? []), error]);
  }

  /** From now on sendMessage, sendDocument and sendChatAction to `chatId` answer 403 "bot was blocked". */
  blockChat(chatId: number | string): void {
    this.state.blocked.add(String(chatId));
  }

  /** Undoes {@link FakeBotApi.blockChat}. */
  unblockChat(chatId: number | string): void {
    this.state.blocked.delete(String(chatId));
  }

  /** Queues an update for getUpdates (assigning `update_id` when missing) and returns its id; a repeated id is redelivered. */
  pushUpdate(update: PendingUpdate): number {
    return this.state.queue.push(update);
  }

  /** A text message update (see {@link UpdateFactory.textUpdate}). */
  textUpdate(chatId: number, text: string, opts?: TextUpdateOptions): Update {
    return this.updates.textUpdate(chatId, text, opts);
  }

  /** A button press on message `messageId` (see {@link UpdateFactory.callbackUpdate}). */
  callbackUpdate(chatId: number, data: string, messageId: number, opts?: CallbackUpdateOptions): Update {
    return this.updates.callbackUpdate(chatId, data, messageId, opts);
  }

  /** A sticker message update. */
  stickerUpdate(chatId: number, opts?: UpdateSenderOptions): Update {
    return this.updates.stickerUpdate(chatId, opts);
  }

  /** An edited text message update. */
  editedMessageUpdate(
    chatId: number,
    text: string,
    opts?: UpdateSenderOptions & { messageId?: number },
  ): Update {
    return this.updates.editedMessageUpdate(chatId, text, opts);
  }

  /** POSTs `update` to `url` as Telegram does (see {@link postWebhook}). */
  postWebhook(url: string, update: Update, secretToken?: string): Promise<WebhookResponse> {
    return postWebhook(url, update, secretToken);
  }

  /** POSTs `update` to the webhook registered with setWebhook, with its secret token. */
  deliverToWebhook(update: Update): Promise<WebhookResponse> {
    const { url, secretToken } = this.state.webhook;
    if (!url)
      throw new Error('deliverToWebhook: no webhook is set; call setWebhook first (or use postWebhook)');
    return postWebhook(url, update, secretToken);
  }

  /**
   * Resolves with all matching calls once at least `count` are recorded; rejects after `timeoutMs`
   * with the list of recorded methods.
   */
  waitForCalls(predicate: (call: Call) => boolean, count = 1, timeoutMs = 5000): Promise<Call[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const matching = this.calls.filter(predicate);
        if (matching.length < count) return false;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(matching);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        const seen = this.calls.filter(predicate).length;
        const recorded = this.calls.map((c) => `${c.method} ${c.status ?? 'pending'}`).join(', ') || 'none';
        reject(
          new Error(
            `waitForCalls: expected ${count} matching call(s) within ${timeoutMs} ms, saw ${seen}. Recorded: ${recorded}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }

  /** Texts successfully sent (sendMessage) or edited in (editMessageText) to `chatId`, in order. */
  sentTexts(chatId: number | string): string[] {
    return this.calls
      .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && c.status === 200)
      .filter((c) => String(c.params.chat_id) === String(chatId) && typeof c.params.text === 'string')
      .map((c) => c.params.text as string);
  }

  /** Ends waiting long polls, drops open connections and stops the server. */
  async close(): Promise<void> {
    this.state.queue.close();
    for (const check of this.listeners) this.listeners.delete(check);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname;
    const match = /^\/bot([^/]*)\/([^/]+)$/.exec(path);
    if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token = '', requested = ''] = match;
    const method = canonicalMethod(requested);
    const call: Call = { method: method ?? requested, params: {}, at };
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    let status = 200;
    let body: unknown;
    try {
      const parsed = await readRequest(req).catch((err: unknown) => {
        this.record(call);
        throw err;
      });
      call.params = parsed.params;
      if (parsed.files.length > 0) call.files = parsed.files;
      this.record(call);
      if (token !== this.token) throw new BotApiError({ error_code: 401, description: 'Unauthorized' });
      const handler = method ? methodHandlers[method] : undefined;
      if (!method || !handler) {
        throw new BotApiError({ error_code: 404, description: 'Not Found: method not found' });
      }
      const failure = this.failures.get(method.toLowerCase())?.shift();
      if (failure) throw new BotApiError(failure);
      const result = await handler(this.state, {
        params: call.params,
        files: parsed.files,
        signal: aborted.signal,
      });
      body = { ok: true, result };
    } catch (err) {
      const spec: ApiErrorSpec =
        err instanceof BotApiError
          ? err.spec
          : { error_code: 500, description: `Internal Server Error: ${(err as Error).message}` };
      status = spec.error_code;
      body = { ok: false, ...spec };
    }
    call.status = status;
    this.notify();
    sendJson(res, status, body);
  }

  private record(call: Call): void {
    this.calls.push(call);
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.listeners]) check();
  }
}

/**
 * Starts a fake Bot API on 127.0.0.1 with a random port.
 *
 * @example
 * ```ts
 * const api = await startFakeBotApi({ token: '123:abc' });
 * const bot = new Bot(api.token, { botInfo: api.botInfo, client: { apiRoot: api.apiRoot } });
 * ```
 */
export async function startFakeBotApi(opts: FakeBotApiOptions = {}): Promise<FakeBotApi> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return new FakeBotApi(server, opts.token ?? FAKE_BOT_TOKEN);
}
