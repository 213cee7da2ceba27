// An order as the billing SQL reads it (orders joined with its plan or pack, subscription and invoice), and the view
// core/billing sees; shared by the repository and the revocation path.
import type { Transaction } from 'sequelize';
import type { PlanFeatures, TierSlug } from '../../core/api.ts';
import type { Grants, OrderView, PaymentMethod } from '../../core/billing/ports.ts';

export interface OrderRow {
  id: string;
  order_number: string;
  user_id: string;
  kind: 'plan' | 'pack';
  status: OrderView['status'];
  payment_method: PaymentMethod;
  amount_minor: number;
  currency: 'TWD' | 'USD';
  plan_id: string | null;
  plan_slug: TierSlug | null;
  plan_name: string | null;
  features: PlanFeatures | null;
  pack_name: string | null;
  pack_points: number | null;
  grants: Grants | null;
  end_date: Date | null;
  invoice_number: string | null;
  paid_at: Date | null;
  paid_minor: number | null;
  paddle_price_id: string | null;
  auto_renew: boolean;
  allowance_period: string | null;
  subscription_id: string | null;
  renews_order: string | null;
  problems: Record<string, { problem: OrderView['problem'] }> | null;
}

export const ORDER_SELECT = `
  SELECT o.id, o.order_number, o.user_id, o.kind, o.status, o.payment_method, o.amount_minor, o.currency, o.plan_id, o.grants, o.paid_at,
         o.paid_minor, o.auto_renew, o.allowance_period, o.subscription_id, o.renews_order, o.payment_data->'problems' AS problems,
         p.slug AS plan_slug, p.name AS plan_name, p.features, k.name AS pack_name, k.points AS pack_points,
         COALESCE(p.paddle_price_id, k.paddle_price_id) AS paddle_price_id, s.end_date, i.invoice_number
    FROM orders o
    LEFT JOIN plans p ON p.id = o.plan_id
    LEFT JOIN point_packs k ON k.id = o.pack_id
    LEFT JOIN subscriptions s ON s.id = o.subscription_id
    LEFT JOIN invoices i ON i.order_id = o.id`;

export const toView = (r: OrderRow): OrderView => ({
  orderNumber: r.order_number,
  userId: r.user_id,
  kind: r.kind,
  status: r.status,
  method: r.payment_method,
  amountMinor: r.amount_minor,
  currency: r.currency,
  itemName: (r.plan_name ?? r.pack_name)!,
  planSlug: r.plan_slug,
  packPoints: r.pack_points,
  paddlePriceId: r.paddle_price_id,
  grants: r.grants,
  subscriptionEnd: r.end_date,
  invoiceNumber: r.invoice_number,
  paidAt: r.paid_at,
  paidMinor: r.paid_minor,
  autoRenew: r.auto_renew,
  features: r.features,
  allowancePeriod: r.allowance_period,
  renewal: r.renews_order !== null,
  problem: Object.values(r.problems ?? {})[0]?.problem ?? null,
});

export type Query = <T extends object>(sql: string, bind?: unknown[], transaction?: Transaction) => Promise<T[]>;
