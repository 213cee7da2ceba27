// Provider-side renewal schedules, refunds and chargebacks, and the two ledger moves they need.
// - payment_schedules: what charges the customer by itself (an ECPay periodic order, keyed by the MerchantTradeNo
//   of its first payment; a Paddle subscription, keyed by its sub_ id). A user has at most one active schedule; a
//   schedule to stop is marked 'stopping' in the paying transaction and stopped at the provider afterwards
//   (retried hourly until the provider confirms), so a crash in between never leaves a schedule charging.
// - order_revocations: one row per refund or chargeback (provider adjustment id), with what was taken back.
// - ledger_clawback: takes points back with a reversing entry, never below zero; the decision (wanted, taken) is
//   kept in point_clawbacks under its key, so a replay takes nothing more and the shortfall stays recorded.
// - ledger_start_plan: a plan starts (first purchase or a change): leftover monthly points expire, the new plan's
//   allowance is credited, once per key (the order), and the balance's period becomes this one.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    CREATE TABLE payment_schedules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      provider varchar(16) NOT NULL CHECK (provider IN ('ecpay','paddle')),
      ref varchar(128) NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id),
      subscription_id uuid NOT NULL REFERENCES subscriptions(id),
      first_order varchar(20) NOT NULL,
      status varchar(12) NOT NULL DEFAULT 'active' CHECK (status IN ('active','stopping','stopped','ended')),
      stop_reason varchar(12) CHECK (stop_reason IN ('replaced','user','refund','chargeback','stale')),
      -- A user's cancellation keeps the paid period (Paddle: effective_from next_billing_period).
      stop_at_period_end boolean NOT NULL DEFAULT false,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      stopped_at timestamptz,
      UNIQUE (provider, ref)
    );
    CREATE INDEX payment_schedules_user ON payment_schedules(user_id, status);
    CREATE INDEX payment_schedules_stopping ON payment_schedules(updated_at) WHERE status = 'stopping';
    -- Schedules already running: ECPay periodic orders (the first order of an active, auto-renewing subscription)
    -- and Paddle subscriptions linked to one (external_id sub_…), so they can be stopped and renewed through.
    INSERT INTO payment_schedules (provider, ref, user_id, subscription_id, first_order)
      SELECT DISTINCT ON (s.id) 'ecpay', o.order_number, o.user_id, s.id, o.order_number
        FROM orders o JOIN subscriptions s ON s.id = o.subscription_id
       WHERE o.payment_method = 'ecpay' AND o.kind = 'plan' AND o.auto_renew AND o.renews_order IS NULL AND o.status = 'paid'
         AND s.status = 'active' AND s.auto_renew
       ORDER BY s.id, o.paid_at DESC
      ON CONFLICT DO NOTHING;
    INSERT INTO payment_schedules (provider, ref, user_id, subscription_id, first_order)
      SELECT DISTINCT ON (s.id) 'paddle', s.external_id, o.user_id, s.id, o.order_number
        FROM subscriptions s JOIN orders o ON o.subscription_id = s.id AND o.payment_method = 'paddle' AND o.renews_order IS NULL AND o.status = 'paid'
       WHERE s.provider = 'paddle' AND s.external_id LIKE 'sub\_%' AND s.status = 'active' AND s.auto_renew
       ORDER BY s.id, o.paid_at
      ON CONFLICT DO NOTHING;

    CREATE TABLE order_revocations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id),
      user_id uuid NOT NULL REFERENCES users(id),
      provider varchar(16) NOT NULL,
      external_id varchar(128) NOT NULL,
      kind varchar(12) NOT NULL CHECK (kind IN ('refund','chargeback')),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      full_revocation boolean NOT NULL,
      -- Points to take back per bucket (decided in the revoking transaction) and, afterwards, what was taken.
      clawback jsonb NOT NULL DEFAULT '{}',
      taken jsonb,
      subscription_end timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (provider, external_id)
    );
    CREATE INDEX order_revocations_order ON order_revocations(order_id);

    ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;
    ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending','paid','failed','canceled','refunded'));
    -- What the accepted payment came to, tax included (a partial refund takes back the same share of the points).
    ALTER TABLE orders ADD COLUMN paid_minor integer;

    CREATE TABLE point_clawbacks (
      idempotency_key text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      bucket varchar(20) NOT NULL CHECK (bucket IN ('monthly_pollo','monthly_goenhance','purchased')),
      wanted integer NOT NULL CHECK (wanted > 0),
      taken integer NOT NULL CHECK (taken >= 0 AND taken <= wanted),
      reason varchar(32) NOT NULL,
      reference text,
      created_at timestamptz NOT NULL
    );

    CREATE FUNCTION ledger_clawback(p_user uuid, p_bucket text, p_amount integer, p_reason text, p_key text,
                                    p_reference text, p_now timestamptz) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_have integer;
      v_take integer;
      v_prev point_clawbacks%ROWTYPE;
    BEGIN
      IF p_amount IS NULL OR p_amount <= 0 OR p_bucket NOT IN ('monthly_pollo','monthly_goenhance','purchased') THEN
        RAISE EXCEPTION USING ERRCODE = 'VL004', MESSAGE = 'clawback needs a bucket and a positive amount';
      END IF;
      INSERT INTO point_balances (user_id, updated_at) VALUES (p_user, p_now) ON CONFLICT (user_id) DO NOTHING;
      PERFORM 1 FROM point_balances WHERE user_id = p_user FOR UPDATE;
      SELECT * INTO v_prev FROM point_clawbacks WHERE idempotency_key = p_key;
      IF FOUND THEN
        IF v_prev.user_id <> p_user OR v_prev.bucket <> p_bucket OR v_prev.wanted <> p_amount THEN
          RAISE EXCEPTION USING ERRCODE = 'VL005', MESSAGE = 'idempotency key ' || p_key || ' reused with different parameters';
        END IF;
        RETURN v_prev.taken;
      END IF;
      EXECUTE format('SELECT %I FROM point_balances WHERE user_id = $1', p_bucket) INTO v_have USING p_user;
      v_take := LEAST(v_have, p_amount);
      IF v_take > 0 THEN
        INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
          VALUES (p_user, p_bucket, -v_take, p_reason, p_reference, p_key, p_now);
        EXECUTE format('UPDATE point_balances SET %I = %I - $2, updated_at = $3 WHERE user_id = $1', p_bucket, p_bucket)
          USING p_user, v_take, p_now;
      END IF;
      INSERT INTO point_clawbacks (idempotency_key, user_id, bucket, wanted, taken, reason, reference, created_at)
        VALUES (p_key, p_user, p_bucket, p_amount, v_take, p_reason, p_reference, p_now);
      RETURN v_take;
    END $fn$;

    CREATE TABLE point_plan_starts (
      idempotency_key text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      period varchar(7) NOT NULL,
      created_at timestamptz NOT NULL
    );

    CREATE FUNCTION ledger_start_plan(p_user uuid, p_period text, p_pollo integer, p_goenhance integer, p_key text,
                                      p_reference text, p_now timestamptz) RETURNS boolean
    LANGUAGE plpgsql AS $fn$
    DECLARE b point_balances%ROWTYPE;
    BEGIN
      IF p_period IS NULL OR p_period !~ '^[0-9]{4}-[0-9]{2}$' OR p_pollo < 0 OR p_goenhance < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'VL004', MESSAGE = 'start_plan needs a period YYYY-MM and allowances >= 0';
      END IF;
      INSERT INTO point_balances (user_id, updated_at) VALUES (p_user, p_now) ON CONFLICT (user_id) DO NOTHING;
      SELECT * INTO b FROM point_balances WHERE user_id = p_user FOR UPDATE;
      INSERT INTO point_plan_starts (idempotency_key, user_id, period, created_at) VALUES (p_key, p_user, p_period, p_now)
        ON CONFLICT (idempotency_key) DO NOTHING;
      IF NOT FOUND THEN RETURN false; END IF;
      INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
        SELECT p_user, s.bucket, s.amount, s.reason, p_reference, s.key, p_now
        FROM (VALUES ('monthly_pollo', -b.monthly_pollo, 'plan_start_expire', 'plan-expire:' || p_key || ':monthly_pollo'),
                     ('monthly_goenhance', -b.monthly_goenhance, 'plan_start_expire', 'plan-expire:' || p_key || ':monthly_goenhance'),
                     ('monthly_pollo', p_pollo, 'plan_start', 'plan:' || p_key || ':monthly_pollo'),
                     ('monthly_goenhance', p_goenhance, 'plan_start', 'plan:' || p_key || ':monthly_goenhance'))
             AS s(bucket, amount, reason, key)
        WHERE s.amount <> 0;
      UPDATE point_balances SET monthly_pollo = p_pollo, monthly_goenhance = p_goenhance,
          period = CASE WHEN b.period IS NULL OR b.period < p_period THEN p_period ELSE b.period END, updated_at = p_now
        WHERE user_id = p_user;
      RETURN true;
    END $fn$;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP FUNCTION IF EXISTS ledger_start_plan(uuid, text, integer, integer, text, text, timestamptz);
    DROP TABLE IF EXISTS point_plan_starts;
    DROP FUNCTION IF EXISTS ledger_clawback(uuid, text, integer, text, text, text, timestamptz);
    DROP TABLE IF EXISTS point_clawbacks;
    ALTER TABLE orders DROP COLUMN IF EXISTS paid_minor;
    UPDATE orders SET status = 'paid' WHERE status = 'refunded';
    ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;
    ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending','paid','failed','canceled'));
    DROP TABLE IF EXISTS order_revocations;
    DROP TABLE IF EXISTS payment_schedules;
  `);
};
