// Result actions: a generation made by pressing a button under another video (retry, variation, extend, style,
// upscale) names that video as its parent and the action, so the gallery can show the family. The buttons carry
// only an opaque id (result_actions), which stands for (video, action[, style]) and is checked against the presser
// on every press; the seed a retry or variation sent the provider is kept beside the generation.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE generations
      ADD COLUMN parent_id uuid REFERENCES generations(id) ON DELETE SET NULL,
      ADD COLUMN action varchar(16) CHECK (action IN ('retry','variation','extend','style','upscale')),
      ADD COLUMN seed bigint CHECK (seed >= 0),
      ADD CONSTRAINT generations_action_has_parent CHECK ((action IS NULL) = (parent_id IS NULL));
    CREATE INDEX generations_parent_idx ON generations (parent_id) WHERE parent_id IS NOT NULL;
    CREATE TABLE result_actions (
      id varchar(24) PRIMARY KEY,
      generation_id uuid NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      action varchar(16) NOT NULL CHECK (action IN ('retry','variation','extend','style','upscale')),
      style varchar(64) NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (generation_id, action, style)
    );
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS result_actions;
    DROP INDEX IF EXISTS generations_parent_idx;
    ALTER TABLE generations DROP CONSTRAINT IF EXISTS generations_action_has_parent;
    ALTER TABLE generations DROP COLUMN IF EXISTS seed, DROP COLUMN IF EXISTS action, DROP COLUMN IF EXISTS parent_id;
  `);
};
