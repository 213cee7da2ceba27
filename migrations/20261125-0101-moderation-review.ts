// Moderation, part 2: why a ban was lifted, and an index for the admins' list of flagged (blocked) prompts.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE bans ADD COLUMN lift_reason text;
    CREATE INDEX moderation_events_flagged ON moderation_events(created_at DESC) WHERE verdict = 'blocked';
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS moderation_events_flagged;
    ALTER TABLE bans DROP COLUMN IF EXISTS lift_reason;
  `);
};
