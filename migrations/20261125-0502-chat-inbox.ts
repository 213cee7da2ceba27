// The chat webhook inbox: processed_events (the dedupe table) also keeps each chat event it accepted, so an
// event answered 200 and then lost (handler failed, process died) is handled again by resumePending. Rows other
// writers insert (payment callbacks) default to 'done' and are never resumed. `response` is the answer core gave
// for the event: a re-handled event is delivered that saved answer instead of running its command again.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE processed_events
      ADD COLUMN payload jsonb,
      ADD COLUMN status varchar(8) NOT NULL DEFAULT 'done' CHECK (status IN ('received', 'done', 'failed')),
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN response jsonb,
      ADD COLUMN last_error text;
    CREATE INDEX processed_events_received ON processed_events(updated_at) WHERE status = 'received';
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS processed_events_received;
    ALTER TABLE processed_events DROP COLUMN IF EXISTS payload, DROP COLUMN IF EXISTS status, DROP COLUMN IF EXISTS attempts,
      DROP COLUMN IF EXISTS updated_at, DROP COLUMN IF EXISTS response, DROP COLUMN IF EXISTS last_error;
  `);
};
