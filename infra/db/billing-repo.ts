// SQL behind core/billing: plans, packs, orders, subscriptions and invoices on PostgreSQL.
// payOrder is the one place an order becomes paid: a single transaction holding the order row lock, so any
// number of concurrent or repeated callbacks see either "pending → paid" once or "already".
import crypto from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Plan, PlanFeatures, PointPack, TierSlug } from '../../core/api.ts';
import type { BillingRepo, Grants, NewOrder, OrderView, PayOutcome, PaymentRecord } from '../../core/billing/ports.ts';

interface OrderRow {
  order_number: string; user_id: string; kind: 'plan' | 'pack'; status: OrderView['status']; payment_method: 'ecpay' | 'paddle';
  amount_minor: number; currency: 'TWD' | 'USD'; plan_id: string | null; plan_slug: TierSlug | null; plan_name: string | null;
  features: PlanFeatures | null; pack_name: string | null; pack_points: number | null; grants: Grants | null;
  end_date: Date | null; invoice_number: string | null; paid_at: Date | null;
  auto_renew: boolean; allowance_period: string | null; subscription_id: string | null; renews_order: string | null;
}

const ORDER_SELECT = `
  SELECT o.order_number, o.user_id, o.kind, o.status, o.payment_method, o.amount_minor, o.currency, o.plan_id, o.grants, o.paid_at,
         o.auto_renew, o.allowance_period, o.subscription_id, o.renews_order,
         p.slug AS plan_slug, p.name AS plan_name, p.features, k.name AS pack_name, k.points AS pack_points,
         s.end_date, i.invoice_number
    FROM orders o
    LEFT JOIN plans p ON p.id = o.plan_id
    LEFT JOIN point_packs k ON k.id = o.pack_id
    LEFT JOIN subscriptions s ON s.id = o.subscription_id
    LEFT JOIN invoices i ON i.order_id = o.id`;

const toView = (r: OrderRow): OrderView => ({
  orderNumber: r.order_number, userId: r.user_id, kind: r.kind, status: r.status, method: r.payment_method,
  amountMinor: r.amount_minor, currency: r.currency, itemName: (r.plan_name ?? r.pack_name)!, planSlug: r.plan_slug,
  packPoints: r.pack_points, grants: r.grants, subscriptionEnd: r.end_date, invoiceNumber: r.invoice_number, paidAt: r.paid_at,
  autoRenew: r.auto_renew, features: r.features, allowancePeriod: r.allowance_period, renewal: r.renews_order !== null,
});

/** Alphanumeric, at most 20 characters (ECPay MerchantTradeNo). */
export const newOrderNumber = () => `VG${Date.now().toString(36).toUpperCase()}${crypto.randomBytes(3).toString('hex').toUpperCase()}`;

export class SqlBillingRepo implements BillingRepo {
  constructor(private readonly db: Sequelize) {}

  private q<T extends object>(sql: string, bind: unknown[] = [], transaction?: Transaction): Promise<T[]> {
    return this.db.query<T>(sql, { bind, type: QueryTypes.SELECT, transaction });
  }

