// ECPay periodic card payments (定期定額): an order remembers whether it asked for monthly auto-renewal, which
// subscription a renewal extends (orders.subscription_id set before payment), and which period's monthly allowance
// its payment gave. One-off ECPay subscriptions bought before this were never renewed by ECPay: auto_renew false.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    ALTER TABLE orders ADD COLUMN auto_renew boolean NOT NULL DEFAULT false;
    ALTER TABLE orders ADD COLUMN allowance_period varchar(7);
    -- A renewal charged by the provider: the first order it renews (its subscription is in subscription_id).
    ALTER TABLE orders ADD COLUMN renews_order varchar(20);
    UPDATE subscriptions SET auto_renew = false WHERE provider = 'ecpay';
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    UPDATE subscriptions SET auto_renew = true WHERE provider = 'ecpay';
    ALTER TABLE orders DROP COLUMN IF EXISTS renews_order;
    ALTER TABLE orders DROP COLUMN IF EXISTS allowance_period;
    ALTER TABLE orders DROP COLUMN IF EXISTS auto_renew;
  `);
};
