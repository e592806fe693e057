import { describe, expect, it } from 'vitest';
import { GENESIS, verifyChain } from '../../src/receipts/transcriptChain.ts';
import type { StoredReminder, StorePort } from '../../src/store/port.ts';
import { memoContract } from './memoContract.ts';

/**
 * The storage contract: what every store behind the port must do, run against each adapter (SQLite here,
 * PostgreSQL where a server is available) with the same expectations.
 *
 * @example
 * storeContract('sqlite', async () => ({ store: SqliteStore.open(dir), cleanup: async () => rmSync(dir) }));
 */
export function storeContract(
  name: string,
  open: () => Promise<{ store: StorePort; cleanup(): Promise<void> }>,
): void {
  const t0 = new Date('2026-11-25T01:00:00.000Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  async function withStore(fn: (store: StorePort) => Promise<void>): Promise<void> {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  }

  describe(`store contract: ${name}`, () => {
    it('saves and loads state as opaque text, creating the conversation on first save', () =>
      withStore(async (store) => {
        expect(await store.transact('c_a', (tx) => tx.load())).toBeUndefined();
        await store.transact('c_a', (tx) => tx.save('web', '{"state":"welcome"}', t0));
        expect(await store.transact('c_a', (tx) => tx.load())).toBe('{"state":"welcome"}');
        await store.transact('c_a', (tx) => tx.save('web', '{"state":"platform"}', at(1)));
        expect(await store.read('c_a', (tx) => tx.load())).toBe('{"state":"platform"}');
        expect(await store.read('c_b', (tx) => tx.load())).toBeUndefined();
      }));

    it('chains transcript entries across transactions, numbered from 1', () =>
      withStore(async (store) => {
        const first = await store.transact('c_a', (tx) => {
          tx.save('web', '{}', t0);
          return tx.append([
            { at: t0.toISOString(), dir: 'in', text: '取消会员' },
            { at: t0.toISOString(), dir: 'out', text: '好的', choices: ['a', 'b'] },
          ]);
        });
        expect(first.map((e) => e.seq)).toEqual([1, 2]);
        expect(first[0]?.prev).toBe(GENESIS);
        const more = await store.transact('c_a', (tx) =>
          tx.append([{ at: at(1).toISOString(), dir: 'in', text: '1' }]),
        );
        expect(more[0]).toMatchObject({ seq: 3, prev: first[1]?.hash });
        const all = await store.read('c_a', (tx) => tx.transcript());
        expect(all).toEqual([...first, ...more]);
        expect(all[1]?.choices).toEqual(['a', 'b']);
        expect(verifyChain(all).ok).toBe(true);
      }));

    it('keeps the flow version of a transcript entry, and entries without one as they were', () =>
      withStore(async (store) => {
        const written = await store.transact('c_a', (tx) => {
          tx.save('web', '{}', t0);
          return tx.append([
            { at: t0.toISOString(), dir: 'in', text: '1' },
            { at: t0.toISOString(), dir: 'out', text: '好的', choices: ['a'], flow: '2026.11.25+3f2a9c1d' },
          ]);
        });
        const all = await store.read('c_a', (tx) => tx.transcript());
        expect(all).toEqual(written);
        expect(all[1]?.flow).toBe('2026.11.25+3f2a9c1d');
        expect('flow' in (all[0] ?? {})).toBe(false);
        expect(verifyChain(all).ok).toBe(true);
      }));

    it('refuses to append before the conversation is saved', () =>
      withStore(async (store) => {
        await expect(
          store.transact('c_new', (tx) => tx.append([{ at: t0.toISOString(), dir: 'in', text: 'x' }])),
        ).rejects.toThrow();
      }));

    it('commits nothing when the work throws', () =>
      withStore(async (store) => {
        await store.transact('c_a', (tx) => tx.save('web', 'v1', t0));
        await expect(
          store.transact('c_a', (tx) => {
            tx.save('web', 'v2', at(1));
            tx.append([{ at: t0.toISOString(), dir: 'in', text: 'lost' }]);
            tx.markProcessed('m1', 'r', at(1));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.read('c_a', (tx) => [tx.load(), tx.transcript().length])).toEqual(['v1', 0]);
        expect(await store.transact('c_a', (tx) => tx.processed('m1'))).toBeUndefined();
      }));

    it('remembers processed message ids per conversation, once', () =>
      withStore(async (store) => {
        await store.transact('c_a', (tx) => {
          tx.save('web', '{}', t0);
          tx.markProcessed('m1', '{"v":1}', t0);
        });
        expect(await store.transact('c_a', (tx) => tx.processed('m1'))).toBe('{"v":1}');
        expect(await store.transact('c_b', (tx) => tx.processed('m1'))).toBeUndefined();
        await expect(store.transact('c_a', (tx) => tx.markProcessed('m1', 'again', t0))).rejects.toThrow();
      }));

    it('stores receipts with their token hash and finds them by id', () =>
      withStore(async (store) => {
        await store.transact('c_a', (tx) => {
          tx.save('web', '{}', t0);
          tx.insertReceipt({ id: 'R-1', tokenHash: 'h1', json: '{"r":1}', createdAt: t0.toISOString() });
          tx.insertReceipt({ id: 'R-2', tokenHash: 'h2', json: '{"r":2}', createdAt: at(1).toISOString() });
        });
        expect((await store.read('c_a', (tx) => tx.receipts())).map((r) => r.id)).toEqual(['R-1', 'R-2']);
        expect(await store.receipt('R-2')).toEqual({
          id: 'R-2',
          conversationId: 'c_a',
          tokenHash: 'h2',
          json: '{"r":2}',
          createdAt: at(1).toISOString(),
        });
        expect(await store.receipt('R-3')).toBeUndefined();
      }));

    it('forgets everything about one conversation but a tombstone for the asking message', () =>
      withStore(async (store) => {
        for (const c of ['c_a', 'c_b'])
          await store.transact(c, (tx) => {
            tx.save('web', `{"who":"${c}"}`, t0);
            tx.append([{ at: t0.toISOString(), dir: 'in', text: `hello from ${c}` }]);
            tx.markProcessed('m1', 'r1', t0);
            tx.insertReceipt({ id: `R-${c}`, tokenHash: 'h', json: '{}', createdAt: t0.toISOString() });
          });
        await store.transact('c_a', (tx) => tx.forget('m9', '{"deleted":true}', at(1)));
        expect(
          await store.transact('c_a', (tx) => [
            tx.load(),
            tx.transcript(),
            tx.receipts(),
            tx.processed('m1'),
            tx.processed('m9'),
          ]),
        ).toEqual([undefined, [], [], undefined, '{"deleted":true}']);
        expect(await store.receipt('R-c_a')).toBeUndefined();
        expect(await store.read('c_b', (tx) => tx.transcript().length)).toBe(1);
        expect(await store.receipt('R-c_b')).toBeDefined();
        // A conversation can start again after being forgotten.
        await store.transact('c_a', (tx) => tx.save('web', '{"again":true}', at(2)));
        expect(await store.read('c_a', (tx) => tx.load())).toBe('{"again":true}');
      }));

    it('purges conversations untouched since the cutoff, and old processed records', () =>
      withStore(async (store) => {
        await store.transact('c_old', (tx) => {
          tx.save('web', '{}', t0);
          tx.append([{ at: t0.toISOString(), dir: 'in', text: 'old' }]);
          tx.markProcessed('m1', 'r', t0);
          tx.insertReceipt({ id: 'R-old', tokenHash: 'h', json: '{}', createdAt: t0.toISOString() });
        });
        await store.transact('c_new', (tx) => {
          tx.save('web', '{}', at(100));
          tx.markProcessed('m1', 'r', at(100));
          tx.markProcessed('m2', 'r', at(1));
        });
        expect(await store.purge(at(50), at(10))).toEqual({ conversations: 1, processed: 2 });
        expect(await store.read('c_old', (tx) => [tx.load(), tx.transcript().length])).toEqual([
          undefined,
          0,
        ]);
        expect(await store.receipt('R-old')).toBeUndefined();
        expect(await store.transact('c_new', (tx) => [tx.processed('m1'), tx.processed('m2')])).toEqual([
          'r',
          undefined,
        ]);
        expect(await store.purge(at(50), at(10))).toEqual({ conversations: 0, processed: 0 });
      }));

    it('keeps aggregate counters: added with the message, rolled back with it, kept after forget and purge', () =>
      withStore(async (store) => {
        const blocked = { kind: 'outcome', key: 'iqiyi:app:blocked:grey', month: '2026-11' };
        await store.transact('c_a', (tx) => {
          tx.save('web', '{}', t0);
          tx.increment(blocked);
          tx.increment(blocked);
          tx.increment({ kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-10' }, 3);
          tx.increment({ kind: 'unknown-platform', key: '星星卡盟', month: '2026-11' });
        });
        await expect(
          store.transact('c_b', (tx) => {
            tx.increment(blocked);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.stats()).toEqual([
          { kind: 'outcome', key: 'iqiyi:app:blocked:grey', month: '2026-11', count: 2 },
          { kind: 'outcome', key: 'iqiyi:app:worked', month: '2026-10', count: 3 },
          { kind: 'unknown-platform', key: '星星卡盟', month: '2026-11', count: 1 },
        ]);
        expect(await store.stats({ kind: 'outcome', sinceMonth: '2026-11' })).toEqual([
          { ...blocked, count: 2 },
        ]);
        expect(await store.stats({ kind: 'nothing' })).toEqual([]);
        await store.transact('c_a', (tx) => tx.forget('m9', '{}', at(1)));
        await store.purge(at(100), at(100));
        expect((await store.stats()).map((r) => r.count)).toEqual([2, 3, 1]);
      }));

    const reminder = (id: string, day: string, over: Partial<StoredReminder> = {}) => ({
      id,
      channel: 'telegram',
      address: '424242',
      day,
      dueAt: `${day}T01:00:00.000Z`,
      lang: 'zh-CN',
      text: `提醒 ${day}`,
      createdAt: t0.toISOString(),
      ...over,
    });

    it('keeps reminders per conversation, one per day (a second for a day replaces the first, keeping its id)', () =>
      withStore(async (store) => {
        const listed = await store.transact('c_a', (tx) => {
          tx.save('telegram', '{}', t0);
          tx.addReminder(reminder('m-2', '2026-12-24'));
          tx.addReminder(reminder('m-1', '2026-12-20'));
          return tx.reminders().map((r) => r.id);
        });
        expect(listed).toEqual(['m-1', 'm-2']);
        await store.transact('c_a', (tx) =>
          tx.addReminder(reminder('m-3', '2026-12-24', { address: '555', text: 'new words', lang: 'en' })),
        );
        expect(await store.transact('c_a', (tx) => tx.reminders())).toEqual([
          { ...reminder('m-1', '2026-12-20'), conversationId: 'c_a' },
          {
            ...reminder('m-2', '2026-12-24', { address: '555', text: 'new words', lang: 'en' }),
            conversationId: 'c_a',
          },
        ]);
        expect(await store.transact('c_b', (tx) => tx.reminders())).toEqual([]);
      }));

    it('adds a reminder in the transaction that creates the conversation, and none when the work throws', () =>
      withStore(async (store) => {
        await expect(
          store.transact('c_a', (tx) => {
            tx.save('telegram', '{}', t0);
            tx.addReminder(reminder('m-1', '2026-12-24'));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.dueReminders('telegram', new Date('2027-01-01T00:00:00Z'))).toEqual([]);
        await store.transact('c_a', (tx) => {
          tx.save('telegram', '{}', t0);
          tx.addReminder(reminder('m-1', '2026-12-24'));
        });
        expect(
          (await store.dueReminders('telegram', new Date('2027-01-01T00:00:00Z'))).map((r) => r.id),
        ).toEqual(['m-1']);
      }));

    it('gives the reminders due on a channel, oldest first, up to a limit; deletes one by id', () =>
      withStore(async (store) => {
        await store.transact('c_a', (tx) => {
          tx.save('telegram', '{}', t0);
          tx.addReminder(reminder('m-a2', '2026-12-24'));
          tx.addReminder(reminder('m-a1', '2026-12-20'));
          tx.addReminder(reminder('m-a3', '2027-01-05'));
        });
        await store.transact('c_b', (tx) => {
          tx.save('wechat', '{}', t0);
          tx.addReminder(reminder('m-b1', '2026-12-01', { channel: 'wechat' }));
        });
        const at = new Date('2026-12-24T01:00:00.000Z');
        expect(await store.dueReminders('telegram', new Date('2026-12-20T00:59:59.999Z'))).toEqual([]);
        expect(await store.dueReminders('telegram', at)).toEqual([
          { ...reminder('m-a1', '2026-12-20'), conversationId: 'c_a' },
          { ...reminder('m-a2', '2026-12-24'), conversationId: 'c_a' },
        ]);
        expect((await store.dueReminders('telegram', at, 1)).map((r) => r.id)).toEqual(['m-a1']);
        expect((await store.dueReminders('wechat', at)).map((r) => r.id)).toEqual(['m-b1']);
        expect(await store.deleteReminder('m-a1')).toBe(true);
        expect(await store.deleteReminder('m-a1')).toBe(false);
        expect((await store.dueReminders('telegram', at)).map((r) => r.id)).toEqual(['m-a2']);
        expect((await store.read('c_a', (tx) => tx.transcript())).length).toBe(0);
        expect(await store.transact('c_a', (tx) => tx.reminders().map((r) => r.id))).toEqual([
          'm-a2',
          'm-a3',
        ]);
      }));

    it('forgets a conversation’s reminders with it, and only its own', () =>
      withStore(async (store) => {
        for (const c of ['c_a', 'c_b'])
          await store.transact(c, (tx) => {
            tx.save('telegram', '{}', t0);
            tx.addReminder(reminder(`m-${c}`, '2026-12-24'));
          });
        await store.transact('c_a', (tx) => tx.forget('m9', '{}', at(1)));
        expect(await store.transact('c_a', (tx) => tx.reminders())).toEqual([]);
        expect(
          (await store.dueReminders('telegram', new Date('2027-01-01T00:00:00Z'))).map((r) => r.id),
        ).toEqual(['m-c_b']);
      }));

    it('purges a conversation with a reminder still to come only after the reminder, and drops one never sent', () =>
      withStore(async (store) => {
        const day = (n: number) => new Date(t0.getTime() + n * 86_400_000);
        // Untouched since t0; a reminder on day 200 keeps it until the retention cutoff passes day 200.
        await store.transact('c_waiting', (tx) => {
          tx.save('telegram', '{}', t0);
          tx.append([{ at: t0.toISOString(), dir: 'in', text: 'x' }]);
          tx.addReminder(reminder('m-w', '2027-06-13', { dueAt: day(200).toISOString() }));
        });
        await store.transact('c_plain', (tx) => tx.save('web', '{}', t0));
        expect(await store.purge(day(180), day(180))).toEqual({ conversations: 1, processed: 0 });
        expect(await store.read('c_waiting', (tx) => tx.transcript().length)).toBe(1);
        expect(await store.read('c_plain', (tx) => tx.load())).toBeUndefined();
        // Never sent (its channel was switched off, say) and the cutoff is past its time: it goes, and with
        // it the conversation.
        expect(await store.purge(day(201), day(201))).toEqual({ conversations: 1, processed: 0 });
        expect(await store.dueReminders('telegram', day(400))).toEqual([]);
        expect(await store.read('c_waiting', (tx) => tx.load())).toBeUndefined();
      }));

    it('runs transactions on one conversation one at a time', () =>
      withStore(async (store) => {
        await store.transact('c_a', (tx) => tx.save('web', '0', t0));
        const bump = () =>
          store.transact('c_a', (tx) => {
            const n = Number(tx.load());
            tx.save('web', String(n + 1), t0);
            tx.append([{ at: t0.toISOString(), dir: 'in', text: String(n) }]);
          });
        await Promise.all(Array.from({ length: 20 }, bump));
        expect(await store.read('c_a', (tx) => tx.load())).toBe('20');
        expect(verifyChain(await store.read('c_a', (tx) => tx.transcript())).ok).toBe(true);
      }));

    memoContract(withStore);

    it('answers ping while open and rejects after close', async () => {
      const { store, cleanup } = await open();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
      await store.close(); // twice is fine
      await cleanup();
    });
  });
}
