-- The point ledger's rules, as PL/pgSQL: the current definition of every ledger function and trigger. This file is
-- the living source; the migrations that apply it (infra/db/sql/ledger-sql.ts) are its history. Application code
-- never writes point_ledger, point_balances, point_reservations, point_clawbacks or point_plan_starts: it calls these
-- functions (infra/db/sql-ledger.ts), one statement each, so a user's balance row is locked for one round trip.
--
-- Invariants, kept by these functions and nothing else:
-- - per user and bucket, point_balances.<bucket> = SUM(point_ledger.amount) of that bucket, always;
-- - no bucket goes below zero (CHECK on point_balances), whatever the concurrency;
-- - a reservation is settled exactly once: held -> committed, or held -> released (never both, never twice);
-- - point_ledger is append-only, and every write carries an idempotency key: a replay changes nothing, the same key
--   with other parameters is refused.
-- Errors carry our own SQLSTATEs, mapped to LedgerError in infra/db/sql-ledger.ts:
--   VL001 reservation not found · VL002 already committed (release refused) · VL003 already released
--   (commit refused) · VL004 invalid argument · VL005 idempotency key reused with different parameters.
--
-- Changing a rule:
-- 1. Edit the function here (CREATE OR REPLACE; the file must stay safe to apply any number of times).
-- 2. Add a migration that re-applies this file: `up` makes any schema change the new definition needs, then calls
--    applyLedgerSql; `down` puts back the previous definitions of what changed (copy them from git) and undoes the
--    schema change. Never edit an applied migration: the old migrations stay as history.
-- 3. A changed argument list or return type cannot be replaced in place: add
--    `DROP FUNCTION IF EXISTS name(old argument types);` just above the new definition here (it stays, and does
--    nothing once the old signature is gone). A function no longer used is dropped the same way.
-- Every migration that applies this file applies today's version (it is read at run time), so on a new database
-- the earliest of them already installs the newest rules; bodies are therefore created with check_function_bodies
-- off, and tests/db/ledger-sql.test.ts compiles them against the final schema.

-- point_ledger is append-only: an entry is never updated or deleted; corrections are new entries.
CREATE OR REPLACE FUNCTION point_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'point_ledger is append-only'; END $$;
CREATE OR REPLACE TRIGGER point_ledger_no_update BEFORE UPDATE OR DELETE ON point_ledger
  FOR EACH ROW EXECUTE FUNCTION point_ledger_append_only();

