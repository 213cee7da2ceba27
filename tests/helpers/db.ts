// Each test file gets its own fresh database on the real PostgreSQL server (TEST_DATABASE_URL, default the
// local server's `postgres` database as the admin connection), migrated to the latest schema, dropped after.
import crypto from 'node:crypto';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../infra/db/sequelize.ts';
import { migrateUp } from '../../infra/db/migrate.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  url: string;
  name: string;
  sequelize: Sequelize;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createEmptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `vidgo_t_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(ADMIN_URL, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated database with its own Sequelize pool. Call drop() in afterAll. */
export async function createTestDatabase(opts: { poolMax?: number } = {}): Promise<TestDb> {
  const empty = await createEmptyDatabase();
  const sequelize = createSequelize(empty.url, { poolMax: opts.poolMax ?? 10 });
  await migrateUp(sequelize, empty.url);
  return {
    ...empty,
    sequelize,
    async drop() {
      await sequelize.close().catch(() => {});
      await empty.drop();
    },
  };
}
