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
  {
    version: 5,
    name: 'a probe row: /healthz writes it to learn whether the disk takes writes again after a fault',
    sql: `CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`,
  },
  {
    version: 6,
    name: 'fewer pages written per message: append-order transcript and processed tables, a day index for retention',
    // Measured (bench/README.md): a message wrote 11.7 pages to the WAL, mostly page splits from inserting
    // large rows at random places in the transcript and processed trees, and the retention index moving on
    // every message. Rows now go in at the end of their table (full pages), found through small indexes; the
    // retention index holds the day a conversation was last touched, so it changes once a day; the
    // transcript keeps each hash as 32 bytes and no copy of the previous entry's hash (the row before has it).
    sql: `
      ALTER TABLE conversations ADD COLUMN touched_day INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations SET touched_day = CAST(strftime('%s', updated_at) AS INTEGER) / 86400;
      DROP INDEX conversations_updated;
      CREATE INDEX conversations_touched ON conversations(touched_day);

      CREATE TABLE transcript_new (
        id INTEGER PRIMARY KEY,         -- append order
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        dir TEXT NOT NULL CHECK (dir IN ('in', 'out')),
        text TEXT NOT NULL,
        choices TEXT,                   -- JSON array of labels offered, for the guide's messages
        hash BLOB NOT NULL,             -- SHA-256 over the entry and the hash of the entry before it
        flow TEXT                       -- flow version that answered (guide entries; hashed when present)
      );
      INSERT INTO transcript_new (conversation_id, seq, at, dir, text, choices, hash, flow)
        SELECT conversation_id, seq, at, dir, text, choices, unhex(hash), flow FROM transcript
        ORDER BY conversation_id, seq;
      DROP TABLE transcript;
      ALTER TABLE transcript_new RENAME TO transcript;
      CREATE UNIQUE INDEX transcript_entry ON transcript(conversation_id, seq);

      CREATE TABLE processed_new (
        key INTEGER PRIMARY KEY,        -- milliseconds of the time handled x 1000 + a counter: age is a key range
        conversation_id TEXT NOT NULL,  -- salted hash, never the raw id
        message_id TEXT NOT NULL,
        record TEXT NOT NULL            -- JSON: what a redelivery needs to answer the same (no tokens, no files)
      );
      INSERT INTO processed_new (key, conversation_id, message_id, record)
        SELECT (CAST(strftime('%s', at) AS INTEGER) * 1000 + CAST(substr(at, 21, 3) AS INTEGER)) * 1000
               + (row_number() OVER (PARTITION BY at ORDER BY conversation_id, message_id) - 1),
               conversation_id, message_id, record
        FROM processed;
      DROP TABLE processed;
      ALTER TABLE processed_new RENAME TO processed;
      CREATE UNIQUE INDEX processed_message ON processed(conversation_id, message_id);
    `,
  },
  {
    version: 7,
    name: 'reminders: a message a channel sends on a day the user asked for',
    // The address (a Telegram chat id) is personal data: the row goes once the reminder is sent, with "forget
    // me" (cascade from the conversation) and with the retention purge. One reminder per conversation and day.
    sql: `
      CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,          -- the channel that sends it
        address TEXT NOT NULL,          -- where that channel sends it (Telegram: the chat id)
        day TEXT NOT NULL,              -- YYYY-MM-DD, the day the user asked for
        due_at TEXT NOT NULL,           -- ISO time it is due (that morning in TIME_ZONE)
        lang TEXT NOT NULL,
        text TEXT NOT NULL,             -- the message, in the user's language
        created_at TEXT NOT NULL,
        UNIQUE (conversation_id, day)
      );
      CREATE INDEX reminders_due ON reminders(channel, due_at);
    `,
  },
  {
    version: 8,
    name: 'channel memos: what a channel keeps about a conversation between messages, shared by replicas',
    // WeChat keeps the unread pages of a long reply, its letters, replies that missed the deadline and the
    // texts given per message id (for Tencent's retries). It goes with the conversation ("forget me", the
    // retention purge: ON DELETE CASCADE); the engine never lets a receipt link token into it.
    sql: `
      CREATE TABLE channel_memos (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        memo TEXT NOT NULL,             -- the channel's JSON, opaque to the store
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
