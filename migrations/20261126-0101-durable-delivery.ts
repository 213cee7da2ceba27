// Durable delivery of a finished generation. delivery_claimed_at is the claim taken before a push (so one final
// message is sent once whatever crashes); delivered_at now means the platform accepted it, so "ready, not yet
// delivered" can be told apart from "delivered". Rows from before keep delivered_at as it was, claim included.
// The delivery jobs (deliver-<platform> per generation, notify-<platform> per chat and notice key) are unique like
// generate-video, so two instances enqueueing the same delivery keep one job.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE generations ADD COLUMN delivery_claimed_at timestamptz;
    UPDATE generations SET delivery_claimed_at = delivered_at WHERE delivered_at IS NOT NULL;
    CREATE INDEX generations_undelivered ON generations (user_id, completed_at)
      WHERE status = 'succeeded' AND delivered_at IS NULL;
    CREATE UNIQUE INDEX agenda_jobs_delivery ON agenda_jobs (name, (data->>'generationId')) WHERE name LIKE 'deliver-%';
    CREATE UNIQUE INDEX agenda_jobs_notice ON agenda_jobs (name, (data->>'dedupe')) WHERE name LIKE 'notify-%';
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS agenda_jobs_notice;
    DROP INDEX IF EXISTS agenda_jobs_delivery;
    DROP INDEX IF EXISTS generations_undelivered;
    UPDATE generations SET delivered_at = delivery_claimed_at WHERE delivered_at IS NULL AND delivery_claimed_at IS NOT NULL;
    ALTER TABLE generations DROP COLUMN IF EXISTS delivery_claimed_at;
  `);
};
