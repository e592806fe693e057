/**
 * A small loopback HTTP load generator (keep-alive connections, node:http). Virtual users send the messages
 * of one conversation in order, one at a time; a finished conversation makes way for a new user. The web
 * chat workload speaks `POST /api/chat` the way browsers do (the session cookie from the first reply, its own
 * address in X-Forwarded-For, with TRUST_PROXY=loopback, so the per-client rate limit sees many users); the
 * WeChat workload posts encrypted, signed webhook messages from many open ids (wechatRequests.ts). Two modes:
 * - closed loop ({@link maxThroughput}): `concurrency` users at a time, each sending as soon as it has its
 *   reply — the most the server can do;
 * - open loop ({@link fixedRate}): a new request every 1/rate seconds whether or not earlier ones were
 *   answered, latency counted from when it was due (so a stall is not hidden by sending less).
 */
import { Agent, request } from 'node:http';
import { nowNs, percentile } from './stats.ts';
import { wechatTextRequest } from './wechatRequests.ts';

/** Which API the virtual users speak. */
export type Workload = 'webchat' | 'wechat';

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
}

class VirtualUser {
  cookie: string | undefined;
  step = 0;
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
): { path: string; headers: Record<string, string>; body: string } {
  const text = CONVERSATION[user.step % CONVERSATION.length] ?? '1';
  if (workload === 'wechat') {
    const { query, body } = wechatTextRequest(`o_bench_${user.id}`, text);
    return { path: `/wechat?${query}`, headers: { 'content-type': 'text/xml' }, body };
  }
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

/** Sends the user's next message; resolves when the reply has been read (status, or -1 on a failure). */
function send(agent: Agent, port: number, user: VirtualUser, workload: Workload): Promise<number> {
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
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? -1));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

/** Advances a user; a finished conversation starts a new user (new session, new address). */
function next(user: VirtualUser): VirtualUser {
  user.step += 1;
  return user.step >= CONVERSATION.length ? newUser() : user;
}

/** See {@link LoadResult}; closed loop with `concurrency` users in flight for `seconds`. */
export async function maxThroughput(
  port: number,
  opts: { concurrency: number; seconds: number; workload?: Workload },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const start = nowNs();
  const end = start + opts.seconds * 1e9;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      let user = newUser();
      while (nowNs() < end) {
        const t0 = nowNs();
        const status = await send(agent, port, user, opts.workload ?? 'webchat');
        latencies.push((nowNs() - t0) / 1e6);
        if (status !== 200) errors += 1;
        user = next(user);
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
  };
}

/** See {@link LoadResult}; open loop at `rate` requests per second for `seconds`. */
export async function fixedRate(
  port: number,
  opts: { rate: number; seconds: number; workload?: Workload },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
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
      send(agent, port, user, opts.workload ?? 'webchat').then((status) => {
        latencies.push((nowNs() - due) / 1e6);
        if (status !== 200) errors += 1;
        const after = next(user);
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
  };
}
