// Photo to video: a generation may start from a photo the user sent ('image' kind, the photo's private media key
// and size in source_image); each received photo is recorded in chat_photos so it is deleted after the retention
// whether or not a video was made from it. Plans price image-to-video as data (features.image_video_points: the
// seed has no such cost, so each charged feature costs what the text video of the same resolution costs).
import type { MigrationFn } from '../infra/db/migrator.ts';

const KINDS_BEFORE = `'video','style','upscale','demo'`;
const SAME_AS_TEXT = { leonardo_1080p: 10, pollo_basic: 5, pollo_4k: 15 };

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`ALTER TABLE generations DROP CONSTRAINT IF EXISTS generations_kind_check;`);
  await sequelize.query(`ALTER TABLE generations ADD CONSTRAINT generations_kind_check CHECK (kind IN (${KINDS_BEFORE},'image'));`);
  await sequelize.query(`ALTER TABLE generations ADD COLUMN source_image jsonb;`);
  await sequelize.query(`
    CREATE TABLE chat_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      media_key text NOT NULL UNIQUE,
      width integer NOT NULL,
      height integer NOT NULL,
      size_bytes integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );`);
  await sequelize.query(`CREATE INDEX chat_photos_open_by_age ON chat_photos (created_at) WHERE deleted_at IS NULL;`);
  await sequelize.query(`UPDATE plans SET features = features || jsonb_build_object('image_video_points', :costs::jsonb)`,
    { replacements: { costs: JSON.stringify(SAME_AS_TEXT) } });
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`UPDATE plans SET features = features - 'image_video_points'`);
  await sequelize.query(`DROP TABLE IF EXISTS chat_photos;`);
  await sequelize.query(`ALTER TABLE generations DROP COLUMN IF EXISTS source_image;`);
  // Rows made from photos stay, as the plain videos they are to the schema before this one.
  await sequelize.query(`UPDATE generations SET kind = 'video' WHERE kind = 'image';`);
  await sequelize.query(`ALTER TABLE generations DROP CONSTRAINT IF EXISTS generations_kind_check;`);
  await sequelize.query(`ALTER TABLE generations ADD CONSTRAINT generations_kind_check CHECK (kind IN (${KINDS_BEFORE}));`);
};
