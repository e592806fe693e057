import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS } from '../../src/receipts/transcriptChain.ts';
import { announceSkip, pgRows, TEST_DATABASE_URL } from '../store/postgres/testDatabase.ts';
import { type FakeBotApi, startFakeBotApi } from '../support/fakeBotApi.ts';
import { chat, killHard, type Replica, replicaCluster, type WireReply, webUser } from './replicasHarness.ts';

announceSkip('kill -9 one of two replicas under load');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What one simulated web user sent and got. */
interface UserLog {
  session: string;
  cookie: string;
  answered: Map<string, WireReply[]>;
  failovers: number;
}

/**
 * A user who keeps talking: each message to the replica of its turn; when the connection fails (that replica
 * died) the same message — same id — goes to the other, as a load balancer's retry would.
 */
async function talk(log: UserLog, replicas: () => Replica[], stop: () => boolean, index: number) {
  const inputs = ['/start', '1', '1', '1', '1', '1', '返回', '返回', '重新开始'];
  for (let i = 0; !stop(); i += 1) {
    const messageId = `u${index}-m${i}`;
    const body = { messageId, text: inputs[i % inputs.length] ?? '1' };
    for (let attempt = 0; ; attempt += 1) {
      const live = replicas();
      const target = live[(i + index + attempt) % live.length] as Replica;
      try {
        const res = await chat(target, log, body);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
        log.answered.set(messageId, res.body.replies);
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        log.failovers += 1;
        await sleep(50);
      }
    }
  }
}

describe.skipIf(!TEST_DATABASE_URL)('kill -9 one replica under load', () => {
  it('the other keeps serving, nothing a client received is lost, the purge and Telegram polling move to it', async () => {
    const fake: FakeBotApi = await startFakeBotApi();
    cleanups.push(() => fake.close());
    const c = await replicaCluster({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
    cleanups.push(() => c.close());
    const a = await c.start('a');
    await a.run.waitForLog((l) => l.job === 'telegram-polling' && l.event === 'acquired', 20_000);
    await a.run.waitForLog((l) => l.job === 'retention-purge' && l.event === 'acquired', 20_000);
    const b = await c.start('b');
    // Only a polls Telegram and runs the purge.
    fake.pushUpdate(fake.textUpdate(1001, '/start'));
    await fake.waitForCalls(
      (call) => call.method === 'sendMessage' && call.params.chat_id === 1001,
      1,
      20_000,
    );
    expect(b.run.stdout()).not.toContain('"event":"acquired"');
    expect(b.run.stdout()).not.toContain('telegram long polling started');

    let live: Replica[] = [a, b];
    let stopping = false;
    const users: UserLog[] = Array.from({ length: 4 }, () => ({
      ...webUser(),
      answered: new Map(),
      failovers: 0,
    }));
    const load = Promise.all(
      users.map((u, i) =>
        talk(
          u,
          () => live,
          () => stopping,
          i,
        ),
      ),
    );

    // A conversation nobody touched for over a year: the purge that moves to b must delete it.
    await pgRows(
      c.url,
      `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
       VALUES ('c_stale', 'web', '{}', 0, $1, now() - interval '400 days', now() - interval '400 days')`,
      [GENESIS],
    );
    await sleep(1_500); // load on both
    const beforeKill = users.reduce((n, u) => n + u.answered.size, 0);
    await killHard(a.run);
    const killedAt = Date.now();
    await sleep(300);
    live = [b]; // the load balancer notices; until then clients fail over by themselves

    const polling = await b.run.waitForLog(
      (l) => l.job === 'telegram-polling' && l.event === 'acquired',
      20_000,
    );
    await b.run.waitForLog((l) => l.job === 'retention-purge' && l.event === 'acquired', 20_000);
    const purged = await b.run.waitForLog((l) => l.msg === 'retention purge', 20_000);
    expect(purged).toMatchObject({ conversations: expect.any(Number) });
    expect(await pgRows(c.url, "SELECT id FROM conversations WHERE id = 'c_stale'")).toEqual([]);
    expect(Number(polling.time) - killedAt).toBeLessThan(15_000);

    fake.pushUpdate(fake.textUpdate(1002, '/start'));
    await fake.waitForCalls(
      (call) => call.method === 'sendMessage' && call.params.chat_id === 1002,
      1,
      20_000,
    );
    await sleep(1_000); // more load on the survivor alone
    stopping = true;
    await load;

    const total = users.reduce((n, u) => n + u.answered.size, 0);
    expect(total).toBeGreaterThan(beforeKill);
    // Some requests did meet the dead replica and went to the survivor instead.
    expect(users.reduce((n, u) => n + u.failovers, 0)).toBeGreaterThan(0);
    for (const u of users) {
      const stored = await c.stored(c.conversationOf(u.session));
      expect(stored.chainOk).toBe(true);
      // Every message a client got an answer to is recorded once, and advanced the conversation once.
      expect(stored.processed).toEqual(new Set(u.answered.keys()));
      expect(stored.ins).toBe(u.answered.size);
      // Every reply the client was shown is in the transcript.
      const said = new Set(stored.outTexts);
      for (const replies of u.answered.values()) for (const r of replies) expect(said.has(r.text)).toBe(true);
    }
    const health = await fetch(`${b.base}healthz`);
    expect(health.status).toBe(200);
  }, 180_000);
});
