// What billing needs from storage and from the payment gateways (implemented in infra/db/billing-repo.ts and
// infra/payments/*), and the provider-neutral events the payment routes hand in. Money is integers: TWD whole
// dollars, USD cents. docs/payments.md says what each provider sends and how it maps onto these.
import type { PlanFeatures, Plan, PointPack, TierSlug } from '../api.ts';
import type { PointBucket } from '../model.ts';

export type PaymentMethod = 'ecpay' | 'paddle';
export type Grants = Partial<Record<PointBucket, number>>;

export interface OrderView {
  orderNumber: string;
  userId: string;
  kind: 'plan' | 'pack';
  status: 'pending' | 'paid' | 'failed' | 'canceled' | 'refunded';
  method: PaymentMethod;
  amountMinor: number;
  currency: 'TWD' | 'USD';
  itemName: string;
  planSlug: TierSlug | null;
  packPoints: number | null;
  /** The Paddle catalog price of the plan or pack (plans.paddle_price_id), sent instead of an ad-hoc price. */
  paddlePriceId: string | null;
  grants: Grants | null;
  subscriptionEnd: Date | null;
  invoiceNumber: string | null;
  paidAt: Date | null;
  /** What the accepted payment came to (tax included); null until paid. */
  paidMinor: number | null;
  /** A plan whose provider charges it by itself every month (ECPay periodic card payment, Paddle subscription). */
  autoRenew: boolean;
  /** The plan's allowances (plan orders). */
  features: PlanFeatures | null;
  /** A renewal the provider charged by itself (its first order's number is kept on the order). */
  renewal: boolean;
  /** The period ("2026-12") whose monthly allowance this paid renewal gives (ledger.allocateMonthly, once per period). */
  allowancePeriod: string | null;
  /** Why a payment that arrived for this order was not accepted (the order stays unpaid). */
  problem: 'amount_mismatch' | 'stale_renewal' | null;
}

export interface PaymentRecord {
  provider: PaymentMethod;
  /** The provider's id of this charge: ECPay TradeNo (or Gwsr for a periodic charge), Paddle transaction id. */
  externalId: string;
  /** What the customer paid in all (ECPay TradeAmt / Amount; Paddle details.totals.grand_total). */
  amountMinor: number;
  /** Tax included in amountMinor (Paddle grand_total_tax, else tax); ECPay prices include tax: 0. */
  taxMinor?: number;
  /** Discount taken off before payment (Paddle details.totals.discount); ECPay: 0. */
  discountMinor?: number;
  currency: 'TWD' | 'USD';
  /** The provider-side schedule this payment starts (Paddle: the subscription's sub_ id); set by core for ECPay. */
  scheduleRef?: string;
  raw: unknown;
}

export type PayOutcome =
  | { outcome: 'paid' | 'already'; order: OrderView; stopping: number }
  | { outcome: 'rejected'; reason: 'unknown_order' | 'mismatch' | 'canceled' };

export interface NewOrder {
  userId: string;
  kind: 'plan' | 'pack';
  slug: string;
  method: PaymentMethod;
  /** A plan the provider renews by itself every month. */
  autoRenew?: boolean;
}

/** A provider-side schedule that charges the customer by itself. */
export interface Schedule {
  id: string;
  provider: PaymentMethod;
  /** ECPay: the MerchantTradeNo of the periodic order's first payment; Paddle: the subscription id (sub_…). */
  ref: string;
  userId: string;
  subscriptionId: string;
  firstOrder: string;
  status: 'active' | 'stopping' | 'stopped' | 'ended';
  stopAtPeriodEnd: boolean;
  attempts: number;
}

export type StopReason = 'replaced' | 'user' | 'refund' | 'chargeback' | 'stale';

