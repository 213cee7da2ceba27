// One generation per chat event: the dispatcher's requestKey ("<platform>:<event id>") is stored unique, so a
// webhook handled again after a crash finds its generation instead of creating (and charging) a second one.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE generations ADD COLUMN request_key varchar(200);
    CREATE UNIQUE INDEX generations_request_key ON generations(request_key) WHERE request_key IS NOT NULL;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS generations_request_key;
    ALTER TABLE generations DROP COLUMN request_key;
  `);
};