-- Adds points. Same key twice = one credit; the same key with other parameters is refused.
CREATE OR REPLACE FUNCTION ledger_credit(p_user uuid, p_bucket text, p_amount integer, p_reason text, p_key text,
                                     p_reference text, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
  IF p_amount IS NULL OR p_amount <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'VL004', MESSAGE = 'credit amount must be a positive integer';
  END IF;
  INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
    VALUES (p_user, p_bucket, p_amount, p_reason, p_reference, p_key, p_now)
    ON CONFLICT (idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    PERFORM 1 FROM point_ledger
      WHERE idempotency_key = p_key AND user_id = p_user AND bucket = p_bucket AND amount = p_amount;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'VL005', MESSAGE = 'idempotency key ' || p_key || ' reused with different parameters';
    END IF;
    RETURN false;
  END IF;
  INSERT INTO point_balances AS b (user_id, monthly_pollo, monthly_goenhance, purchased, updated_at)
    VALUES (p_user,
            CASE WHEN p_bucket = 'monthly_pollo' THEN p_amount ELSE 0 END,
            CASE WHEN p_bucket = 'monthly_goenhance' THEN p_amount ELSE 0 END,
            CASE WHEN p_bucket = 'purchased' THEN p_amount ELSE 0 END, p_now)
    ON CONFLICT (user_id) DO UPDATE SET
      monthly_pollo = b.monthly_pollo + EXCLUDED.monthly_pollo,
      monthly_goenhance = b.monthly_goenhance + EXCLUDED.monthly_goenhance,
      purchased = b.purchased + EXCLUDED.purchased,
      updated_at = EXCLUDED.updated_at;
  RETURN true;
END $fn$;

-- Holds points for a batch of requests of ONE user, in order, under one lock of the balance row: each item
-- spends the pool's monthly bucket first, then purchased. The application batches concurrent reserves of one
-- user into one call (infra/db/sql-ledger.ts), so a hot user costs one lock, one statement and one commit
-- for many reservations instead of a queue of 64 backends fighting over one row. One result row per item:
--   reserved      held now (negative entries written)
--   replayed      the key was used before with the same user, amount and pool: that reservation, any state
--   insufficient  the balance does not cover it: nothing written, the key stays unused
--   conflict      the key was used before with other parameters
--   invalid       amount not positive or pool not pollo/goenhance
-- The balance row is locked before the keys are looked up, so two racing calls with one key cannot both reserve.
CREATE OR REPLACE FUNCTION ledger_reserve_batch(p_user uuid, p_amounts integer[], p_pools text[], p_keys text[],
                                            p_refs text[], p_now timestamptz, p_expires timestamptz)
RETURNS TABLE (ord integer, outcome text, id uuid, user_id uuid, amount integer, pool varchar, split jsonb,
               status varchar, reference varchar, expires_at timestamptz, created_at timestamptz,
               settled_at timestamptz)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  b point_balances%ROWTYPE;
  r point_reservations%ROWTYPE;
  v_mp integer;
  v_mg integer;
  v_pu integer;
  v_amount integer;
  v_pool text;
  v_monthly integer;
  v_take_m integer;
  v_take_p integer;
  v_changed boolean := false;
BEGIN
  SELECT * INTO b FROM point_balances WHERE point_balances.user_id = p_user FOR UPDATE;
  v_mp := COALESCE(b.monthly_pollo, 0);
  v_mg := COALESCE(b.monthly_goenhance, 0);
  v_pu := COALESCE(b.purchased, 0);
  FOR i IN 1 .. COALESCE(array_length(p_keys, 1), 0) LOOP
    v_amount := p_amounts[i];
    v_pool := p_pools[i];
    ord := i - 1;
    r := NULL;
    IF v_amount IS NULL OR v_amount <= 0 OR v_pool IS NULL OR v_pool NOT IN ('pollo', 'goenhance') OR p_keys[i] IS NULL THEN
      outcome := 'invalid';
    ELSE
      SELECT * INTO r FROM point_reservations WHERE idempotency_key = p_keys[i];
      IF FOUND THEN
        outcome := CASE WHEN r.user_id = p_user AND r.amount = v_amount AND r.pool = v_pool THEN 'replayed' ELSE 'conflict' END;
        IF outcome = 'conflict' THEN r := NULL; END IF;
      ELSE
        v_monthly := CASE WHEN v_pool = 'pollo' THEN v_mp ELSE v_mg END;
        IF b.user_id IS NULL OR v_monthly + v_pu < v_amount THEN
          outcome := 'insufficient';
        ELSE
          v_take_m := LEAST(v_monthly, v_amount);
          v_take_p := v_amount - v_take_m;
          INSERT INTO point_reservations (user_id, amount, pool, split, idempotency_key, reference, period, expires_at, created_at)
            VALUES (p_user, v_amount, v_pool,
                    jsonb_strip_nulls(jsonb_build_object('monthly_' || v_pool, NULLIF(v_take_m, 0), 'purchased', NULLIF(v_take_p, 0))),
                    p_keys[i], p_refs[i], b.period, p_expires, p_now)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING * INTO r;
          IF NOT FOUND THEN  -- the key belongs to another user's reservation, inserted concurrently
            outcome := 'conflict';
          ELSE
            outcome := 'reserved';
            v_changed := true;
            IF v_pool = 'pollo' THEN v_mp := v_mp - v_take_m; ELSE v_mg := v_mg - v_take_m; END IF;
            v_pu := v_pu - v_take_p;
            INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
              SELECT p_user, s.bucket, -s.amount, 'reserve', COALESCE(p_refs[i], r.id::text),
                     'hold:' || r.id || ':' || s.bucket, p_now
              FROM (VALUES ('monthly_' || v_pool, v_take_m), ('purchased', v_take_p)) AS s(bucket, amount)
              WHERE s.amount > 0;
          END IF;
        END IF;
      END IF;
    END IF;
    id := r.id; user_id := r.user_id; amount := r.amount; pool := r.pool; split := r.split; status := r.status;
    reference := r.reference; expires_at := r.expires_at; created_at := r.created_at; settled_at := r.settled_at;
    RETURN NEXT;
  END LOOP;
  IF v_changed THEN
    UPDATE point_balances SET monthly_pollo = v_mp, monthly_goenhance = v_mg, purchased = v_pu, updated_at = p_now
      WHERE point_balances.user_id = p_user;
  END IF;
END $fn$;

-- Gives a reservation's points back (called with the row already marked released). Rule for points held
-- across a monthly reset: the monthly part belongs to the period it was held in. If the balance has moved
-- to a newer period since, those points come back and expire at once (+n 'release', -n 'monthly_expire'),
-- exactly as they would have at the reset had they not been held. Purchased points always come back.
CREATE OR REPLACE FUNCTION ledger_return_held(r point_reservations, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  b point_balances%ROWTYPE;
  v_bucket text := 'monthly_' || r.pool;
  v_m integer := COALESCE((r.split ->> ('monthly_' || r.pool))::integer, 0);
  v_p integer := COALESCE((r.split ->> 'purchased')::integer, 0);
  v_back_m integer;
BEGIN
  SELECT * INTO b FROM point_balances WHERE user_id = r.user_id FOR UPDATE;
  v_back_m := CASE WHEN b.period IS DISTINCT FROM r.period THEN 0 ELSE v_m END;
  INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
    SELECT r.user_id, s.bucket, s.amount, s.reason, COALESCE(r.reference, r.id::text), s.key, p_now
    FROM (VALUES (v_bucket, v_m, 'release', 'release:' || r.id || ':' || v_bucket),
                 ('purchased', v_p, 'release', 'release:' || r.id || ':purchased'),
                 (v_bucket, -(v_m - v_back_m), 'monthly_expire', 'expire:' || r.id || ':' || v_bucket))
         AS s(bucket, amount, reason, key)
    WHERE s.amount <> 0;
  UPDATE point_balances SET
      monthly_pollo = monthly_pollo + CASE WHEN r.pool = 'pollo' THEN v_back_m ELSE 0 END,
      monthly_goenhance = monthly_goenhance + CASE WHEN r.pool = 'goenhance' THEN v_back_m ELSE 0 END,
      purchased = purchased + v_p,
      updated_at = p_now
    WHERE user_id = r.user_id;
END $fn$;

-- Finalises a held reservation. A second commit is a no-op returning the same row; a released one is refused.
CREATE OR REPLACE FUNCTION ledger_commit(p_id uuid, p_now timestamptz) RETURNS SETOF point_reservations
LANGUAGE plpgsql AS $fn$
DECLARE r point_reservations%ROWTYPE;
BEGIN
  UPDATE point_reservations SET status = 'committed', settled_at = p_now
    WHERE id = p_id AND status = 'held' RETURNING * INTO r;
  IF NOT FOUND THEN
    SELECT * INTO r FROM point_reservations WHERE id = p_id;
    IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'VL001', MESSAGE = 'reservation ' || p_id || ' not found'; END IF;
    IF r.status = 'released' THEN
      RAISE EXCEPTION USING ERRCODE = 'VL003', MESSAGE = 'reservation ' || p_id || ' was released: commit refused';
    END IF;
  END IF;
  RETURN NEXT r;
END $fn$;

-- Returns a held reservation's points. A second release is a no-op; a committed one is refused.
CREATE OR REPLACE FUNCTION ledger_release(p_id uuid, p_reason text, p_now timestamptz) RETURNS SETOF point_reservations
LANGUAGE plpgsql AS $fn$
DECLARE r point_reservations%ROWTYPE;
BEGIN
  UPDATE point_reservations SET status = 'released', settled_at = p_now, release_reason = p_reason
    WHERE id = p_id AND status = 'held' RETURNING * INTO r;
  IF FOUND THEN
    PERFORM ledger_return_held(r, p_now);
  ELSE
    SELECT * INTO r FROM point_reservations WHERE id = p_id;
    IF NOT FOUND THEN RAISE EXCEPTION USING ERRCODE = 'VL001', MESSAGE = 'reservation ' || p_id || ' not found'; END IF;
    IF r.status = 'committed' THEN
      RAISE EXCEPTION USING ERRCODE = 'VL002', MESSAGE = 'reservation ' || p_id || ' was committed: release refused';
    END IF;
  END IF;
  RETURN NEXT r;
END $fn$;

-- Releases up to p_limit abandoned reservations (held past expires_at). SKIP LOCKED lets cleanups run side
-- by side without waiting on each other or on a live commit/release; ordering by user makes every cleanup
-- take balance locks in the same order, so two of them cannot deadlock.
CREATE OR REPLACE FUNCTION ledger_release_expired(p_now timestamptz, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  r point_reservations%ROWTYPE;
  n integer := 0;
BEGIN
  FOR r IN SELECT * FROM point_reservations WHERE status = 'held' AND expires_at <= p_now
           ORDER BY user_id, expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
    UPDATE point_reservations SET status = 'released', settled_at = p_now, release_reason = 'expired'
      WHERE id = r.id RETURNING * INTO r;
    PERFORM ledger_return_held(r, p_now);
    n := n + 1;
  END LOOP;
  RETURN n;
END $fn$;

-- Starts a new monthly period for a user: leftover monthly points expire (negative entries), the plan's
-- allowance is credited. Once per user and period: an equal or older period changes nothing (false).
CREATE OR REPLACE FUNCTION ledger_allocate_monthly(p_user uuid, p_period text, p_pollo integer, p_goenhance integer,
                                               p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE b point_balances%ROWTYPE;
BEGIN
  IF p_period IS NULL OR p_period !~ '^[0-9]{4}-[0-9]{2}$' OR p_pollo < 0 OR p_goenhance < 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'VL004', MESSAGE = 'allocate needs a period YYYY-MM and allowances >= 0';
  END IF;
  INSERT INTO point_balances (user_id, updated_at) VALUES (p_user, p_now) ON CONFLICT (user_id) DO NOTHING;
  SELECT * INTO b FROM point_balances WHERE user_id = p_user FOR UPDATE;
  IF b.period IS NOT NULL AND b.period >= p_period THEN RETURN false; END IF;
  INSERT INTO point_ledger (user_id, bucket, amount, reason, reference, idempotency_key, created_at)
    SELECT p_user, s.bucket, s.amount, s.reason, p_period, s.key, p_now
    FROM (VALUES ('monthly_pollo', -b.monthly_pollo, 'monthly_expire', 'monthly-expire:' || p_user || ':' || p_period || ':monthly_pollo'),
                 ('monthly_goenhance', -b.monthly_goenhance, 'monthly_expire', 'monthly-expire:' || p_user || ':' || p_period || ':monthly_goenhance'),
                 ('monthly_pollo', p_pollo, 'monthly_allocation', 'monthly:' || p_user || ':' || p_period || ':monthly_pollo'),
                 ('monthly_goenhance', p_goenhance, 'monthly_allocation', 'monthly:' || p_user || ':' || p_period || ':monthly_goenhance'))
         AS s(bucket, amount, reason, key)
    WHERE s.amount <> 0;
  UPDATE point_balances SET monthly_pollo = p_pollo, monthly_goenhance = p_goenhance, period = p_period,
      updated_at = p_now
    WHERE user_id = p_user;
  RETURN true;
END $fn$;

-- Takes points back (a refund or chargeback) with a reversing entry, never below zero: takes what is there, up to the
-- amount. The decision (wanted, taken) is kept in point_clawbacks under its key, so a replay takes nothing more and
-- returns what was taken the first time; the shortfall stays recorded.
CREATE OR REPLACE FUNCTION ledger_clawback(p_user uuid, p_bucket text, p_amount integer, p_reason text, p_key text,
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

-- A plan starts (a first purchase or a change of plan): leftover monthly points expire, the new plan's allowance is
-- credited, once per key (the order). The balance's period becomes this one unless it is already newer.
CREATE OR REPLACE FUNCTION ledger_start_plan(p_user uuid, p_period text, p_pollo integer, p_goenhance integer, p_key text,
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
