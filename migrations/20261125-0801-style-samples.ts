// Style samples: each showcase style gets one short clip rendered by the local renderer and kept in the media
// store. sample_key is the media key (its public URL is made per request, so presigned S3 URLs stay fresh);
// sample_claimed_at lets exactly one instance render a missing sample (a stale claim, after a crash, is retaken).
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE showcase_styles ADD COLUMN sample_key varchar(300);
    ALTER TABLE showcase_styles ADD COLUMN sample_claimed_at timestamptz;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE showcase_styles DROP COLUMN IF EXISTS sample_claimed_at;
    ALTER TABLE showcase_styles DROP COLUMN IF EXISTS sample_key;
  `);
};
