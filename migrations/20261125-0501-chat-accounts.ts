// Chat side of accounts: whether the user picked a language with /lang (else the platform's is used), and an
// outbox for chat messages a platform refused for quota (LINE push 429), delivered with the user's next reply.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE users ADD COLUMN locale_chosen boolean NOT NULL DEFAULT false;

    CREATE TABLE chat_outbox (
      id bigserial PRIMARY KEY,
      platform varchar(16) NOT NULL,
      chat_id varchar(128) NOT NULL,
      messages jsonb NOT NULL,                 -- already rendered platform messages, in order
      idempotency_key varchar(200) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    );
    CREATE INDEX chat_outbox_pending ON chat_outbox(platform, chat_id, id) WHERE delivered_at IS NULL;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS chat_outbox;
    ALTER TABLE users DROP COLUMN IF EXISTS locale_chosen;
  `);
};
