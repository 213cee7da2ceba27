// Agenda's job table (the schema @agendajs/postgres-backend would create itself, created here so the house rule
// "tables only through migrations" holds; the backend runs with ensureSchema: false on the app database),
// plus maintenance_runs, which makes calendar jobs (monthly reset) run once per period whatever Agenda does.
import type { MigrationFn } from '../infra/db/migrator.ts';
import { getCreateIndexesSQL, getCreateTableSQL, getUpdateTimestampTriggerSQL } from '@agendajs/postgres-backend';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(getCreateTableSQL('agenda_jobs'));
  for (const sql of getCreateIndexesSQL('agenda_jobs')) await sequelize.query(sql);
  await sequelize.query(getUpdateTimestampTriggerSQL('agenda_jobs'));
  await sequelize.query(`
    -- One generate-video job per generation, even when two instances enqueue at once.
    CREATE UNIQUE INDEX agenda_jobs_generation ON agenda_jobs ((data->>'generationId')) WHERE name = 'generate-video';

    CREATE TABLE maintenance_runs (
      task varchar(64) NOT NULL,
      period varchar(32) NOT NULL,                 -- e.g. '2026-12' for the monthly reset
      claimed_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      result integer,
      PRIMARY KEY (task, period)
    );
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS maintenance_runs;
    DROP TABLE IF EXISTS agenda_jobs CASCADE;
    DROP FUNCTION IF EXISTS update_agenda_jobs_updated_at();
  `);
};
