// Billing fulfilment bookkeeping: what points an order grants (decided once, inside the paying transaction),
// which period a subscription's allowance was already given for, invoice numbers, and the style showcase.
import type { MigrationFn } from '../infra/db/migrator.ts';

const STYLES = [
  ['anime', 'Anime', 1], ['ghibli', 'Watercolor Ghibli', 2], ['pixar', '3D Cartoon', 3],
  ['cyberpunk', 'Cyberpunk Neon', 4], ['clay', 'Claymation', 5], ['sketch', 'Pencil Sketch', 6],
] as const;

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    -- Points granted by a paid order: {"monthly_pollo": 50, …}; credited after commit with order-keyed
    -- idempotency keys, so a crash between commit and credit heals on the next callback.
    ALTER TABLE orders ADD COLUMN grants jsonb;
    -- The period ("2026-11") whose monthly allowance the purchase itself gave; monthlyReset skips it.
    ALTER TABLE subscriptions ADD COLUMN points_period varchar(7);
    CREATE INDEX subscriptions_external ON subscriptions(external_id) WHERE external_id IS NOT NULL;
    CREATE SEQUENCE invoice_number_seq;

    CREATE TABLE showcase_styles (
      id varchar(32) PRIMARY KEY,
      name varchar(100) NOT NULL,
      goenhance_model integer NOT NULL,
      sample_url varchar(500),
      sort_order integer NOT NULL DEFAULT 0
    );
  `);
  for (const [id, name, model] of STYLES) {
    await sequelize.query(
      'INSERT INTO showcase_styles (id, name, goenhance_model, sample_url, sort_order) VALUES (?, ?, ?, NULL, ?)',
      { replacements: [id, name, model, model] },
    );
  }
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS showcase_styles;
    DROP SEQUENCE IF EXISTS invoice_number_seq;
    DROP INDEX IF EXISTS subscriptions_external;
    ALTER TABLE subscriptions DROP COLUMN IF EXISTS points_period;
    ALTER TABLE orders DROP COLUMN IF EXISTS grants;
  `);
};
