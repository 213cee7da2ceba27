// A style from a prompt runs in two stages in one generation: the base clip made by a free video provider is kept
// here (its media keys and who made it) once stage 1 is stored, so a resumed run goes straight to the style stage
// and a failed style stage can still deliver it.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`ALTER TABLE generations ADD COLUMN base_clip jsonb;`);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`ALTER TABLE generations DROP COLUMN IF EXISTS base_clip;`);
};
