import { readConfig } from '../config';
import { createDb } from './connection';
import { migrateToLatest } from './migrate';

// Entry point of `npm run migrate`.
async function main(): Promise<void> {
  const config = readConfig();
  const db = createDb(config.databaseUrl, 1);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check that DATABASE_URL points at a running PostgreSQL (npm start runs an embedded one).');
  process.exit(1);
});
