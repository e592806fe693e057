import { describe } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import { storeContract } from '../contract.ts';
import { announceSkip, createTestDatabase, TEST_DATABASE_URL } from './testDatabase.ts';

announceSkip('the storage contract against PostgreSQL');

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL', () => {
  storeContract('postgres (a real server, a database per test)', async () => {
    const db = await createTestDatabase();
    const store = await PostgresStore.open(db.url);
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });
});
