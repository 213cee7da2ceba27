// Columns the generation runner needs to resume after a crash and to charge, refund and deliver exactly once.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE generations
      ADD COLUMN route jsonb NOT NULL DEFAULT '[]',          -- the planned candidate steps, in order
      ADD COLUMN step_index integer NOT NULL DEFAULT 0,      -- which step the run is on
      ADD COLUMN consent varchar(8) CHECK (consent IN ('points','wait')),
      ADD COLUMN charge_split jsonb,                         -- buckets the committed points came from
      ADD COLUMN priority varchar(8) NOT NULL DEFAULT 'normal',
      ADD COLUMN cancel_requested_at timestamptz,
      ADD COLUMN deadline_at timestamptz,                    -- settleStuck fails and refunds past this
      ADD COLUMN refunded_at timestamptz,                    -- admin refund claimed once
      ADD COLUMN demo_slug varchar(32);
    CREATE INDEX generations_deadline ON generations(deadline_at)
      WHERE status NOT IN ('succeeded','failed','canceled','refused');
    CREATE INDEX generations_provider_done ON generations(provider, completed_at DESC) WHERE status = 'succeeded';
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS generations_deadline;
    DROP INDEX IF EXISTS generations_provider_done;
    ALTER TABLE generations
      DROP COLUMN route, DROP COLUMN step_index, DROP COLUMN consent, DROP COLUMN charge_split,
      DROP COLUMN priority, DROP COLUMN cancel_requested_at, DROP COLUMN deadline_at,
      DROP COLUMN refunded_at, DROP COLUMN demo_slug;
  `);
};
