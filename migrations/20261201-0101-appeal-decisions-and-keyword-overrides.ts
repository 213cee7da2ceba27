// Appeals are approved or rejected (the old 'overturned' / 'upheld' named the refusal, not the appeal), and the
// prompts an admin let past the keyword filter by approving an appeal. moderation_events.source may now be
// 'gemini+keyword' (both refused): varchar(16) holds it.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE moderation_events DROP CONSTRAINT IF EXISTS moderation_events_appeal_status_check;
    UPDATE moderation_events SET appeal_status = CASE appeal_status WHEN 'overturned' THEN 'approved' WHEN 'upheld' THEN 'rejected' ELSE appeal_status END;
    ALTER TABLE moderation_events ADD CONSTRAINT moderation_events_appeal_status_check
      CHECK (appeal_status IN ('none','pending','approved','rejected'));
    CREATE TABLE moderation_overrides (
      text_key char(64) PRIMARY KEY,
      text text NOT NULL,
      event_id uuid REFERENCES moderation_events(id),
      created_by varchar(128) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS moderation_overrides;
    ALTER TABLE moderation_events DROP CONSTRAINT IF EXISTS moderation_events_appeal_status_check;
    UPDATE moderation_events SET appeal_status = CASE appeal_status WHEN 'approved' THEN 'overturned' WHEN 'rejected' THEN 'upheld' ELSE appeal_status END;
    ALTER TABLE moderation_events ADD CONSTRAINT moderation_events_appeal_status_check
      CHECK (appeal_status IN ('none','pending','upheld','overturned'));
  `);
};
