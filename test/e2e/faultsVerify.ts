import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { publicKeyFromPem } from '../../src/receipts/keys.ts';
import { type TranscriptEntry, verifyChain } from '../../src/receipts/transcriptChain.ts';
import { verifyReceipt } from '../../src/receipts/verify.ts';
import { conversationId, loadOrCreateSalt } from '../../src/store/identity.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import { storedText, type WebChatUser } from '../support/webClient.ts';

/**
 * What a data directory holds for each web user after faults, checked against what the users were told,
 * with the server stopped: the chain of every conversation, every stored receipt's signature and chain,
 * SQLite's own integrity check, and — per user — that every answered message is in the transcript once,
 * in order, followed by exactly the replies the user received, and that no message was handled twice.
 * Returns the problems found (none: an empty list) and counts for the test to assert on.
 *
 * @example
 * const { problems, receipts } = await verifyDataDir(dataDir, users);
 * expect(problems).toEqual([]);
 */
export async function verifyDataDir(
  dataDir: string,
  users: readonly WebChatUser[],
): Promise<{ problems: string[]; receipts: number; messages: number }> {
  const problems: string[] = [];
  const integrity = new Database(join(dataDir, DB_FILE), { readonly: true });
  const ok = integrity.pragma('integrity_check', { simple: true });
  integrity.close();
  if (ok !== 'ok') problems.push(`integrity_check: ${String(ok)}`);
  const salt = loadOrCreateSalt(dataDir);
  const key = publicKeyFromPem(readFileSync(join(dataDir, 'receipt-key.pub.pem'), 'utf8'));
  const store = SqliteStore.open(dataDir);
  let receipts = 0;
  let messages = 0;
  try {
    for (const user of users) {
      if (!user.sessionId) continue;
      const id = conversationId(salt, 'web', user.sessionId);
      const { entries, stored, processed } = await store.read(id, (tx) => ({
        entries: tx.transcript(),
        stored: tx.receipts(),
        processed: user.sent.filter((m) => m.replies).length,
      }));
      const chain = verifyChain(entries);
      if (!chain.ok) problems.push(`${user.name}: chain breaks at ${chain.seq}: ${chain.reason}`);
      for (const r of stored) {
        receipts += 1;
        const check = verifyReceipt(JSON.parse(r.json), key);
        if (!check.ok) problems.push(`${user.name}: receipt ${r.id} does not verify: ${check.failure}`);
      }
      problems.push(...compare(user, entries));
      messages += processed;
    }
  } finally {
    await store.close();
  }
  return { problems, receipts, messages };
}

/** The user's answered messages against the transcript: each once, in order, with its replies after it. */
function compare(user: WebChatUser, entries: TranscriptEntry[]): string[] {
  const turns: { text: string; out: string[] }[] = [];
  for (const e of entries)
    if (e.dir === 'in') turns.push({ text: e.text, out: [] });
    else turns.at(-1)?.out.push(e.text);
  const answered = user.sent.filter((m) => m.replies);
  const problems: string[] = [];
  if (turns.length !== answered.length)
    problems.push(
      `${user.name}: ${answered.length} messages answered but ${turns.length} in the transcript (each must be handled exactly once)`,
    );
  answered.forEach((m, i) => {
    const turn = turns[i];
    if (!turn) return;
    if (turn.text !== m.text)
      problems.push(`${user.name} #${i + 1}: transcript has "${turn.text}", user sent "${m.text}"`);
    const told = (m.replies ?? []).map(storedText);
    if (JSON.stringify(turn.out) !== JSON.stringify(told))
      problems.push(`${user.name} #${i + 1} (${m.messageId}): the replies received are not the transcript's`);
  });
  return problems;
}
