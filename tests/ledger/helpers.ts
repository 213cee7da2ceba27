// Shared helpers for the ledger tests: users, a settable clock, and the balance == ledger-sum invariant.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Clock } from '../../core/ports.ts';

export async function newUser(sequelize: Sequelize): Promise<string> {
  const [row] = await sequelize.query<{ id: string }>('INSERT INTO users DEFAULT VALUES RETURNING id', {
    type: QueryTypes.SELECT,
  });
  return row!.id;
}

export class TestClock implements Clock {
  constructor(public t: Date) {}
  now() {
    return new Date(this.t);
  }
  set(iso: string) {
    this.t = new Date(iso);
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** Rows where a balance column differs from the sum of the ledger's entries for that bucket (expected: none). */
export async function invariantViolations(sequelize: Sequelize) {
  return sequelize.query(
    `WITH sums AS (
       SELECT user_id,
              COALESCE(SUM(amount) FILTER (WHERE bucket = 'monthly_pollo'), 0)::int AS mp,
              COALESCE(SUM(amount) FILTER (WHERE bucket = 'monthly_goenhance'), 0)::int AS mg,
              COALESCE(SUM(amount) FILTER (WHERE bucket = 'purchased'), 0)::int AS pu
       FROM point_ledger GROUP BY user_id)
     SELECT COALESCE(b.user_id, s.user_id) AS user_id, b.monthly_pollo, s.mp, b.monthly_goenhance, s.mg, b.purchased, s.pu
     FROM point_balances b FULL JOIN sums s ON s.user_id = b.user_id
     WHERE COALESCE(b.monthly_pollo, 0) <> COALESCE(s.mp, 0) OR COALESCE(b.monthly_goenhance, 0) <> COALESCE(s.mg, 0)
        OR COALESCE(b.purchased, 0) <> COALESCE(s.pu, 0)`,
    { type: QueryTypes.SELECT },
  );
}
