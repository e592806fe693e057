/**
 * Stored conversations in bulk, for the growth row: a few dozen real conversations are first walked through
 * the engine (random choices from a fixed seed, each to its end and receipt where it gets there), then their
 * rows — state, transcript, receipt, and for the last week's share of them the de-duplication records — are
 * copied under fresh conversation ids, straight into the database file, in random id order like real traffic.
 * Times are spread over the retention period, so the start-up purge keeps them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { App } from '../../src/app.ts';
import { PROCESSED_KEEP_DAYS } from '../../src/app.ts';
import { DB_FILE } from '../../src/store/sqlite/database.ts';

/** Rows of one template conversation, as stored. */
interface Template {
  conversation: Record<string, unknown>;
  transcript: Record<string, unknown>[];
  receipts: Record<string, unknown>[];
  processed: Record<string, unknown>[];
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Walks `count` conversations through `app` with random choices (seeded) and returns their stored rows.
 *
 * @example
 * const templates = await walkTemplates(app, 40);
 */
export async function walkTemplates(app: App, count: number, seed = 14): Promise<Template[]> {
  const random = prng(seed);
  const users: string[] = [];
  for (let c = 0; c < count; c += 1) {
    const user = `template-${c}`;
    users.push(user);
    let reply = (await app.engine.handle({ channel: 'web', userId: user, messageId: 'm0', text: '/start' }))
      .replies;
    for (let m = 1; m < 24; m += 1) {
      const choices = (reply.at(-1)?.choices ?? []).filter((ch) => !ch.id.startsWith('_'));
      if (choices.length === 0 || reply.some((r) => r.receipt)) break;
      const pick = choices[Math.floor(random() * choices.length)];
      reply = (
        await app.engine.handle({
          channel: 'web',
          userId: user,
          messageId: `m${m}`,
          choice: pick?.id ?? '',
          turn: reply.at(-1)?.turn ?? 0,
        })
      ).replies;
    }
  }
  const db = new Database(join(app.config.DATA_DIR, DB_FILE), { readonly: true });
  try {
    return users.map((user) => {
      const id = app.engine.conversationOf('web', user);
      return {
        conversation: db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as Record<
          string,
          unknown
        >,
        transcript: db
          .prepare('SELECT * FROM transcript WHERE conversation_id = ? ORDER BY seq')
          .all(id) as Record<string, unknown>[],
        receipts: db.prepare('SELECT * FROM receipts WHERE conversation_id = ?').all(id) as Record<
          string,
          unknown
        >[],
        processed: db.prepare('SELECT * FROM processed WHERE conversation_id = ?').all(id) as Record<
          string,
          unknown
        >[],
      };
    });
  } finally {
    db.close();
  }
}

/**
 * Adds `count` conversations copied from `templates` to the database in `dataDir` (the server must not be
 * running on it). Conversations were last touched at a random time within `retentionDays` (minus one);
 * those touched within the last week keep their de-duplication records.
 *
 * @example
 * seedConversations(dir, templates, 100_000, 180);
 */
export function seedConversations(
  dataDir: string,
  templates: readonly Template[],
  count: number,
  retentionDays: number,
  seed = 1,
): void {
  const random = prng(seed);
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288'); // 512 MB while loading
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at, touched_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertEntry = db.prepare(
    'INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertReceipt = db.prepare(
    'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertProcessed = db.prepare(
    'INSERT OR IGNORE INTO processed (key, conversation_id, message_id, record) VALUES (?, ?, ?, ?)',
  );
  const now = Date.now();
  const day = 86_400_000;
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i += 1) {
      const t = templates[Math.floor(random() * templates.length)];
      if (!t) continue;
      const id = `c_${randomBytes(16).toString('hex')}`;
      const touched = now - Math.floor(random() * (retentionDays - 1) * day);
      const at = new Date(touched).toISOString();
      const c = t.conversation;
      insertConversation.run(id, c.channel, c.state, c.seq, c.head, at, at, Math.floor(touched / day));
      for (const e of t.transcript) insertEntry.run(id, e.seq, e.at, e.dir, e.text, e.choices, e.hash);
      for (const r of t.receipts)
        insertReceipt.run(
          `R-${randomBytes(6).toString('hex').toUpperCase()}`,
          id,
          r.token_hash,
          r.receipt,
          at,
        );
      if (now - touched < PROCESSED_KEEP_DAYS * day)
        for (const [k, p] of t.processed.entries())
          insertProcessed.run(touched * 1000 + ((i + k) % 1000), id, p.message_id, p.record);
    }
  });
  try {
    for (let done = 0; done < count; done += 10_000) batch(Math.min(10_000, count - done));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
