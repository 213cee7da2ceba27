// Runs pending migrations under a PostgreSQL advisory lock, so that several instances starting at once
// migrate exactly once.
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { createMigrator } from './migrator.ts';

const LOCK_ID = 725_001; // arbitrary, constant: "vidgo migrations"

export async function migrateUp(sequelize: Sequelize, databaseUrl: string, log?: { info(o: object, m: string): void }) {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    return await createMigrator(sequelize, log).up();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    await lock.end();
  }
}
