import { expect, it } from 'vitest';
import type { StorePort } from '../../src/store/port.ts';

/**
 * The channel memo's part of the storage contract (run inside {@link storeContract}'s describe, on both
 * stores): a JSON text per conversation that lives and dies with the conversation.
 *
 * @example
 * memoContract(withStore); // inside describe(`store contract: ${name}`, …)
 */
export function memoContract(withStore: (fn: (store: StorePort) => Promise<void>) => Promise<void>): void {
  const t0 = new Date('2026-11-25T01:00:00.000Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  it('keeps a channel memo per conversation: written, replaced, read back, deleted', () =>
    withStore(async (store) => {
      expect(await store.transact('c_m', (tx) => tx.memo())).toBeUndefined();
      await store.transact('c_m', (tx) => {
        tx.save('wechat', '{}', t0);
        tx.setMemo('{"v":1,"pages":["第 2 页"]}', t0);
        // Visible to later reads in the same transaction.
        expect(tx.memo()).toBe('{"v":1,"pages":["第 2 页"]}');
      });
      await store.transact('c_other', (tx) => tx.save('wechat', '{}', t0));
      expect(await store.read('c_m', (tx) => tx.memo())).toBe('{"v":1,"pages":["第 2 页"]}');
      expect(await store.read('c_other', (tx) => tx.memo())).toBeUndefined();
      await store.transact('c_m', (tx) => tx.setMemo('{"v":1}', at(1)));
      expect(await store.transact('c_m', (tx) => tx.memo())).toBe('{"v":1}');
      await store.transact('c_m', (tx) => tx.setMemo(undefined, at(2)));
      expect(await store.read('c_m', (tx) => tx.memo())).toBeUndefined();
      // The conversation itself is untouched by its memo.
      expect(await store.read('c_m', (tx) => tx.load())).toBe('{}');
    }));

  it('refuses a memo for a conversation that does not exist, and writes nothing', () =>
    withStore(async (store) => {
      await expect(store.transact('c_none', (tx) => tx.setMemo('{}', t0))).rejects.toThrow(/not been saved/);
      expect(await store.read('c_none', (tx) => tx.memo())).toBeUndefined();
      expect(await store.read('c_none', (tx) => tx.load())).toBeUndefined();
    }));

  it('a memo written in a transaction that fails is not kept', () =>
    withStore(async (store) => {
      await store.transact('c_m', (tx) => {
        tx.save('wechat', '{}', t0);
        tx.setMemo('"before"', t0);
      });
      await expect(
        store.transact('c_m', (tx) => {
          tx.setMemo('"after"', at(1));
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      expect(await store.read('c_m', (tx) => tx.memo())).toBe('"before"');
    }));

  it('"forget me" deletes the memo with the conversation; a new conversation starts without one', () =>
    withStore(async (store) => {
      await store.transact('c_m', (tx) => {
        tx.save('wechat', '{}', t0);
        tx.setMemo('{"letters":["致 某某卡盟"]}', t0);
      });
      await store.transact('c_keep', (tx) => {
        tx.save('wechat', '{}', t0);
        tx.setMemo('"kept"', t0);
      });
      const seen = await store.transact('c_m', (tx) => {
        tx.forget('m9', '{}', at(1));
        return tx.memo();
      });
      expect(seen).toBeUndefined();
      expect(await store.read('c_m', (tx) => tx.memo())).toBeUndefined();
      await store.transact('c_m', (tx) => tx.save('wechat', '{}', at(2)));
      expect(await store.read('c_m', (tx) => tx.memo())).toBeUndefined();
      expect(await store.read('c_keep', (tx) => tx.memo())).toBe('"kept"');
    }));

  it('the retention purge deletes the memo of a purged conversation only', () =>
    withStore(async (store) => {
      const day = (n: number) => new Date(t0.getTime() + n * 86_400_000);
      await store.transact('c_old', (tx) => {
        tx.save('wechat', '{}', t0);
        tx.setMemo('"old"', t0);
      });
      await store.transact('c_new', (tx) => {
        tx.save('wechat', '{}', day(100));
        tx.setMemo('"new"', day(100));
      });
      expect((await store.purge(day(90), day(90))).conversations).toBe(1);
      expect(await store.read('c_old', (tx) => tx.memo())).toBeUndefined();
      expect(await store.read('c_new', (tx) => tx.memo())).toBe('"new"');
      // The memo alone does not keep a conversation: writing it does not count as touching it.
      await store.transact('c_new', (tx) => tx.setMemo('"newer"', day(300)));
      expect((await store.purge(day(200), day(200))).conversations).toBe(1);
      expect(await store.read('c_new', (tx) => tx.memo())).toBeUndefined();
    }));
}