  async plans(): Promise<Plan[]> {
    const rows = await this.q<{ id: string; slug: TierSlug; name: string; description: string; price_twd: number; price_usd_cents: number; features: PlanFeatures; paddle_price_id: string | null }>(
      'SELECT * FROM plans WHERE is_active ORDER BY sort_order');
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, description: r.description ?? '', priceTwd: r.price_twd,
      priceUsdCents: r.price_usd_cents, features: r.features, paddlePriceId: r.paddle_price_id ?? undefined }));
  }

  async packs(): Promise<PointPack[]> {
    const rows = await this.q<{ id: string; slug: string; name: string; points: number; price_twd: number; price_usd_cents: number; paddle_price_id: string | null }>(
      'SELECT * FROM point_packs WHERE is_active ORDER BY sort_order');
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, points: r.points, priceTwd: r.price_twd,
      priceUsdCents: r.price_usd_cents, paddlePriceId: r.paddle_price_id ?? undefined }));
  }

  async createOrder(o: NewOrder): Promise<OrderView | null> {
    const table = o.kind === 'plan' ? 'plans' : 'point_packs';
    const currency = o.method === 'ecpay' ? 'TWD' : 'USD';
    const number = o.orderNumber ?? newOrderNumber();
    // Free tiers are not sold.
    const [item] = await this.q<{ id: string; price: number }>(
      `SELECT id, ${currency === 'TWD' ? 'price_twd' : 'price_usd_cents'} AS price FROM ${table} WHERE slug = $1 AND is_active AND price_twd > 0`, [o.slug]);
    if (!item) return null;
    await this.db.query(
      `INSERT INTO orders (order_number, user_id, kind, plan_id, pack_id, amount_minor, currency, payment_method, auto_renew)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_number) DO NOTHING`,
      { bind: [number, o.userId, o.kind, o.kind === 'plan' ? item.id : null, o.kind === 'pack' ? item.id : null, item.price, currency, o.method,
        o.kind === 'plan' && o.method === 'ecpay' && o.autoRenew === true] });
    return this.order(number);
  }

  /**
   * A renewal the provider charged by itself: the first order's plan, amount (what the customer agreed to and the
   * provider charges, e.g. ECPay's PeriodAmount) and currency, linked before payment to the subscription it extends.
   * Only a paid plan order with a subscription can be renewed; repeats find the same order (ON CONFLICT).
   */
  async createRenewal(first: string, number: string, autoRenew: boolean): Promise<OrderView | null> {
    await this.db.query(
      `INSERT INTO orders (order_number, user_id, kind, plan_id, amount_minor, currency, payment_method, subscription_id, auto_renew, renews_order)
       SELECT $1, user_id, 'plan', plan_id, amount_minor, currency, payment_method, subscription_id, $3, order_number FROM orders
        WHERE order_number = $2 AND kind = 'plan' AND status = 'paid' AND subscription_id IS NOT NULL
       ON CONFLICT (order_number) DO NOTHING`, { bind: [number, first, autoRenew] });
    return this.order(number);
  }

  async order(orderNumber: string, t?: Transaction, lock = false): Promise<OrderView | null> {
    const [row] = await this.q<OrderRow>(`${ORDER_SELECT} WHERE o.order_number = $1${lock ? ' FOR UPDATE OF o' : ''}`, [orderNumber], t);
    return row ? toView(row) : null;
  }

  payOrder(orderNumber: string, pay: PaymentRecord, ctx: { now: Date; period: string }): Promise<PayOutcome> {
    return this.db.transaction(async (t) => {
      const [o] = await this.q<OrderRow & { id: string }>(`${ORDER_SELECT.replace('SELECT o.order_number', 'SELECT o.id, o.order_number')} WHERE o.order_number = $1 FOR UPDATE OF o`, [orderNumber], t);
      if (!o) return { outcome: 'rejected', reason: 'unknown_order' } as const;
      if (o.status === 'paid') return { outcome: 'already', order: toView(o) } as const;
      if (o.status === 'canceled') return { outcome: 'rejected', reason: 'canceled' } as const;
      if (o.payment_method !== pay.provider || o.amount_minor !== pay.amountMinor || o.currency !== pay.currency) {
        return { outcome: 'rejected', reason: 'mismatch' } as const;
      }
      let grants: Grants = {};
      let subscriptionId: string | null = null;
      let allowancePeriod: string | null = null;
      if (o.kind === 'plan' && o.renews_order && o.subscription_id) {
        // A provider-charged renewal (ECPay period): extend its own subscription by a month from where it ends, even
        // if the hourly expiry got there first (ECPay charges around the end date), unless it was replaced.
        const [sub] = await this.q<{ id: string; status: string; points_period: string | null }>(
          `SELECT id, status, points_period FROM subscriptions WHERE id = $1 FOR UPDATE`, [o.subscription_id], t);
        const [other] = await this.q(`SELECT id FROM subscriptions WHERE user_id = $1 AND status = 'active' AND id <> $2 AND end_date > $3`, [o.user_id, o.subscription_id, ctx.now], t);
        if (!sub || sub.status === 'canceled' || (sub.status !== 'active' && other)) return { outcome: 'rejected', reason: 'canceled' } as const;
        await this.q(`UPDATE subscriptions SET end_date = end_date + interval '1 month', status = 'active', auto_renew = $2, updated_at = now() WHERE id = $1 RETURNING id`,
          [sub.id, o.auto_renew], t);
        if (sub.points_period !== ctx.period) {
          // This month's allowance is not yet the purchase's: the renewal allocates it (once per user and period).
          await this.q(`UPDATE subscriptions SET points_period = $2 WHERE id = $1 RETURNING id`, [sub.id, ctx.period], t);
          allowancePeriod = ctx.period;
        }
        subscriptionId = sub.id;
      } else if (o.kind === 'plan') {
        const [active] = await this.q<{ id: string; plan_id: string; end_date: Date }>(
          `SELECT id, plan_id, end_date FROM subscriptions WHERE user_id = $1 AND status = 'active' ORDER BY end_date DESC LIMIT 1 FOR UPDATE`, [o.user_id], t);
        if (active && active.plan_id === o.plan_id && active.end_date > ctx.now) {
          // A renewal of the running plan: one more month; its allowance comes with the monthly reset.
          await this.q(`UPDATE subscriptions SET end_date = end_date + interval '1 month', updated_at = now() WHERE id = $1 RETURNING id`, [active.id], t);
          subscriptionId = active.id;
        } else {
          await this.q(`UPDATE subscriptions SET status = 'canceled', end_date = $2, updated_at = now() WHERE user_id = $1 AND status = 'active' RETURNING id`, [o.user_id, ctx.now], t);
          const [s] = await this.q<{ id: string }>(
            `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date, provider, external_id, points_period, auto_renew)
             VALUES ($1, $2, 'active', $3, $3::timestamptz + interval '1 month', $4, $5, $6, $7) RETURNING id`,
            [o.user_id, o.plan_id, ctx.now, pay.provider, pay.externalId, ctx.period, pay.provider === 'paddle' || o.auto_renew], t);
          subscriptionId = s!.id;
          grants = { monthly_pollo: o.features!.monthly_pollo_points, monthly_goenhance: o.features!.monthly_goenhance_points };
        }
      } else {
        grants = { purchased: o.pack_points! };
      }
      await this.q(
        `UPDATE orders SET status = 'paid', paid_at = $2, external_id = $3, grants = $4, subscription_id = $5,
           payment_data = payment_data || jsonb_build_object('payment', $6::jsonb), allowance_period = $7, updated_at = now()
         WHERE id = $1 RETURNING id`,
        [o.id, ctx.now, pay.externalId, JSON.stringify(grants), subscriptionId, JSON.stringify(pay.raw ?? null), allowancePeriod], t);
      await this.q(
        `INSERT INTO invoices (order_id, user_id, invoice_number, amount_minor, currency)
         VALUES ($1, $2, 'VG' || $3 || lpad(nextval('invoice_number_seq')::text, 6, '0'), $4, $5) RETURNING id`,
        [o.id, o.user_id, ctx.period.replace('-', ''), o.amount_minor, o.currency], t);
      return { outcome: 'paid', order: (await this.order(orderNumber, t))! } as const;
    });
  }

  async setExternalId(orderNumber: string, externalId: string): Promise<void> {
    await this.db.query('UPDATE orders SET external_id = $2, updated_at = now() WHERE order_number = $1', { bind: [orderNumber, externalId] });
  }

  async currentPlan(userId: string) {
    const [row] = await this.q<{ slug: TierSlug; name: string; end_date: Date; auto_renew: boolean }>(
      `SELECT p.slug, p.name, s.end_date, s.auto_renew FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.user_id = $1 AND s.status = 'active' AND s.end_date > now() ORDER BY s.end_date DESC LIMIT 1`, [userId]);
    return row ? { slug: row.slug, name: row.name, endDate: row.end_date, autoRenew: row.auto_renew } : { slug: 'demo' as const, name: 'Demo', endDate: null, autoRenew: false };
  }

  async expireDue(now: Date): Promise<number> {
    const rows = await this.q(`UPDATE subscriptions SET status = 'expired', updated_at = now() WHERE status = 'active' AND end_date <= $1 RETURNING id`, [now]);
    return rows.length;
  }

  async dueForReminder(now: Date, until: Date) {
    const rows = await this.q<{ id: string; user_id: string; name: string; end_date: Date }>(
      `SELECT s.id, s.user_id, p.name, s.end_date FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.status = 'active' AND s.end_date > $1 AND s.end_date <= $2
          AND (s.reminder_sent_at IS NULL OR s.reminder_sent_at < s.end_date - interval '1 month')
          -- auto_renew is set only where the provider charges by itself (ECPay periodic card payment, a Paddle
          -- subscription until it is canceled): a reminder to pay would be wrong there.
          AND NOT s.auto_renew`, [now, until]);
    return rows.map((r) => ({ subscriptionId: r.id, userId: r.user_id, planName: r.name, endDate: r.end_date }));
  }

  async markReminded(subscriptionId: string, now: Date): Promise<boolean> {
    const rows = await this.q(
      `UPDATE subscriptions SET reminder_sent_at = $2 WHERE id = $1
         AND (reminder_sent_at IS NULL OR reminder_sent_at < end_date - interval '1 month') RETURNING id`, [subscriptionId, now]);
    return rows.length === 1;
  }

  async subscribersToReset(now: Date, period: string) {
    const rows = await this.q<{ user_id: string; features: PlanFeatures }>(
      `SELECT DISTINCT ON (s.user_id) s.user_id, p.features FROM subscriptions s JOIN plans p ON p.id = s.plan_id
        WHERE s.status = 'active' AND s.end_date > $1 AND s.points_period IS DISTINCT FROM $2
        ORDER BY s.user_id, s.end_date DESC`, [now, period]);
    return rows.map((r) => ({ userId: r.user_id, features: r.features }));
  }

  async linkSubscription(orderNumber: string, externalId: string): Promise<void> {
    await this.db.query(
      `UPDATE subscriptions SET external_id = $2, updated_at = now() WHERE id = (SELECT subscription_id FROM orders WHERE order_number = $1)`,
      { bind: [orderNumber, externalId] });
  }

  async stopRenewal(externalId: string): Promise<number> {
    const rows = await this.q(`UPDATE subscriptions SET auto_renew = false, updated_at = now() WHERE external_id = $1 RETURNING id`, [externalId]);
    return rows.length;
  }
}
