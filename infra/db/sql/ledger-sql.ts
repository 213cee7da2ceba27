// Applies infra/db/sql/ledger.sql, the living source of the ledger's PL/pgSQL functions, for the migrations that
// install or change them. The file is read at run time beside this module (the build copies it into dist/).
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sequelize } from 'sequelize';

export const LEDGER_SQL_FILE = fileURLToPath(new URL('./ledger.sql', import.meta.url));

export function readLedgerSql(): Promise<string> {
  return fs.readFile(LEDGER_SQL_FILE, 'utf8');
}

/**
 * Creates or replaces every ledger function and trigger, in one transaction. Bodies are not checked against the
 * schema here (as pg_dump restores them): an early migration applies today's file, whose bodies may name columns
 * that a later migration adds.
 */
export async function applyLedgerSql(sequelize: Sequelize): Promise<void> {
  const sql = await readLedgerSql();
  await sequelize.transaction(async (transaction) => {
    await sequelize.query('SET LOCAL check_function_bodies = off', { transaction });
    await sequelize.query(sql, { transaction });
  });
}
