// The ledger's functions and trigger now come from their living source, infra/db/sql/ledger.sql (its header says
// how a rule is changed). This first application installs exactly what migrations 0001, 0100 and 1105 created, so
// its down has nothing to put back: the definitions before and after it are the same.
import type { MigrationFn } from '../infra/db/migrator.ts';
import { applyLedgerSql } from '../infra/db/sql/ledger-sql.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await applyLedgerSql(sequelize);
};

export const down: MigrationFn = async () => {};
