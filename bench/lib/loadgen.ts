/**
 * A small loopback HTTP load generator (keep-alive connections, node:http). Virtual users send the messages
 * of one conversation in order, one at a time; a finished conversation makes way for a new user. The web
 * chat workload speaks `POST /api/chat` the way browsers do (the session cookie from the first reply, its own
 * address in X-Forwarded-For, with TRUST_PROXY=loopback, so the per-client rate limit sees many users); the
 * WeChat workload posts encrypted, signed webhook messages from many open ids, built before the measurement
 * (wechatRequests.ts), and counts as an error any answer that is not an encrypted reply (a `success` means the
 * server could not answer in time). Two modes:
 * - closed loop ({@link maxThroughput}): `concurrency` users at a time, each sending as soon as it has its
 *   reply — the most the server can do;
 * - open loop ({@link fixedRate}): a new request every 1/rate seconds whether or not earlier ones were
 *   answered, latency counted from when it was due (so a stall is not hidden by sending less).
 */
import { Agent, request } from 'node:http';
import { nowNs, percentile } from './stats.ts';
import type { PrebuiltRequest, WechatConversations } from './wechatRequests.ts';

/**
 * Which API the virtual users speak: the web chat, or WeChat with conversations taken from a pool built ahead.
 *
 * @example
 * const workload: Workload = { wechat: new WechatConversations(CONVERSATION) };
 */
export type Workload = 'webchat' | { wechat: WechatConversations };

/** The messages of one conversation (a user's first message has no cookie yet). */
export const CONVERSATION = ['/start', '1', '1', '1', '1', '1', '成功了'] as const;

/**
 * What one load run found.
 *
 * @example
 * const r: LoadResult = await maxThroughput(port, { concurrency: 16, seconds: 3 });
 * r.perSecond; // answered requests per second
 */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

class VirtualUser {
  cookie: string | undefined;
  step = 0;
  /** WeChat: this user's conversation, built ahead. */
  requests: readonly PrebuiltRequest[] | undefined;
  readonly address: string;
  constructor(readonly id: number) {
    this.address = `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`;
  }
}

let userCount = 0;
function newUser(): VirtualUser {
  userCount += 1;
  return new VirtualUser(userCount);
}

/** The request for the user's next message. */
function requestFor(
  workload: Workload,
  user: VirtualUser,
): { path: string; headers: Record<string, string>; body: string | Buffer } {
  if (workload !== 'webchat') {
    user.requests ??= workload.wechat.take();
    const built = user.requests[user.step];
    if (!built) throw new Error(`loadgen: no pre-built message ${user.step} for this user`);
    return { path: built.path, headers: { 'content-type': 'text/xml' }, body: built.body };
  }
  const text = CONVERSATION[user.step % CONVERSATION.length] ?? '1';
  const body = JSON.stringify({
    text,
    messageId: `m${user.id}-${user.step}-${Math.random().toString(36).slice(2, 10)}`,
  });
  return {
    path: '/api/chat',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': user.address,
      ...(user.cookie ? { cookie: user.cookie } : {}),
    },
    body,
  };
}

/** A WeChat answer that is a sealed reply (not `success`, not empty): the server really answered. */
const SEALED = '<xml><Encrypt>';

/** Sends the user's next message; resolves when the reply has been read: whether it was an answer. */
function send(agent: Agent, port: number, user: VirtualUser, workload: Workload): Promise<boolean> {
  const { path, headers, body } = requestFor(workload, user);
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const set = res.headers['set-cookie']?.[0];
        if (set) user.cookie = set.split(';')[0];
        const ok = res.statusCode === 200;
        if (workload === 'webchat') {
          res.resume();
          res.on('end', () => resolve(ok));
        } else {
          let head = '';
          res.setEncoding('latin1');
          res.on('data', (chunk: string) => {
            if (head.length < SEALED.length) head += chunk;
          });
          res.on('end', () => resolve(ok && head.startsWith(SEALED)));
        }
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** Advances a user; a finished conversation starts a new user (new session, new address, new openid). */
function next(user: VirtualUser, workload: Workload): VirtualUser {
  user.step += 1;
  const length = workload === 'webchat' ? CONVERSATION.length : workload.wechat.messages.length;
  return user.step >= length ? newUser() : user;
}

/** See {@link LoadResult}; closed loop with `concurrency` users in flight for `seconds`. */
export async function maxThroughput(
  port: number,
  opts: { concurrency: number; seconds: number; workload?: Workload },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const workload = opts.workload ?? 'webchat';
  const latencies: number[] = [];
  let errors = 0;
  const start = nowNs();
  const end = start + opts.seconds * 1e9;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      let user = newUser();
      while (nowNs() < end) {
        const t0 = nowNs();
        const ok = await send(agent, port, user, workload);
        latencies.push((nowNs() - t0) / 1e6);
        if (!ok) errors += 1;
        user = next(user, workload);
      }
    }),
  );
  const seconds = (nowNs() - start) / 1e9;
  agent.destroy();
  return {
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1),
  };
}

/** See {@link LoadResult}; open loop at `rate` requests per second for `seconds`. */
export async function fixedRate(
  port: number,
  opts: { rate: number; seconds: number; workload?: Workload },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const workload = opts.workload ?? 'webchat';
  const idle: VirtualUser[] = [];
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(opts.rate * opts.seconds);
  const intervalNs = 1e9 / opts.rate;
  const start = nowNs();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + i * intervalNs;
    let wait = due - nowNs();
    while (wait > 1e6) {
      await new Promise((r) => setTimeout(r, Math.floor(wait / 1e6)));
      wait = due - nowNs();
    }
    while (nowNs() < due) await new Promise((r) => setImmediate(r));
    const user = idle.pop() ?? newUser();
    pending.push(
      send(agent, port, user, workload).then((ok) => {
        latencies.push((nowNs() - due) / 1e6);
        if (!ok) errors += 1;
        const after = next(user, workload);
        idle.push(after);
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (nowNs() - start) / 1e9;
  agent.destroy();
  return {
    requests: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1),
  };
}
