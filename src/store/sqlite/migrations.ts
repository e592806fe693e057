/**
 * Numbered schema migrations, applied in order at start inside one transaction each. Never edit a
 * migration that has shipped: add the next number.
 *
 * @example
 * { version: 3, name: 'reminders', sql: 'CREATE TABLE reminders (…)' }
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations, transcript, processed messages',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,            -- salted hash of channel and user id, never the raw id
        channel TEXT NOT NULL,
        state TEXT NOT NULL,            -- JSON: flow state, context, language, history
        seq INTEGER NOT NULL DEFAULT 0, -- last transcript sequence number
        head TEXT NOT NULL,             -- hash of the last transcript entry
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX conversations_updated ON conversations(updated_at);
      CREATE TABLE transcript (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        dir TEXT NOT NULL CHECK (dir IN ('in', 'out')),
        text TEXT NOT NULL,
        choices TEXT,                   -- JSON array of labels offered, for the guide's messages
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE processed (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        replies TEXT NOT NULL,          -- JSON Reply[] given the first time
        at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, message_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'receipts',
    sql: `
      CREATE TABLE receipts (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,       -- SHA-256 of the secret link token handed to the user
        receipt TEXT NOT NULL,          -- the signed receipt, JSON
        created_at TEXT NOT NULL
      );
      CREATE INDEX receipts_conversation ON receipts(conversation_id);
      CREATE INDEX processed_at ON processed(at);
    `,
  },
  {
    version: 3,
    name: 'de-duplication records without secrets; they outlive a deleted conversation',
    // The old rows held whole replies: receipt link tokens and the receipt / export files. They are only
    // needed while a message may still be redelivered (hours), so they are dropped rather than rewritten.
    // No foreign key: the record of the message that asked "forget me" stays (as a tombstone with the same
    // answer) after everything else about the conversation is gone.
    sql: `
      DELETE FROM processed;
      DROP TABLE processed;
      CREATE TABLE processed (
        conversation_id TEXT NOT NULL,  -- salted hash, never the raw id
        message_id TEXT NOT NULL,
        record TEXT NOT NULL,           -- JSON: what a redelivery needs to answer the same (no tokens, no files)
        at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX processed_at ON processed(at);
    `,
  },
  {
    version: 4,
    name: 'the flow version on each guide reply; aggregate counters for flows report',
    // The transcript's new column is NULL for every entry written before it (their hashes do not cover it).
    // stats holds counts per kind, key and month only: no conversation id, so it outlives "forget me".
    sql: `
      ALTER TABLE transcript ADD COLUMN flow TEXT;   -- flow version that answered (guide entries)
      CREATE TABLE stats (
        kind TEXT NOT NULL,             -- e.g. outcome, unknown-platform
        key TEXT NOT NULL,              -- ids such as iqiyi:app:blocked:grey; never free text but a capped name
        month TEXT NOT NULL,            -- YYYY-MM
        count INTEGER NOT NULL,
        PRIMARY KEY (kind, key, month)
      ) WITHOUT ROWID;
    `,
  },
];
