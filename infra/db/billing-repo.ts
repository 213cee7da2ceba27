// SQL behind core/billing: plans, packs, orders, subscriptions, invoices and renewal schedules on PostgreSQL.
// payOrder is the one place an order becomes paid: a single transaction holding the order row lock, so any
// number of concurrent or repeated callbacks see either "pending → paid" once or "already". The same transaction
// records the schedule a payment starts and marks every schedule it replaces for stopping at the provider.
import { newOrderNumber } from '../../core/billing/order-numbers.ts';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Plan, PlanFeatures, PointPack, TierSlug } from '../../core/api.ts';
import type {
  BillingRepo,
  Grants,
  NewOrder,
  OrderView,
  PayOutcome,
  PaymentMethod,
  PaymentRecord,
  Reversal,
  RevokeOutcome,
  Schedule,
  StopReason,
} from '../../core/billing/ports.ts';
import { revokeOrder } from './billing-revoke.ts';
import { ORDER_SELECT, type OrderRow, type Query, toView } from './order-rows.ts';

interface ScheduleRow {
  id: string;
  provider: PaymentMethod;
  ref: string;
  user_id: string;
  subscription_id: string;
  first_order: string;
  status: Schedule['status'];
  stop_at_period_end: boolean;
  attempts: number;
}
const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  provider: r.provider,
  ref: r.ref,
  userId: r.user_id,
  subscriptionId: r.subscription_id,
  firstOrder: r.first_order,
  status: r.status,
  stopAtPeriodEnd: r.stop_at_period_end,
  attempts: r.attempts,
});

/** A stop the provider keeps refusing is given up after this many tries (about two days of hourly retries). */
const MAX_STOP_ATTEMPTS = 48;

export class SqlBillingRepo implements BillingRepo {
  constructor(private readonly db: Sequelize) {}

  private q: Query = (sql, bind = [], transaction) =>
    this.db.query(sql, { bind, type: QueryTypes.SELECT, transaction });