/** A refund or chargeback as the provider reports it (Paddle adjustment) or an operator records it (ECPay). */
export interface Reversal {
  provider: PaymentMethod;
  /** The adjustment's own id (Paddle adj_…; an operator's reference for ECPay): one revocation per id. */
  reversalId: string;
  /** The charge it reverses: PaymentRecord.externalId of the order's payment, or the order number itself. */
  chargeId?: string;
  orderNumber?: string;
  kind: 'refund' | 'chargeback';
  /** The provider says the whole charge is reversed (Paddle type=full). */
  full: boolean;
  /** What goes back to the customer (Paddle totals.total). */
  amountMinor: number;
}

export interface Revocation {
  id: string;
  order: OrderView;
  kind: 'refund' | 'chargeback';
  full: boolean;
  /** Points to take back, per bucket. */
  clawback: Grants;
  /** When the plan now ends (plan orders), null for packs; planEnded when that is now. */
  subscriptionEnd: Date | null;
  planEnded: boolean;
}

export type RevokeOutcome =
  | { outcome: 'revoked' | 'already'; revocation: Revocation; stopping: number }
  | { outcome: 'unknown' };

export interface BillingRepo {
  plans(): Promise<Plan[]>;
  packs(): Promise<PointPack[]>;
  /** Creates a pending order priced from the plan/pack and the method's currency; null when the item is unknown. */
  createOrder(o: NewOrder): Promise<OrderView | null>;
  order(orderNumber: string): Promise<OrderView | null>;
  /**
   * A pending renewal order `orderNumber` for a charge of `schedule` (same user, plan, amount and currency as its
   * first order), linked to the subscription it extends; the existing one on a repeat; null when the first order
   * cannot be renewed.
   */
  createRenewal(schedule: Schedule, orderNumber: string, autoRenew: boolean): Promise<OrderView | null>;
  /**
   * One transaction with the order row locked: mark paid, start or extend the subscription, record the schedule it
   * starts and mark for stopping every schedule it replaces, grants, invoice. Exactly once.
   */
  payOrder(orderNumber: string, payment: PaymentRecord, ctx: { now: Date; period: string }): Promise<PayOutcome>;
  /** Keeps a payment that was not accepted on its order (for an operator to refund), once per payment. True the first time. */
  recordProblem(
    orderNumber: string,
    problem: 'amount_mismatch' | 'stale_renewal',
    payment: PaymentRecord,
  ): Promise<boolean>;
  setExternalId(orderNumber: string, externalId: string): Promise<void>;
  currentPlan(userId: string): Promise<{ slug: TierSlug; name: string; endDate: Date | null; autoRenew: boolean }>;
  expireDue(now: Date): Promise<number>;
  /** Active subscriptions ending before `until` that have not been reminded since `since`. */
  dueForReminder(
    now: Date,
    until: Date,
  ): Promise<{ subscriptionId: string; userId: string; planName: string; endDate: Date }[]>;
  markReminded(subscriptionId: string, now: Date): Promise<boolean>;
  /** Active subscribers whose allowance for `period` was not already given by the purchase itself. */
  subscribersToReset(now: Date, period: string): Promise<{ userId: string; features: PlanFeatures }[]>;

  scheduleByRef(provider: PaymentMethod, ref: string): Promise<Schedule | null>;
  /**
   * The schedule `ref` of the paid plan order `orderNumber` (Paddle tells the subscription id after the payment):
   * recorded once; the user's other active schedules are marked for stopping. Null when the order has no
   * subscription. `stopping` counts what it marked.
   */
  linkSchedule(
    provider: PaymentMethod,
    orderNumber: string,
    ref: string,
  ): Promise<{ schedule: Schedule; stopping: number } | null>;
  /** The user's active schedule, if any, with the plan and amount it charges. */
  activeSchedule(
    userId: string,
  ): Promise<
    (Schedule & { planName: string; amountMinor: number; currency: 'TWD' | 'USD'; endDate: Date | null }) | null
  >;
  /** Marks a schedule for stopping at the provider (and its subscription as not renewing); false when it was not active. */
  requestStop(scheduleId: string, reason: StopReason, atPeriodEnd: boolean): Promise<boolean>;
  /** Schedules marked for stopping, oldest first. */
  schedulesToStop(limit: number): Promise<Schedule[]>;
  markStopped(scheduleId: string, now: Date): Promise<void>;
  markStopFailed(scheduleId: string, error: string): Promise<void>;
  /** The provider stopped charging by itself (Paddle subscription.canceled, ECPay's last ExecTimes). */
  endSchedule(provider: PaymentMethod, ref: string): Promise<number>;

