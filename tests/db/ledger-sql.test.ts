// infra/db/sql/ledger.sql is what the database runs: after the migrations every ledger function and trigger is
// exactly the one the file defines (no drift, no stale overload), and the migrations that apply it are reversible.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { createMigrator } from '../../infra/db/migrator.ts';
import { applyLedgerSql, LEDGER_SQL_FILE } from '../../infra/db/sql/ledger-sql.ts';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

const source = fs.readFileSync(LEDGER_SQL_FILE, 'utf8');
const FUNCTIONS = [...source.matchAll(/^CREATE OR REPLACE FUNCTION (\w+)\(/gm)].map((m) => m[1]!).sort();
const TRIGGERS = [...source.matchAll(/^CREATE OR REPLACE TRIGGER (\w+)\s/gm)].map((m) => m[1]!).sort();

/** Every ledger function (by signature) and trigger with its definition as PostgreSQL prints it back. */
async function definitions(sequelize: Sequelize): Promise<Record<string, string>> {
  const rows = await sequelize.query<{ name: string; def: string }>(
    `SELECT p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS def
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.proname IN (:functions)
     UNION ALL
     SELECT 'trigger ' || t.tgname, pg_get_triggerdef(t.oid)
       FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgname IN (:triggers)
     ORDER BY 1`,
    { replacements: { functions: FUNCTIONS, triggers: TRIGGERS }, type: QueryTypes.SELECT },
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.def]));
}

/** The migrations that apply ledger.sql, in order. */
const ledgerMigrations = () =>
  fs
    .readdirSync(MIGRATIONS_DIR)
    .filter(
      (f) => f.endsWith('.ts') && fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8').includes('applyLedgerSql('),
    )
    .sort();

let migrated: TestDb;
let tablesOnly: TestDb;
let live: Record<string, string>;

beforeAll(async () => {
  [migrated, tablesOnly] = await Promise.all([createTestDatabase({ poolMax: 2 }), createTestDatabase({ poolMax: 2 })]);
  live = await definitions(migrated.sequelize);
  // The same schema with every ledger function (and with them the trigger) removed, then ledger.sql alone.
  const names = await tablesOnly.sequelize.query<{ sig: string }>(
    `SELECT p.oid::regprocedure::text AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.proname IN (:functions)`,
    { replacements: { functions: FUNCTIONS }, type: QueryTypes.SELECT },
  );
  for (const { sig } of names) await tablesOnly.sequelize.query(`DROP FUNCTION ${sig} CASCADE`);
  expect(await definitions(tablesOnly.sequelize)).toEqual({});
  await applyLedgerSql(tablesOnly.sequelize);
});
afterAll(async () => {
  await Promise.all([migrated?.drop(), tablesOnly?.drop()]);
});

describe('infra/db/sql/ledger.sql', () => {
  it('defines the ledger functions and the append-only trigger', () => {
    expect(FUNCTIONS).toEqual(
      expect.arrayContaining(['ledger_credit', 'ledger_reserve_batch', 'ledger_commit', 'ledger_release']),
    );
    expect(FUNCTIONS).toContain('point_ledger_append_only');
    expect(TRIGGERS).toEqual(['point_ledger_no_update']);
    expect(new Set(FUNCTIONS).size).toBe(FUNCTIONS.length);
  });

  it('is what the migrated database runs, one signature per function, and nothing ledger-like besides', async () => {
    const names = Object.keys(live);
    expect(names.filter((n) => !n.startsWith('trigger ')).map((n) => n.slice(0, n.indexOf('(')))).toEqual(FUNCTIONS);
    expect(names.filter((n) => n.startsWith('trigger ')).map((n) => n.slice('trigger '.length))).toEqual(TRIGGERS);
    const strays = await migrated.sequelize.query<{ proname: string }>(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND (p.proname LIKE 'ledger\\_%' OR p.proname LIKE 'point\\_%')
          AND NOT p.proname IN (:functions)`,
      { replacements: { functions: FUNCTIONS }, type: QueryTypes.SELECT },
    );
    expect(strays).toEqual([]);
  });

  it('after the migrations, every definition equals the one ledger.sql makes on a database with only the tables', async () => {
    expect(live).toEqual(await definitions(tablesOnly.sequelize));
  });

  it('compiles against the final schema', async () => {
    const rows = await migrated.sequelize.query<{ sig: string }>(
      `SELECT p.oid::regprocedure::text AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proname IN (:functions)`,
      { replacements: { functions: FUNCTIONS }, type: QueryTypes.SELECT },
    );
    for (const { sig } of rows) {
      // check_function_bodies is on (the default) here, so the validator resolves the declared row types.
      await migrated.sequelize.query(`SELECT plpgsql_validator('${sig}'::regprocedure::oid)`);
    }
    expect(rows).toHaveLength(FUNCTIONS.length);
  });

  it('is idempotent: applying it again changes nothing', async () => {
    await applyLedgerSql(migrated.sequelize);
    expect(await definitions(migrated.sequelize)).toEqual(live);
  });

  it('is applied by a reversible migration: down keeps every function, up again restores the same definitions', async () => {
    const latest = ledgerMigrations().at(-1);
    expect(latest).toBeDefined();
    const migrator = createMigrator(migrated.sequelize);
    await migrator.down({ to: latest! });
    expect((await migrator.executed()).map((m) => m.name)).not.toContain(latest);
    const before = await definitions(migrated.sequelize);
    expect(Object.keys(before)).toEqual(Object.keys(live));
    await migrator.up();
    expect(await definitions(migrated.sequelize)).toEqual(live);
    await migrated.sequelize.query(
      `WITH u AS (INSERT INTO users DEFAULT VALUES RETURNING id)
       INSERT INTO point_ledger (user_id, bucket, amount, reason, idempotency_key) SELECT id, 'purchased', 5, 'grant', 'k1' FROM u`,
    );
    await expect(migrated.sequelize.query(`DELETE FROM point_ledger`)).rejects.toThrow(/append-only/);
  });
});
