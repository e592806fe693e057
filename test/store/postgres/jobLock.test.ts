import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { soleInstance } from '../../../src/store/jobLock.ts';
import { type JobEvent, postgresJobLock } from '../../../src/store/postgres/jobLock.ts';
import { jobLockKey } from '../../../src/store/postgres/lockKeys.ts';
import { announceSkip, createTestDatabase, pgRows, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('the job lock across replicas');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A replica's view of one job: is it running here, and what the lock said. */
function replica(url: string, name: string) {
  const events: JobEvent[] = [];
  const jobs = postgresJobLock(url, (e) => events.push(e), 50);
  cleanups.push(() => jobs.close());
  let running = false;
  const join = () =>
    jobs.whenLeader(name, async () => {
      running = true;
      return async () => {
        running = false;
      };
    });
  return { jobs, events, join, running: () => running };
}

async function until(test: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('soleInstance (SQLite: one process)', () => {
  it('runs a job at once, passes on a failing start, and stops jobs on close', async () => {
    const jobs = soleInstance();
    expect(jobs.shared).toBe(false);
    let running = 0;
    const job = await jobs.whenLeader('a', async () => {
      running += 1;
      return async () => {
        running -= 1;
      };
    });
    expect(running).toBe(1);
    await expect(
      jobs.whenLeader('b', async () => {
        throw new Error('no network');
      }),
    ).rejects.toThrow('no network');
    await job.stop();
    await job.stop();
    expect(running).toBe(0);
    await jobs.whenLeader('c', async () => {
      running += 1;
      return async () => {
        running -= 1;
      };
    });
    await jobs.close();
    expect(running).toBe(0);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('postgresJobLock (several replicas)', () => {
  async function database(): Promise<string> {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return db.url;
  }

  it('one replica runs the job; when it stops, another takes over', async () => {
    const url = await database();
    const a = replica(url, 'purge');
    const b = replica(url, 'purge');
    await a.join();
    await b.join();
    expect([a.running(), b.running()]).toEqual([true, false]);
    await sleep(200); // several polls: b keeps trying and keeps failing
    expect(b.running()).toBe(false);
    await a.jobs.close();
    expect(a.events.map((e) => e.event)).toEqual(['acquired', 'released']);
    await until(() => b.running(), 'b runs the job');
    expect(b.events).toEqual([{ job: 'purge', event: 'acquired' }]);
  });

  it('a replica whose connection dies stops the job at once; another takes over', async () => {
    const url = await database();
    const a = replica(url, 'polling');
    const b = replica(url, 'polling');
    await a.join();
    await b.join();
    expect(a.running()).toBe(true);
    const [key1, key2] = jobLockKey('polling');
    // What a crash, a restart of the database or a cut network does to the holder's session.
    await pgRows(
      url,
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND classid::int = $1 AND objid::int = $2 AND objsubid = 2`,
      [key1, key2],
    );
    await until(() => a.events.some((e) => e.event === 'lost'), 'a hears it lost the job');
    // Whoever polls first takes it over (a reconnects and competes too); never both.
    await until(() => a.running() !== b.running(), 'one replica runs the job', 10_000);
    for (let i = 0; i < 10; i += 1) {
      await sleep(30);
      expect(Number(a.running()) + Number(b.running())).toBe(1);
    }
  });

  it('a job whose start fails gives the lock back and is tried again', async () => {
    const url = await database();
    const events: JobEvent[] = [];
    const jobs = postgresJobLock(url, (e) => events.push(e), 50);
    cleanups.push(() => jobs.close());
    let tries = 0;
    await jobs.whenLeader('flaky', async () => {
      tries += 1;
      if (tries < 3) throw new Error('Telegram is unreachable');
      return async () => {};
    });
    await until(() => tries >= 3, 'the third try');
    await until(() => events.some((e) => e.event === 'acquired'), 'it runs');
    expect(events.filter((e) => e.event === 'start-failed')).toHaveLength(2);
    expect(events.find((e) => e.event === 'start-failed')?.error).toBe('Telegram is unreachable');
  });
});
