// The revoking transaction of a refund or chargeback (BillingRepo.revoke): with the order row locked, the reversal
// is recorded once (order_revocations is unique per provider and reversal id), the points to take back are
// decided (all the order granted for a full reversal, the same share for a partial one, never more than is left
// after earlier reversals), a plan loses the month the order paid for, and the schedule that charged it stops.
import type { Transaction } from 'sequelize';
import type { Grants, Reversal, Revocation, RevokeOutcome, StopReason } from '../../core/billing/ports.ts';
import { share } from '../../core/billing/settlement.ts';
import { ORDER_SELECT, toView, type OrderRow, type Query } from './order-rows.ts';

interface RevocationRow {
  id: string;
  kind: 'refund' | 'chargeback';
  full_revocation: boolean;
  clawback: Grants;
  subscription_end: Date | null;
  amount_minor: number;
}

export async function revokeOrder(
  sql: { q: Query; markStopping: (where: string, bind: unknown[], reason: StopReason) => Promise<number> },
  r: Reversal,
  now: Date,
  t: Transaction,
): Promise<RevokeOutcome> {
  const { q } = sql;
  const [o] = r.orderNumber
    ? await q<OrderRow>(
        `${ORDER_SELECT} WHERE o.order_number = $1 AND o.payment_method = $2 AND o.status IN ('paid', 'refunded') FOR UPDATE OF o`,
        [r.orderNumber, r.provider],
        t,
      )
    : await q<OrderRow>(
        `${ORDER_SELECT} WHERE o.external_id = $1 AND o.payment_method = $2 AND o.status IN ('paid', 'refunded') FOR UPDATE OF o`,
        [r.chargeId, r.provider],
        t,
      );
  if (!o) return { outcome: 'unknown' };
  const view = (row: RevocationRow, order: OrderRow, planEnded: boolean): Revocation => ({
    id: row.id,
    order: toView(order),
    kind: row.kind,
    full: row.full_revocation,
    clawback: row.clawback,
    subscriptionEnd: row.subscription_end,
    planEnded,
  });

  const [seen] = await q<RevocationRow>(
    `SELECT * FROM order_revocations WHERE provider = $1 AND external_id = $2`,
    [r.provider, r.reversalId],
    t,
  );
  if (seen)
    return {
      outcome: 'already',
      revocation: view(seen, o, !seen.subscription_end || seen.subscription_end <= now),
      stopping: 0,
    };

  const earlier = await q<RevocationRow>(`SELECT * FROM order_revocations WHERE order_id = $1`, [o.id], t);
  const paid = o.paid_minor ?? o.amount_minor;
  const before = earlier.reduce((a, e) => a + e.amount_minor, 0);
  const full = r.full || earlier.some((e) => e.full_revocation) || before + r.amountMinor >= paid;
  const clawback: Grants = {};
  for (const [bucket, granted] of Object.entries(o.grants ?? {}) as [keyof Grants, number][]) {
    const left = granted - earlier.reduce((a, e) => a + (e.clawback[bucket] ?? 0), 0);
    const want = Math.min(left, share(granted, r.amountMinor, paid, full));
    if (want > 0) clawback[bucket] = want;
  }

  let subscriptionEnd: Date | null = null;
  let planEnded = false;
  let stopping = 0;
  if (o.kind === 'plan' && full && o.subscription_id) {
    // The month this order paid for is taken back: the plan ends a month earlier, or now if that is already past.
    const [s] = await q<{ end_date: Date; status: string }>(
      `UPDATE subscriptions SET end_date = GREATEST($2::timestamptz, end_date - interval '1 month'),
              status = CASE WHEN end_date - interval '1 month' <= $2::timestamptz THEN 'canceled' ELSE status END,
              auto_renew = CASE WHEN end_date - interval '1 month' <= $2::timestamptz THEN false ELSE auto_renew END, updated_at = now()
        WHERE id = $1 AND status IN ('active', 'expired') RETURNING end_date, status`,
      [o.subscription_id, now],
      t,
    );
    subscriptionEnd = s?.end_date ?? null;
    planEnded = s?.status !== 'active';
    // Whoever disputes or gets back a charge is not charged again by its schedule.
    stopping = await sql.markStopping(
      `provider = $1 AND first_order = $2`,
      [o.payment_method, o.renews_order ?? o.order_number],
      r.kind,
    );
    if (stopping)
      await q(`UPDATE subscriptions SET auto_renew = false WHERE id = $1 RETURNING id`, [o.subscription_id], t);
  }
  if (full) await q(`UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = $1 RETURNING id`, [o.id], t);
  const [row] = await q<RevocationRow>(
    `INSERT INTO order_revocations (order_id, user_id, provider, external_id, kind, amount_minor, full_revocation, clawback, subscription_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [o.id, o.user_id, r.provider, r.reversalId, r.kind, r.amountMinor, full, JSON.stringify(clawback), subscriptionEnd],
    t,
  );
  const [after] = await q<OrderRow>(`${ORDER_SELECT} WHERE o.id = $1`, [o.id], t);
  return { outcome: 'revoked', revocation: view(row!, after!, planEnded), stopping };
}
