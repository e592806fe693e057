// Loaded into a CancelMate process with NODE_OPTIONS=--import=<this file> by the fault tests, on machines
// where a real full or read-only disk cannot be mounted (no root): while DATA_DIR holds a file named
// `.inject-sqlite-fault`, every COMMIT of a transaction that wrote fails with the SQLite error code written
// in that file (e.g. SQLITE_FULL) — where SQLite itself reports a full disk in WAL mode, after the
// transaction's statements ran — so better-sqlite3 rolls the whole transaction back. Reads (and the COMMIT
// of a read-only transaction) go on. Removing the file ends the fault.
// Test-only: nothing in src/ knows of it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const Database = require('better-sqlite3');
const marker = join(process.env.DATA_DIR ?? '.', '.inject-sqlite-fault');
const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
probe.close();
const run = Statement.run;
const ENDS = /^(COMMIT|ROLLBACK)/;
let wrote = false;
Statement.run = function injectedRun(...args) {
  const source = this.source;
  if (ENDS.test(source)) {
    const wasWriting = wrote;
    wrote = false;
    if (source === 'COMMIT' && wasWriting && existsSync(marker)) {
      const code = readFileSync(marker, 'utf8').trim() || 'SQLITE_FULL';
      throw new Database.SqliteError(`injected fault: ${code}`, code);
    }
  } else if (!this.reader && !source.startsWith('BEGIN')) wrote = true;
  return run.apply(this, args);
};
