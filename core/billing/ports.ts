// What billing needs from storage and from the payment gateways (implemented in infra/db/billing-repo.ts and
// infra/payments/*). Money is integers: TWD whole dollars, USD cents.
import type { PlanFeatures, Plan, PointPack, TierSlug } from '../api.ts';
import type { PointBucket } from '../model.ts';

export type PaymentMethod = 'ecpay' | 'paddle';
export type Grants = Partial<Record<PointBucket, number>>;

export interface OrderView {
  orderNumber: string;
  userId: string;
  kind: 'plan' | 'pack';
  status: 'pending' | 'paid' | 'failed' | 'canceled';
  method: PaymentMethod;
  amountMinor: number;
  currency: 'TWD' | 'USD';
  itemName: string;
  planSlug: TierSlug | null;
  packPoints: number | null;
  grants: Grants | null;
  subscriptionEnd: Date | null;
  invoiceNumber: string | null;
  paidAt: Date | null;
  /** A plan bought with monthly auto-renewal (ECPay periodic card payment); on a renewal: more renewals follow. */
  autoRenew: boolean;
  /** The plan's allowances (plan orders). */
  features: PlanFeatures | null;
  /** A renewal the provider charged by itself (its first order's number is kept on the order). */
  renewal: boolean;
  /** The period ("2026-12") whose monthly allowance this paid renewal gives (ledger.allocateMonthly, once per period). */
  allowancePeriod: string | null;
}

export interface PaymentRecord {
  provider: PaymentMethod;
  externalId: string;
  amountMinor: number;
  currency: 'TWD' | 'USD';
  raw: unknown;
}

export type PayOutcome =
  | { outcome: 'paid' | 'already'; order: OrderView }
  | { outcome: 'rejected'; reason: 'unknown_order' | 'mismatch' | 'canceled' };

export interface NewOrder {
  userId: string;
  kind: 'plan' | 'pack';
  slug: string;
  method: PaymentMethod;
  /** Given for deterministic orders (a provider's renewal); generated otherwise. */
  orderNumber?: string;
  /** Plans via ECPay: ask for monthly periodic card payments. */
  autoRenew?: boolean;
}

export interface BillingRepo {
  plans(): Promise<Plan[]>;
  packs(): Promise<PointPack[]>;
  /** Creates a pending order priced from the plan/pack and the method's currency; null when the item is unknown. */
  createOrder(o: NewOrder): Promise<OrderView | null>;
  order(orderNumber: string): Promise<OrderView | null>;
  /**
   * A pending renewal order `orderNumber` of the paid plan order `firstOrder` (same user, plan, amount, currency),
   * linked to the subscription it extends; the existing one on a repeat; null when `firstOrder` cannot be renewed.
   */
  createRenewal(firstOrder: string, orderNumber: string, autoRenew: boolean): Promise<OrderView | null>;
  /** One transaction with the order row locked: mark paid, subscription, grants, invoice. Exactly once. */
  payOrder(orderNumber: string, payment: PaymentRecord, ctx: { now: Date; period: string }): Promise<PayOutcome>;
  setExternalId(orderNumber: string, externalId: string): Promise<void>;
  currentPlan(userId: string): Promise<{ slug: TierSlug; name: string; endDate: Date | null; autoRenew: boolean }>;
  expireDue(now: Date): Promise<number>;
  /** Active subscriptions ending before `until` that have not been reminded since `since`. */
  dueForReminder(now: Date, until: Date): Promise<{ subscriptionId: string; userId: string; planName: string; endDate: Date }[]>;
  markReminded(subscriptionId: string, now: Date): Promise<boolean>;
  /** Active subscribers whose allowance for `period` was not already given by the purchase itself. */
  subscribersToReset(now: Date, period: string): Promise<{ userId: string; features: PlanFeatures }[]>;
  /** Provider-side subscription events (Paddle): link or stop renewing. */
  linkSubscription(orderNumber: string, externalId: string): Promise<void>;
  stopRenewal(externalId: string): Promise<number>;
}

/** What starting a payment gives the browser: a form to post (ECPay) or a hosted checkout URL (Paddle). */
export type CheckoutStart = { kind: 'form'; action: string; fields: Record<string, string> } | { kind: 'redirect'; url: string };

export interface PaymentGateway {
  begin(order: OrderView, ctx: { now: Date }): Promise<CheckoutStart>;
}
