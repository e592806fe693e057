import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/sqliteStore.ts';
import { storeContract } from '../contract.ts';

storeContract('sqlite (a real file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-contract-'));
  const store = SqliteStore.open(dir);
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
