import { FileMigrationProvider, Kysely, Migrator } from 'kysely';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** migrateToLatest applies every dated migration under src/db/migrations that has not run yet. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(__dirname, 'migrations') }),
    // Work lands from several hands in a day, each with its own dated migration; a database migrated
    // between two landings must still take the one whose name sorts earlier, not refuse to start.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
