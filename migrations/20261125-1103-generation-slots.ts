// The per-user cap on open generations (a plan's max_concurrent) is checked and taken by the INSERT itself:
// `INSERT … SELECT … WHERE generation_slot_free(user, max, terminal statuses)`. The function takes a transaction
// advisory lock per user first, so two requests of one user queue up there, and its count then runs on a fresh
// snapshot (a VOLATILE function's queries see what committed while it waited): the second sees the first's row.
import type { MigrationFn } from '../infra/db/migrator.ts';

export const up: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`
    CREATE FUNCTION generation_slot_free(p_user uuid, p_max int, p_terminal text[]) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended('generation-slots:' || p_user::text, 0));
      RETURN (SELECT count(*) FROM generations WHERE user_id = p_user AND status <> ALL (p_terminal)) < p_max;
    END $$;
  `);
};

export const down: MigrationFn = async ({ sequelize }) => {
  await sequelize.query(`DROP FUNCTION IF EXISTS generation_slot_free(uuid, int, text[]);`);
};
