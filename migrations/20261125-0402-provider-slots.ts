// Per-provider concurrency shared by every worker instance: a provider has `cap` numbered slots; a
// running generation holds one under a lease that its job's heartbeat renews. A worker that dies stops renewing,
// so its slot frees itself when the lease runs out (the same time its Agenda lock goes stale).
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    CREATE TABLE provider_slots (
      provider varchar(16) NOT NULL,
      slot integer NOT NULL,
      holder varchar(64) NOT NULL,              -- the generation id
      lease_until timestamptz NOT NULL,
      PRIMARY KEY (provider, slot)
    );
    CREATE INDEX provider_slots_holder ON provider_slots (holder);

    -- Takes a slot for holder (or renews the one it holds) when fewer than p_cap live leases exist; returns the
    -- slot number, or NULL when all are taken. ON CONFLICT on the numbered slot is the arbiter: two callers
    -- racing for the same free slot serialize on its row, the loser moves to the next number.
    CREATE FUNCTION provider_slot_acquire(p_provider text, p_holder text, p_cap integer, p_lease_ms integer)
    RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
      s integer;
      lease timestamptz := clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0);
    BEGIN
      SELECT slot INTO s FROM provider_slots WHERE provider = p_provider AND holder = p_holder AND slot < p_cap ORDER BY slot LIMIT 1;
      IF FOUND THEN
        UPDATE provider_slots SET lease_until = lease WHERE provider = p_provider AND slot = s AND holder = p_holder;
        IF FOUND THEN RETURN s; END IF;
      END IF;
      FOR i IN 0 .. p_cap - 1 LOOP
        s := NULL;
        INSERT INTO provider_slots AS ps (provider, slot, holder, lease_until) VALUES (p_provider, i, p_holder, lease)
        ON CONFLICT (provider, slot) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
          WHERE ps.lease_until < clock_timestamp() OR ps.holder = EXCLUDED.holder
        RETURNING slot INTO s;
        IF s IS NOT NULL THEN RETURN s; END IF;
      END LOOP;
      RETURN NULL;
    END $$;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    DROP FUNCTION IF EXISTS provider_slot_acquire(text, text, integer, integer);
    DROP TABLE IF EXISTS provider_slots;
  `);
};
