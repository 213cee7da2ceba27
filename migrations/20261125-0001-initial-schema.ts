// The first schema: accounts, billing, the append-only point ledger, generations, moderation and ops tables.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    CREATE EXTENSION IF NOT EXISTS pgcrypto;

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      display_name varchar(255),
      email varchar(255) UNIQUE,
      locale varchar(8) NOT NULL DEFAULT 'en',
      is_admin boolean NOT NULL DEFAULT false,
      auto_pay boolean NOT NULL DEFAULT false,           -- consent to spend points on failover without asking
      merged_into uuid REFERENCES users(id),             -- set when /link folded this account into another
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- One row per platform account; several may point at one user after /link.
    CREATE TABLE chat_identities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      platform varchar(16) NOT NULL CHECK (platform IN ('line','telegram','discord','console')),
      platform_user_id varchar(128) NOT NULL,
      chat_id varchar(128),                               -- where a push reaches this identity
      display_name varchar(255),
      locale varchar(8),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (platform, platform_user_id)
    );
    CREATE INDEX chat_identities_user ON chat_identities(user_id);

    -- Prices are integers: TWD has no minor unit at ECPay, USD is in cents.
    CREATE TABLE plans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug varchar(50) UNIQUE NOT NULL,
      name varchar(100) NOT NULL,
      description text,
      price_twd integer NOT NULL CHECK (price_twd >= 0),
      price_usd_cents integer NOT NULL CHECK (price_usd_cents >= 0),
      billing_cycle varchar(20) NOT NULL DEFAULT 'monthly',
      features jsonb NOT NULL DEFAULT '{}',
      paddle_price_id varchar(64),
      sort_order integer NOT NULL DEFAULT 0,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE point_packs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug varchar(50) UNIQUE NOT NULL,
      name varchar(100) NOT NULL,
      points integer NOT NULL CHECK (points > 0),
      price_twd integer NOT NULL CHECK (price_twd >= 0),
      price_usd_cents integer NOT NULL CHECK (price_usd_cents >= 0),
      paddle_price_id varchar(64),
      sort_order integer NOT NULL DEFAULT 0,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      plan_id uuid NOT NULL REFERENCES plans(id),
      status varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','active','expired','canceled')),
      start_date timestamptz,
      end_date timestamptz,
      auto_renew boolean NOT NULL DEFAULT true,
      provider varchar(16),
      external_id varchar(128),
      reminder_sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX subscriptions_user ON subscriptions(user_id, status);
    CREATE INDEX subscriptions_end ON subscriptions(status, end_date);

    CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_number varchar(20) UNIQUE NOT NULL CHECK (order_number ~ '^[A-Za-z0-9]+$'),
      user_id uuid NOT NULL REFERENCES users(id),
      kind varchar(8) NOT NULL CHECK (kind IN ('plan','pack')),
      plan_id uuid REFERENCES plans(id),
      pack_id uuid REFERENCES point_packs(id),
      subscription_id uuid REFERENCES subscriptions(id),
      amount_minor integer NOT NULL CHECK (amount_minor >= 0),
      currency varchar(3) NOT NULL CHECK (currency IN ('TWD','USD')),
      status varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','paid','failed','canceled')),
      payment_method varchar(16) NOT NULL CHECK (payment_method IN ('ecpay','paddle')),
      payment_data jsonb NOT NULL DEFAULT '{}',
      external_id varchar(128),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      paid_at timestamptz,
      CHECK ((kind = 'plan') = (plan_id IS NOT NULL) AND (kind = 'pack') = (pack_id IS NOT NULL))
    );
    CREATE INDEX orders_user ON orders(user_id, status);

    CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid UNIQUE NOT NULL REFERENCES orders(id),
      user_id uuid NOT NULL REFERENCES users(id),
      invoice_number varchar(50) UNIQUE NOT NULL,
      amount_minor integer NOT NULL,
      currency varchar(3) NOT NULL,
      pdf_url varchar(500),
      issued_at timestamptz NOT NULL DEFAULT now()
    );

    -- Append-only: rows are never updated or deleted (enforced by the trigger below). A user's balance in a
    -- bucket is the sum of its amounts; the idempotency key makes every write safe to retry.
    CREATE TABLE point_ledger (
      id bigserial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      bucket varchar(20) NOT NULL CHECK (bucket IN ('monthly_pollo','monthly_goenhance','purchased')),
      amount integer NOT NULL CHECK (amount <> 0),
      reason varchar(32) NOT NULL,
      reference varchar(128),
      idempotency_key varchar(200) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX point_ledger_user ON point_ledger(user_id, created_at DESC);
    CREATE INDEX point_ledger_reference ON point_ledger(reference);
    CREATE FUNCTION point_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'point_ledger is append-only'; END $$;
    CREATE TRIGGER point_ledger_no_update BEFORE UPDATE OR DELETE ON point_ledger
      FOR EACH ROW EXECUTE FUNCTION point_ledger_append_only();

    CREATE TABLE generations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      chat_identity_id uuid REFERENCES chat_identities(id),
      reply_target jsonb NOT NULL DEFAULT '{}',           -- how to reach the chat that asked (platform-neutral handle)
      kind varchar(16) NOT NULL DEFAULT 'video' CHECK (kind IN ('video','style','upscale','demo')),
      prompt text NOT NULL,
      style varchar(64),
      source_generation_id uuid REFERENCES generations(id),
      provider varchar(16),
      resolution varchar(8) NOT NULL DEFAULT '720p',
      fps integer NOT NULL DEFAULT 30,
      status varchar(20) NOT NULL DEFAULT 'queued',
      stage varchar(32),
      progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
      provider_job_id varchar(128),
      attempts jsonb NOT NULL DEFAULT '[]',
      media_key varchar(500),
      preview_key varchar(500),
      master_key varchar(500),                            -- unwatermarked copy kept private for Demo users
      watermarked boolean NOT NULL DEFAULT false,
      size_bytes bigint,
      duration_ms integer,
      points_cost integer NOT NULL DEFAULT 0 CHECK (points_cost >= 0),
      reservation_id uuid,
      error_code varchar(64),
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      completed_at timestamptz,
      delivered_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX generations_user ON generations(user_id, created_at DESC);
    CREATE INDEX generations_open ON generations(status, created_at) WHERE status NOT IN ('succeeded','failed','canceled','refused');

    CREATE TABLE moderation_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      generation_id uuid REFERENCES generations(id),
      text text NOT NULL,
      verdict varchar(10) NOT NULL CHECK (verdict IN ('allowed','blocked')),
      category varchar(32),
      reason text,
      source varchar(16) NOT NULL,
      appeal_status varchar(12) NOT NULL DEFAULT 'none' CHECK (appeal_status IN ('none','pending','upheld','overturned')),
      appeal_text text,
      appealed_at timestamptz,
      decided_by varchar(128),
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX moderation_events_user ON moderation_events(user_id, created_at DESC) WHERE verdict = 'blocked';
    CREATE INDEX moderation_events_appeals ON moderation_events(appealed_at) WHERE appeal_status = 'pending';

    CREATE TABLE bans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      reason text,
      source varchar(8) NOT NULL CHECK (source IN ('auto','admin')),
      created_by varchar(128),
      created_at timestamptz NOT NULL DEFAULT now(),
      lifted_at timestamptz,
      lifted_by varchar(128)
    );
    CREATE UNIQUE INDEX bans_active ON bans(user_id) WHERE lifted_at IS NULL;

    CREATE TABLE admin_audit_log (
      id bigserial PRIMARY KEY,
      actor varchar(128) NOT NULL,
      actor_user_id uuid REFERENCES users(id),
      command varchar(32) NOT NULL,
      args jsonb NOT NULL DEFAULT '[]',
      outcome varchar(16) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX admin_audit_log_time ON admin_audit_log(created_at DESC);

    -- Dedupe for every outside delivery (webhook events, payment callbacks); kept past the longest retry window.
    CREATE TABLE processed_events (
      source varchar(32) NOT NULL,
      event_id varchar(200) NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, event_id)
    );
    CREATE INDEX processed_events_age ON processed_events(received_at);

    CREATE TABLE link_codes (
      code varchar(16) PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Single-use magic-link tokens: the jti is claimed once when the link is opened.
    CREATE TABLE used_tokens (
      jti varchar(64) PRIMARY KEY,
      expires_at timestamptz NOT NULL
    );
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS used_tokens, link_codes, processed_events, admin_audit_log, bans, moderation_events,
      generations, point_ledger, invoices, orders, subscriptions, point_packs, plans, chat_identities, users CASCADE;
    DROP FUNCTION IF EXISTS point_ledger_append_only();
  `);
};
