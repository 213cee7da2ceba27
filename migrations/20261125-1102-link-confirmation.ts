// /link asks the code's issuer before anything merges: a code remembers the chat identity that asked for it, and
// the account that used it and when, until the issuer confirms (the merge) or refuses (the code is spent).
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE link_codes ADD COLUMN issuer_identity_id uuid REFERENCES chat_identities(id) ON DELETE SET NULL;
    ALTER TABLE link_codes ADD COLUMN claimed_by uuid REFERENCES users(id);
    ALTER TABLE link_codes ADD COLUMN claimed_identity_id uuid REFERENCES chat_identities(id) ON DELETE SET NULL;
    ALTER TABLE link_codes ADD COLUMN claimed_at timestamptz;
    ALTER TABLE link_codes ADD COLUMN refused_at timestamptz;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE link_codes DROP COLUMN IF EXISTS refused_at;
    ALTER TABLE link_codes DROP COLUMN IF EXISTS claimed_at;
    ALTER TABLE link_codes DROP COLUMN IF EXISTS claimed_identity_id;
    ALTER TABLE link_codes DROP COLUMN IF EXISTS claimed_by;
    ALTER TABLE link_codes DROP COLUMN IF EXISTS issuer_identity_id;
  `);
};
