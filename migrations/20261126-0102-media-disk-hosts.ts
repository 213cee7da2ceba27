// Which machines keep media on their own disk (no S3) while sharing this database: a second machine doing so would
// send users links to files only the first one has, so start-up refuses it (infra/media/disk-hosts.ts).
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    CREATE TABLE media_disk_hosts (
      hostname varchar(255) PRIMARY KEY,
      media_dir text NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now()
    );
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query('DROP TABLE IF EXISTS media_disk_hosts');
};
