import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { announceSkip, TEST_DATABASE_URL } from '../store/postgres/testDatabase.ts';
import { WRONGFUL_WITH_FACTS } from '../support/scripts.ts';
import { chat, type Replica, replicaCluster, type WireReply, webUser } from './replicasHarness.ts';

announceSkip('two npm start replicas on one database');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cluster() {
  const c = await replicaCluster();
  cleanups.push(() => c.close());
  return c;
}

describe.skipIf(!TEST_DATABASE_URL)('two replicas on one PostgreSQL database', () => {
  it('one user alternating between them, every message also sent to both at once: one advance per message; a receipt from one verifies on the other', async () => {
    const c = await cluster();
    const a = await c.start('a');
    const b = await c.start('b');
    const user = webUser();
    const script = WRONGFUL_WITH_FACTS.zh;
    let receipt: WireReply['receipt'];
    for (const [i, text] of script.entries()) {
      const first: Replica = i % 2 === 0 ? a : b;
      const body = { messageId: `m${i}`, text };
      // The message goes to both replicas at once (a client retrying through the load balancer).
      const [one, two] = await Promise.all([chat(first, user, body), chat(first === a ? b : a, user, body)]);
      expect([one.status, two.status]).toEqual([200, 200]);
      expect(two.body).toEqual(one.body);
      receipt ??= one.body.replies.find((r) => r.receipt)?.receipt;
    }
    expect(receipt).toBeDefined();

    const stored = await c.stored(c.conversationOf(user.session));
    expect(stored.chainOk).toBe(true);
    expect(stored.ins).toBe(script.length); // each message advanced the conversation once
    expect(stored.processed).toEqual(new Set(script.map((_, i) => `m${i}`)));

    // The receipt's link works on both replicas, and the receipt verifies with either one's public key.
    const link = (r: Replica) => `${r.base}receipts/${receipt?.id}.json?t=${receipt?.token}`;
    const [fromA, fromB] = await Promise.all([fetch(link(a)), fetch(link(b))]);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    const signed = await fromB.json();
    expect(await fromA.json()).toEqual(signed);
    for (const r of [a, b]) {
      const pem = await (await fetch(`${r.base}receipts/public-key`)).text();
      expect(verifyReceipt(signed, publicKeyFromPem(pem))).toMatchObject({ ok: true });
    }
    // Both replicas show the same history.
    const history = async (r: Replica) =>
      (await fetch(`${r.base}api/history`, { headers: { cookie: user.cookie } })).json();
    expect(await history(a)).toEqual(await history(b));
  }, 120_000);

  it('a replica with another salt or key refuses to start (exit 2, saying which); a bad URL too, without its password', async () => {
    const c = await cluster();
    await c.start('a');
    const otherSalt = join(c.dir, 'other-salt');
    writeFileSync(otherSalt, 'a-different-salt-of-more-than-32-bytes\n', { mode: 0o600 });
    const salted = c.launch('b', { SALT_FILE: otherSalt });
    expect((await salted.exited).code).toBe(2);
    expect(salted.stderr()).toMatch(/conversation salt \(.*other-salt\) differs .* Mount the same SALT_FILE/);

    const keyed = c.launch('c', { RECEIPT_KEY_FILE: join(c.dir, 'another-key.pem') });
    expect((await keyed.exited).code).toBe(2);
    expect(keyed.stderr()).toMatch(/receipt signing key .* Mount the same RECEIPT_KEY_FILE/);

    const unreachable = c.launch('d', { DATABASE_URL: 'postgres://cm:s3cret-pw@127.0.0.1:1/cm' });
    expect((await unreachable.exited).code).toBe(2);
    expect(unreachable.stderr()).toMatch(/Cannot reach PostgreSQL for database "cm" on 127\.0\.0\.1:1/);
    expect(unreachable.stderr() + unreachable.stdout()).not.toContain('s3cret-pw');

    const malformed = c.launch('e', { DATABASE_URL: 'mysql://cm:s3cret-pw@db/cm' });
    expect((await malformed.exited).code).toBe(2);
    expect(malformed.stderr()).toMatch(/DATABASE_URL=mysql:\/\/cm:\*\*\*@db\/cm is not valid/);
    expect(malformed.stderr()).not.toContain('s3cret-pw');
  }, 120_000);
});