  /** Provider events already handled (their own ids, e.g. Paddle event_id). */
  eventSeen(source: PaymentMethod, eventId: string): Promise<boolean>;
  markEvent(source: PaymentMethod, eventId: string): Promise<void>;

  /** One transaction with the order locked: record the reversal once, end or shorten the plan, mark schedules. */
  revoke(r: Reversal, now: Date): Promise<RevokeOutcome>;
  /** What the clawback took, once the ledger has done it. */
  recordTaken(revocationId: string, taken: Grants): Promise<void>;
}

/** What starting a payment gives the browser: a form to post (ECPay) or a hosted checkout URL (Paddle). */
export type CheckoutStart =
  | { kind: 'form'; action: string; fields: Record<string, string> }
  | { kind: 'redirect'; url: string };

export interface PaymentGateway {
  begin(order: OrderView, ctx: { now: Date }): Promise<CheckoutStart>;
  /**
   * Stops the provider-side schedule `ref` so it charges no more (ECPay CreditCardPeriodAction Action=Cancel;
   * Paddle subscription cancel, at the end of the billing period when `atPeriodEnd`). Resolves once the provider
   * confirms or says it was already stopped; throws otherwise (billing retries).
   */
  stopSchedule(ref: string, opts: { atPeriodEnd: boolean }): Promise<void>;
}

/** Per-user budget for starting checkouts. consume() is false when the user is over it. */
export interface CheckoutLimiter {
  consume(userId: string): Promise<boolean>;
}

/** What the payment routes hand to billing, already verified and translated from the provider's format. */
export type BillingEvent =
  | { kind: 'paid'; orderNumber: string; payment: PaymentRecord }
  | {
      kind: 'renewal';
      provider: PaymentMethod;
      scheduleRef: string;
      /** Unique per charge of the schedule: ECPay TotalSuccessTimes, Paddle transaction id. */
      chargeKey: string;
      /** The first order the provider says this renews (Paddle custom_data), used when the schedule is not linked yet. */
      orderHint?: string;
      /** The provider's last scheduled charge (ECPay TotalSuccessTimes = ExecTimes). */
      last?: boolean;
      payment: PaymentRecord;
    }
  | { kind: 'schedule_started'; provider: PaymentMethod; orderNumber: string; scheduleRef: string }
  | { kind: 'schedule_ended'; provider: PaymentMethod; scheduleRef: string }
  | { kind: 'reversal'; reversal: Reversal };

export type EventOutcome = 'fulfilled' | 'already' | 'rejected' | 'stale' | 'done' | 'unknown';

/** An ECPay ReturnURL callback, its CheckMacValue verified (infra/payments/ecpay.ts reads it). */
export type EcpayPaymentNotice =
  | { kind: 'paid'; orderNumber: string; tradeNo: string; amount: number }
  | { kind: 'not_paid' | 'simulated'; orderNumber: string }
  | { kind: 'invalid'; reason: 'signature' | 'merchant' | 'fields' };

/** An ECPay PeriodReturnURL callback: one authorization (`count`, the first included) of a periodic order. */
export type EcpayPeriodNotice =
  | { kind: 'paid'; orderNumber: string; count: number; execTimes: number; amount: number; gwsr: string }
  | { kind: 'not_paid' | 'simulated'; orderNumber: string; count: number; rtnCode: string }
  | { kind: 'invalid'; reason: 'signature' | 'merchant' | 'fields' };

/** A Paddle notification whose signature was verified: the envelope every event type shares. */
export interface PaddleNotification {
  event_id: string;
  event_type: string;
  data: object;
}

/** Reads a verified Paddle notification into a billing event, or says why billing does not act on it. */
export type PaddleTranslator = (n: PaddleNotification) => { event: BillingEvent } | { ignored: string };