  async plans(): Promise<Plan[]> {
    const rows = await this.q<{
      id: string;
      slug: TierSlug;
      name: string;
      description: string;
      price_twd: number;
      price_usd_cents: number;
      features: PlanFeatures;
      paddle_price_id: string | null;
    }>('SELECT * FROM plans WHERE is_active ORDER BY sort_order');
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      description: r.description ?? '',
      priceTwd: r.price_twd,
      priceUsdCents: r.price_usd_cents,
      features: r.features,
      paddlePriceId: r.paddle_price_id ?? undefined,
    }));
  }

  async packs(): Promise<PointPack[]> {
    const rows = await this.q<{
      id: string;
      slug: string;
      name: string;
      points: number;
      price_twd: number;
      price_usd_cents: number;
      paddle_price_id: string | null;
    }>('SELECT * FROM point_packs WHERE is_active ORDER BY sort_order');
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      points: r.points,
      priceTwd: r.price_twd,
      priceUsdCents: r.price_usd_cents,
      paddlePriceId: r.paddle_price_id ?? undefined,
    }));
  }

  async createOrder(o: NewOrder): Promise<OrderView | null> {
    const table = o.kind === 'plan' ? 'plans' : 'point_packs';
    const currency = o.method === 'ecpay' ? 'TWD' : 'USD';
    const number = newOrderNumber();
    // Free tiers are not sold.
    const [item] = await this.q<{ id: string; price: number }>(
      `SELECT id, ${currency === 'TWD' ? 'price_twd' : 'price_usd_cents'} AS price FROM ${table} WHERE slug = $1 AND is_active AND price_twd > 0`,
      [o.slug],
    );
    if (!item) return null;
    await this.q(
      `INSERT INTO orders (order_number, user_id, kind, plan_id, pack_id, amount_minor, currency, payment_method, auto_renew)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        number,
        o.userId,
        o.kind,
        o.kind === 'plan' ? item.id : null,
        o.kind === 'pack' ? item.id : null,
        item.price,
        currency,
        o.method,
        o.kind === 'plan' && o.autoRenew === true,
      ],
    );
    return this.order(number);
  }

  /**
   * A renewal the provider charged by itself: the first order's plan, amount (what the customer agreed to and the
   * provider charges, e.g. ECPay's PeriodAmount) and currency, linked before payment to the schedule's subscription.
   * Repeats find the same order (ON CONFLICT).
   */
  async createRenewal(schedule: Schedule, number: string, autoRenew: boolean): Promise<OrderView | null> {
    await this.q(
      `INSERT INTO orders (order_number, user_id, kind, plan_id, amount_minor, currency, payment_method, subscription_id, auto_renew, renews_order)
       SELECT $1, user_id, 'plan', plan_id, amount_minor, currency, payment_method, $4, $3, order_number FROM orders
        WHERE order_number = $2 AND kind = 'plan' AND status IN ('paid', 'refunded')
       ON CONFLICT (order_number) DO NOTHING RETURNING id`,
      [number, schedule.firstOrder, autoRenew, schedule.subscriptionId],
    );
    return this.order(number);
  }

  async order(orderNumber: string, t?: Transaction, lock = false): Promise<OrderView | null> {
    const [row] = await this.q<OrderRow>(
      `${ORDER_SELECT} WHERE o.order_number = $1${lock ? ' FOR UPDATE OF o' : ''}`,
      [orderNumber],
      t,
    );
    return row ? toView(row) : null;
  }

  payOrder(orderNumber: string, pay: PaymentRecord, ctx: { now: Date; period: string }): Promise<PayOutcome> {
    return this.db.transaction(async (t) => {
      const [o] = await this.q<OrderRow>(`${ORDER_SELECT} WHERE o.order_number = $1 FOR UPDATE OF o`, [orderNumber], t);
      if (!o) return { outcome: 'rejected', reason: 'unknown_order' } as const;
      if (o.status === 'paid' || o.status === 'refunded')
        return { outcome: 'already', order: toView(o), stopping: 0 } as const;
      if (o.status !== 'pending') return { outcome: 'rejected', reason: 'canceled' } as const;
      if (o.payment_method !== pay.provider) return { outcome: 'rejected', reason: 'mismatch' } as const;
      const allowance: Grants = o.features
        ? { monthly_pollo: o.features.monthly_pollo_points, monthly_goenhance: o.features.monthly_goenhance_points }
        : {};
      let grants: Grants = {};
      let subscriptionId: string | null = null;
      let allowancePeriod: string | null = null;
      let stopping = 0;
      if (o.kind === 'plan' && o.renews_order && o.subscription_id) {
        // A provider-charged renewal: extend its own subscription by a month from where it ends, even if the hourly
        // expiry got there first (ECPay charges around the end date), unless it was replaced or revoked.
        const [sub] = await this.q<{ id: string; status: string; points_period: string | null }>(
          `SELECT id, status, points_period FROM subscriptions WHERE id = $1 FOR UPDATE`,
          [o.subscription_id],
          t,
        );
        const [other] = await this.q(
          `SELECT id FROM subscriptions WHERE user_id = $1 AND status = 'active' AND id <> $2 AND end_date > $3`,
          [o.user_id, o.subscription_id, ctx.now],
          t,
        );
        if (!sub || sub.status === 'canceled' || (sub.status !== 'active' && other))
          return { outcome: 'rejected', reason: 'canceled' } as const;
        await this.q(
          `UPDATE subscriptions SET end_date = end_date + interval '1 month', status = 'active', auto_renew = $2, updated_at = now() WHERE id = $1 RETURNING id`,
          [sub.id, o.auto_renew],
          t,
        );
        if (sub.points_period !== ctx.period) {
          // This month's allowance is not yet the purchase's: the renewal allocates it (once per user and period).
          await this.q(
            `UPDATE subscriptions SET points_period = $2 WHERE id = $1 RETURNING id`,
            [sub.id, ctx.period],
            t,
          );
          allowancePeriod = ctx.period;
          grants = allowance;
        }
        subscriptionId = sub.id;
      } else if (o.kind === 'plan') {
        // One plan change per user at a time: two plans paid at once must not both start a subscription.
        await this.q(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [o.user_id], t);
        const [active] = await this.q<{ id: string; plan_id: string; end_date: Date }>(
          `SELECT id, plan_id, end_date FROM subscriptions WHERE user_id = $1 AND status = 'active' ORDER BY end_date DESC LIMIT 1 FOR UPDATE`,
          [o.user_id],
          t,
        );
        if (active && active.plan_id === o.plan_id && active.end_date > ctx.now) {
          // One more month of the running plan; its allowance comes with the monthly reset.
          await this.q(
            `UPDATE subscriptions SET end_date = end_date + interval '1 month', updated_at = now() WHERE id = $1 RETURNING id`,
            [active.id],
            t,
          );
          subscriptionId = active.id;
        } else {
          // A plan change (or the first plan): the old subscription ends now, and every schedule of the user's
          // earlier subscriptions (an expired one's too) stops at the provider.
          await this.q(
            `UPDATE subscriptions SET status = 'canceled', end_date = $2, auto_renew = false, updated_at = now() WHERE user_id = $1 AND status = 'active' RETURNING id`,
            [o.user_id, ctx.now],
            t,
          );
          stopping += await this.markStopping(`user_id = $1`, [o.user_id], 'replaced', t);
          const [s] = await this.q<{ id: string }>(
            `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date, provider, external_id, points_period, auto_renew)
             VALUES ($1, $2, 'active', $3, $3::timestamptz + interval '1 month', $4, $5, $6, false) RETURNING id`,
            [o.user_id, o.plan_id, ctx.now, pay.provider, pay.externalId, ctx.period],
            t,
          );
          subscriptionId = s!.id;
          allowancePeriod = ctx.period;
          grants = allowance;
        }
        if (pay.scheduleRef)
          stopping += await this.startSchedule(
            pay.provider,
            pay.scheduleRef,
            o.user_id,
            subscriptionId,
            o.order_number,
            t,
          );
      } else {
        grants = { purchased: o.pack_points! };
      }
      await this.q(
        `UPDATE orders SET status = 'paid', paid_at = $2, external_id = $3, grants = $4, subscription_id = $5, paid_minor = $8,
           payment_data = payment_data || jsonb_build_object('payment', $6::jsonb), allowance_period = $7, updated_at = now()
         WHERE id = $1 RETURNING id`,
        [
          o.id,
          ctx.now,
          pay.externalId,
          JSON.stringify(grants),
          subscriptionId,
          JSON.stringify(pay.raw ?? null),
          allowancePeriod,
          pay.amountMinor,
        ],
        t,
      );
      await this.q(
        `INSERT INTO invoices (order_id, user_id, invoice_number, amount_minor, currency)
         VALUES ($1, $2, 'VG' || $3 || lpad(nextval('invoice_number_seq')::text, 6, '0'), $4, $5) RETURNING id`,
        [o.id, o.user_id, ctx.period.replace('-', ''), pay.amountMinor, o.currency],
        t,
      );
      return { outcome: 'paid', order: (await this.order(orderNumber, t))!, stopping } as const;
    });
  }

  /** The schedule a payment starts, for `subscriptionId`; every other active schedule of the user is replaced. */
  private async startSchedule(
    provider: PaymentMethod,
    ref: string,
    userId: string,
    subscriptionId: string,
    firstOrder: string,
    t: Transaction,
  ): Promise<number> {
    const stopping = await this.markStopping(
      `user_id = $1 AND NOT (provider = $2 AND ref = $3)`,
      [userId, provider, ref],
      'replaced',
      t,
    );
    await this.q(
      `INSERT INTO payment_schedules (provider, ref, user_id, subscription_id, first_order) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, ref) DO NOTHING RETURNING id`,
      [provider, ref, userId, subscriptionId, firstOrder],
      t,
    );
    await this.q(
      `UPDATE subscriptions SET auto_renew = true, provider = $2, external_id = $3, updated_at = now() WHERE id = $1 RETURNING id`,
      [subscriptionId, provider, ref],
      t,
    );
    return stopping;
  }

  /** Marks the active schedules matching `where` for stopping; how many. */
  async markStopping(where: string, bind: unknown[], reason: StopReason, t?: Transaction): Promise<number> {
    const n = bind.length;
    const rows = await this.q(
      `UPDATE payment_schedules SET status = 'stopping', stop_reason = $${n + 1}, stop_at_period_end = false, updated_at = now()
        WHERE status = 'active' AND ${where} RETURNING id`,
      [...bind, reason],
      t,
    );
    return rows.length;
  }

  async recordProblem(
    orderNumber: string,
    problem: 'amount_mismatch' | 'stale_renewal',
    pay: PaymentRecord,
  ): Promise<boolean> {
    const rows = await this.q(
      `UPDATE orders SET updated_at = now(), payment_data = payment_data || jsonb_build_object('problems',
           COALESCE(payment_data->'problems', '{}'::jsonb) || jsonb_build_object($2::text, jsonb_build_object('problem', $3::text, 'payment', $4::jsonb)))
        WHERE order_number = $1 AND NOT (COALESCE(payment_data->'problems', '{}'::jsonb) ? $2) RETURNING id`,
      [orderNumber, `${pay.provider}:${pay.externalId}`, problem, JSON.stringify({ ...pay, raw: pay.raw ?? null })],
    );
    return rows.length === 1;
  }

  async setExternalId(orderNumber: string, externalId: string): Promise<void> {
    await this.q('UPDATE orders SET external_id = $2, updated_at = now() WHERE order_number = $1 RETURNING id', [
      orderNumber,
      externalId,
    ]);
  }

  async currentPlan(userId: string) {
    const [row] = await this.q<{ slug: TierSlug; name: string; end_date: Date; auto_renew: boolean }>(
      `SELECT p.slug, p.name, s.end_date, s.auto_renew FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.user_id = $1 AND s.status = 'active' AND s.end_date > now() ORDER BY s.end_date DESC LIMIT 1`,
      [userId],
    );
    return row
      ? { slug: row.slug, name: row.name, endDate: row.end_date, autoRenew: row.auto_renew }
      : { slug: 'demo' as const, name: 'Demo', endDate: null, autoRenew: false };
  }

  async expireDue(now: Date): Promise<number> {
    const rows = await this.q(
      `UPDATE subscriptions SET status = 'expired', updated_at = now() WHERE status = 'active' AND end_date <= $1 RETURNING id`,
      [now],
    );
    return rows.length;
  }

  async dueForReminder(now: Date, until: Date) {
    const rows = await this.q<{ id: string; user_id: string; name: string; end_date: Date }>(
      `SELECT s.id, s.user_id, p.name, s.end_date FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.status = 'active' AND s.end_date > $1 AND s.end_date <= $2
          AND (s.reminder_sent_at IS NULL OR s.reminder_sent_at < s.end_date - interval '1 month')
          -- auto_renew is set only while a provider schedule charges by itself: a reminder to pay would be wrong there.
          AND NOT s.auto_renew`,
      [now, until],
    );
    return rows.map((r) => ({ subscriptionId: r.id, userId: r.user_id, planName: r.name, endDate: r.end_date }));
  }

  async markReminded(subscriptionId: string, now: Date): Promise<boolean> {
    const rows = await this.q(
      `UPDATE subscriptions SET reminder_sent_at = $2 WHERE id = $1
         AND (reminder_sent_at IS NULL OR reminder_sent_at < end_date - interval '1 month') RETURNING id`,
      [subscriptionId, now],
    );
    return rows.length === 1;
  }

  async subscribersToReset(now: Date, period: string) {
    const rows = await this.q<{ user_id: string; features: PlanFeatures }>(
      `SELECT DISTINCT ON (s.user_id) s.user_id, p.features FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.status = 'active' AND s.end_date > $1 AND s.points_period IS DISTINCT FROM $2
        ORDER BY s.user_id, s.end_date DESC`,
      [now, period],
    );
    return rows.map((r) => ({ userId: r.user_id, features: r.features }));
  }

  async scheduleByRef(provider: PaymentMethod, ref: string): Promise<Schedule | null> {
    const [row] = await this.q<ScheduleRow>(`SELECT * FROM payment_schedules WHERE provider = $1 AND ref = $2`, [
      provider,
      ref,
    ]);
    return row ? toSchedule(row) : null;
  }

  linkSchedule(
    provider: PaymentMethod,
    orderNumber: string,
    ref: string,
  ): Promise<{ schedule: Schedule; stopping: number } | null> {
    return this.db.transaction(async (t) => {
      const [o] = await this.q<{ user_id: string; subscription_id: string; sub_status: string }>(
        `SELECT o.user_id, o.subscription_id, s.status AS sub_status FROM orders o JOIN subscriptions s ON s.id = o.subscription_id
          WHERE o.order_number = $1 AND o.kind = 'plan' AND o.status = 'paid' AND o.payment_method = $2 AND o.renews_order IS NULL
          FOR UPDATE OF o, s`,
        [orderNumber, provider],
        t,
      );
      const [existing] = await this.q<ScheduleRow>(
        `SELECT * FROM payment_schedules WHERE provider = $1 AND ref = $2`,
        [provider, ref],
        t,
      );
      if (existing) return { schedule: toSchedule(existing), stopping: 0 };
      if (!o) return null;
      if (o.sub_status === 'active') {
        const stopping = await this.startSchedule(provider, ref, o.user_id, o.subscription_id, orderNumber, t);
        const [row] = await this.q<ScheduleRow>(
          `SELECT * FROM payment_schedules WHERE provider = $1 AND ref = $2`,
          [provider, ref],
          t,
        );
        return { schedule: toSchedule(row!), stopping };
      }
      // The subscription it paid for was replaced or ended meanwhile: this schedule must not charge any more.
      const [row] = await this.q<ScheduleRow>(
        `INSERT INTO payment_schedules (provider, ref, user_id, subscription_id, first_order, status, stop_reason)
         VALUES ($1, $2, $3, $4, $5, 'stopping', 'stale') RETURNING *`,
        [provider, ref, o.user_id, o.subscription_id, orderNumber],
        t,
      );
      return { schedule: toSchedule(row!), stopping: 1 };
    });
  }

  async activeSchedule(userId: string) {
    const [row] = await this.q<
      ScheduleRow & { plan_name: string; amount_minor: number; currency: 'TWD' | 'USD'; end_date: Date | null }
    >(
      `SELECT ps.*, p.name AS plan_name, o.amount_minor, o.currency, s.end_date
         FROM payment_schedules ps JOIN subscriptions s ON s.id = ps.subscription_id JOIN plans p ON p.id = s.plan_id
         JOIN orders o ON o.order_number = ps.first_order
        WHERE ps.user_id = $1 AND ps.status = 'active' AND s.status = 'active' ORDER BY ps.created_at DESC LIMIT 1`,
      [userId],
    );
    return row
      ? {
          ...toSchedule(row),
          planName: row.plan_name,
          amountMinor: row.amount_minor,
          currency: row.currency,
          endDate: row.end_date,
        }
      : null;
  }

  async requestStop(scheduleId: string, reason: StopReason, atPeriodEnd: boolean): Promise<boolean> {
    const rows = await this.q<{ subscription_id: string }>(
      `UPDATE payment_schedules SET status = 'stopping', stop_reason = $2, stop_at_period_end = $3, updated_at = now()
        WHERE id = $1 AND status = 'active' RETURNING subscription_id`,
      [scheduleId, reason, atPeriodEnd],
    );
    if (rows[0])
      await this.q(`UPDATE subscriptions SET auto_renew = false, updated_at = now() WHERE id = $1 RETURNING id`, [
        rows[0].subscription_id,
      ]);
    return rows.length === 1;
  }

  async schedulesToStop(limit: number): Promise<Schedule[]> {
    const rows = await this.q<ScheduleRow>(
      `SELECT * FROM payment_schedules WHERE status = 'stopping' AND attempts < $2 ORDER BY updated_at LIMIT $1`,
      [limit, MAX_STOP_ATTEMPTS],
    );
    return rows.map(toSchedule);
  }

  async markStopped(scheduleId: string, now: Date): Promise<void> {
    await this.q(
      `UPDATE payment_schedules SET status = 'stopped', stopped_at = $2, last_error = NULL, updated_at = now() WHERE id = $1 AND status = 'stopping' RETURNING id`,
      [scheduleId, now],
    );
  }

  async markStopFailed(scheduleId: string, error: string): Promise<void> {
    await this.q(
      `UPDATE payment_schedules SET attempts = attempts + 1, last_error = $2, updated_at = now() WHERE id = $1 RETURNING id`,
      [scheduleId, error.slice(0, 500)],
    );
  }

  async endSchedule(provider: PaymentMethod, ref: string): Promise<number> {
    const rows = await this.q<{ subscription_id: string }>(
      `UPDATE payment_schedules SET status = 'ended', updated_at = now() WHERE provider = $1 AND ref = $2 AND status <> 'ended' RETURNING subscription_id`,
      [provider, ref],
    );
    // Subscriptions linked to the provider's id before schedules were recorded stop renewing too.
    await this.q(
      `UPDATE subscriptions SET auto_renew = false, updated_at = now() WHERE (id = ANY($3::uuid[]) OR (provider = $1 AND external_id = $2)) AND auto_renew RETURNING id`,
      [provider, ref, rows.map((r) => r.subscription_id)],
    );
    return rows.length;
  }

  async eventSeen(source: PaymentMethod, eventId: string): Promise<boolean> {
    return (
      (await this.q(`SELECT 1 FROM processed_events WHERE source = $1 AND event_id = $2`, [source, eventId])).length > 0
    );
  }

  async markEvent(source: PaymentMethod, eventId: string): Promise<void> {
    await this.q(
      `INSERT INTO processed_events (source, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [source, eventId],
    );
  }

  revoke(r: Reversal, now: Date): Promise<RevokeOutcome> {
    return this.db.transaction((t) =>
      revokeOrder({ q: this.q, markStopping: (w, b, reason) => this.markStopping(w, b, reason, t) }, r, now, t),
    );
  }

  async recordTaken(revocationId: string, taken: Grants): Promise<void> {
    await this.q(`UPDATE order_revocations SET taken = $2 WHERE id = $1 RETURNING id`, [
      revocationId,
      JSON.stringify(taken),
    ]);
  }
}
