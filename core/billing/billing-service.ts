// Billing use cases: checkout, exactly-once fulfilment, renewals through the schedule that charged them, plan
// changes that stop the replaced schedule at the provider, refunds and chargebacks, cancelling renewal, expiry,
// reminders and the monthly reset. The paying transaction (repo.payOrder) decides everything once under a row lock;
// the ledger moves that follow are keyed by the order (or the reversal), so a repeat callback after a crash
// finishes the job and never doubles it. Rules and sources: docs/payments.md.
import { periodOf } from '../ledger/period.ts';
import { DomainError, type DomainErrorKind } from '../domain-error.ts';
import type { AccountService, Billing, Ledger, MagicLinks, Plan, PointPack } from '../api.ts';
import type { Clock, Notifier } from '../ports.ts';
import type {
  BillingEvent,
  BillingRepo,
  CheckoutLimiter,
  CheckoutStart,
  EventOutcome,
  OrderView,
  PaymentGateway,
  PaymentMethod,
  PaymentRecord,
  Reversal,
  Schedule,
} from './ports.ts';
import { settles } from './settlement.ts';
import { Notices } from './notices.ts';
import { ScheduleStops } from './schedule-stops.ts';
import { Revocations } from './revocations.ts';
import { renewalOrderNumber } from './order-numbers.ts';

export type BillingErrorCode =
  | 'unknown_item'
  | 'method_unavailable'
  | 'not_found'
  | 'gateway_failed'
  | 'too_many_checkouts';

const BILLING_KIND: Record<BillingErrorCode, DomainErrorKind> = {
  unknown_item: 'not_found',
  not_found: 'not_found',
  method_unavailable: 'conflict',
  gateway_failed: 'upstream',
  too_many_checkouts: 'rate_limited',
};

export class BillingError extends DomainError<BillingErrorCode> {
  readonly kind: DomainErrorKind = BILLING_KIND[this.code];
  constructor(code: BillingErrorCode, message: string = code) {
    super(code, message);
  }
}

export interface BillingDeps {
  repo: BillingRepo;
  ledger: Pick<Ledger, 'allocateMonthly' | 'startPlan' | 'clawback' | 'credit'>;
  notifier: Notifier;
  accounts: Pick<AccountService, 'targets'>;
  clock: Clock;
  timezone: string;
  gateways: Partial<Record<PaymentMethod, PaymentGateway>>;
  links?: MagicLinks;
  /** Per-user budget for starting checkouts (unlimited without). */
  limiter?: CheckoutLimiter;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error?(o: object, m: string): void };
}

export type RenewalCancel =
  | { outcome: 'stopped' | 'stopping'; planName: string; endDate: Date | null }
  | { outcome: 'none'; planName: string; endDate: Date | null };

/** What /me shows about the renewing schedule: "NT$299 every month until you cancel". */
export interface RenewalView {
  method: PaymentMethod;
  amountMinor: number;
  currency: 'TWD' | 'USD';
  planName: string;
}

export class BillingService implements Billing {
  private readonly notices: Notices;
  private readonly stops: ScheduleStops;
  private readonly revocations: Revocations;
  constructor(private readonly d: BillingDeps) {
    this.notices = new Notices(d.notifier, d.accounts, d.links, d.log);
    this.stops = new ScheduleStops(d.repo, d.gateways, d.clock, d.log);
    this.revocations = new Revocations(d.repo, d.ledger, this.notices, this.stops, d.clock, d.log);
  }

  plans(): Promise<Plan[]> {
    return this.d.repo.plans();
  }
  packs(): Promise<PointPack[]> {
    return this.d.repo.packs();
  }

  /**
   * Creates a pending order and what the browser needs to pay it. A plan renews by itself every month (ECPay
   * periodic card payment, Paddle subscription) unless `autoRenew: false` asks for one month paid once (ECPay, any
   * method: card, ATM, convenience store).
   */
  async checkout(
    userId: string,
    item: { kind: 'plan' | 'pack'; slug: string },
    method: PaymentMethod,
    opts: { autoRenew?: boolean } = {},
  ): Promise<{ order: OrderView; start: CheckoutStart }> {
    const gateway = this.d.gateways[method];
    if (!gateway) throw new BillingError('method_unavailable');
    if (item.kind === 'plan' && method === 'paddle' && opts.autoRenew === false)
      throw new BillingError('method_unavailable', 'one-off plans are sold through ECPay');
    if (this.d.limiter && !(await this.d.limiter.consume(userId))) throw new BillingError('too_many_checkouts');
    const autoRenew = item.kind === 'plan' && opts.autoRenew !== false;
    const order = await this.d.repo.createOrder({ userId, ...item, method, autoRenew });
    if (!order) throw new BillingError('unknown_item');
    try {
      return { order, start: await gateway.begin(order, { now: this.d.clock.now() }) };
    } catch (err) {
      this.d.log?.warn({ err, order: order.orderNumber }, 'payment gateway refused the checkout');
      throw new BillingError('gateway_failed');
    }
  }

  async order(userId: string, orderNumber: string): Promise<OrderView> {
    const o = await this.d.repo.order(orderNumber);
    if (!o || o.userId !== userId) throw new BillingError('not_found');
    return o;
  }

  /**
   * A provider event with its own id (Paddle event_id): handled once; a redelivery answers 'already'. Handling is
   * idempotent anyway, so a crash between handling and marking only repeats harmless work.
   */
  async handleOnce(source: PaymentMethod, eventId: string, event: BillingEvent | null): Promise<EventOutcome> {
    if (await this.d.repo.eventSeen(source, eventId)) return 'already';
    const outcome = event ? await this.handle(event) : 'done';
    await this.d.repo.markEvent(source, eventId);
    return outcome;
  }

  /** One verified provider event: the payment routes' only call. */
  async handle(event: BillingEvent): Promise<EventOutcome> {
    switch (event.kind) {
      case 'paid':
        return this.fulfilPaidOrder(event.orderNumber, event.payment);
      case 'renewal':
        return this.renewal(event);
      case 'schedule_started': {
        const linked = await this.d.repo.linkSchedule(event.provider, event.orderNumber, event.scheduleRef);
        if (linked?.stopping) await this.stopSchedules();
        return linked ? 'done' : 'unknown';
      }
      case 'schedule_ended':
        await this.d.repo.endSchedule(event.provider, event.scheduleRef);
        return 'done';
      case 'reversal':
        return this.revoke(event.reversal);
    }
  }

  async fulfilPaidOrder(orderNumber: string, payment: PaymentRecord): Promise<'fulfilled' | 'already' | 'rejected'> {
    const r = await this.settle(orderNumber, payment);
    return r === 'canceled' ? 'rejected' : r;
  }

  /** fulfilPaidOrder, telling a refused renewal of a replaced subscription ('canceled') apart. */
  private async settle(
    orderNumber: string,
    payment: PaymentRecord,
  ): Promise<'fulfilled' | 'already' | 'rejected' | 'canceled'> {
    const order = await this.d.repo.order(orderNumber);
    if (!order) {
      this.d.log?.warn({ orderNumber, provider: payment.provider }, 'payment for an unknown order');
      return 'rejected';
    }
    if (order.status === 'pending') {
      const verdict = settles(order, payment);
      if (!verdict.ok) {
        this.d.log?.error?.(
          {
            orderNumber,
            provider: payment.provider,
            paid: payment.amountMinor,
            price: order.amountMinor,
            reason: verdict.reason,
          },
          'payment does not settle the order: nothing granted, refund it',
        );
        if (await this.d.repo.recordProblem(orderNumber, 'amount_mismatch', payment))
          await this.notices.mismatch(order, payment);
        return 'rejected';
      }
    }
    // An ECPay plan bought with auto-renewal starts a periodic order named by its first MerchantTradeNo.
    const withSchedule =
      order.kind === 'plan' && order.method === 'ecpay' && order.autoRenew && !order.renewal
        ? { ...payment, scheduleRef: orderNumber }
        : payment;
    const now = this.d.clock.now();
    const r = await this.d.repo.payOrder(orderNumber, withSchedule, { now, period: periodOf(now, this.d.timezone) });
    if (r.outcome === 'rejected') {
      this.d.log?.warn({ orderNumber, provider: payment.provider, reason: r.reason }, 'payment rejected');
      return r.reason === 'canceled' ? 'canceled' : 'rejected';
    }
    await this.grant(r.order);
    if (r.stopping) await this.stopSchedules();
    if (r.outcome === 'paid') {
      this.d.log?.info({ orderNumber, provider: payment.provider }, 'order fulfilled');
      await this.notices.paid(r.order);
      return 'fulfilled';
    }
    return 'already';
  }

  /**
   * A charge a provider made by itself on schedule `scheduleRef`: its own order, numbered from the schedule's first
   * order and the charge, fulfilled once. A charge on a schedule that was replaced or stopped extends nothing: it is
   * kept for a refund, the stop is sent to the provider again and the user is told.
   */
  private async renewal(ev: Extract<BillingEvent, { kind: 'renewal' }>): Promise<EventOutcome> {
    let schedule = await this.d.repo.scheduleByRef(ev.provider, ev.scheduleRef);
    if (!schedule && ev.orderHint)
      schedule = (await this.d.repo.linkSchedule(ev.provider, ev.orderHint, ev.scheduleRef))?.schedule ?? null;
    if (!schedule) {
      this.d.log?.warn({ provider: ev.provider, schedule: ev.scheduleRef }, 'renewal for an unknown schedule');
      return 'unknown';
    }
    const orderNumber = renewalOrderNumber(schedule.firstOrder, ev.chargeKey);
    const order = await this.d.repo.createRenewal(schedule, orderNumber, !ev.last);
    if (!order) return 'unknown';
    if (order.status === 'pending' && schedule.status !== 'active') return this.stale(order, schedule, ev.payment);
    const r = await this.settle(orderNumber, ev.payment);
    if (r === 'canceled') return this.stale(order, schedule, ev.payment);
    if (ev.last && r !== 'rejected') await this.d.repo.endSchedule(ev.provider, ev.scheduleRef);
    return r;
  }

  private async stale(order: OrderView, schedule: Schedule, payment: PaymentRecord): Promise<EventOutcome> {
    this.d.log?.error?.(
      { order: order.orderNumber, provider: schedule.provider, schedule: schedule.ref },
      'charge on a replaced or stopped schedule: nothing granted, refund it',
    );
    const first = await this.d.repo.recordProblem(order.orderNumber, 'stale_renewal', payment);
    await this.d.repo.requestStop(schedule.id, 'stale', false);
    await this.stopSchedules();
    if (first) await this.notices.staleCharge(order, payment);
    return 'stale';
  }

  /** "Cancel renewal": the provider stops charging, the plan stays until the paid period ends. */
  async cancelRenewal(userId: string): Promise<RenewalCancel> {
    const s = await this.d.repo.activeSchedule(userId);
    if (!s) {
      const plan = await this.d.repo.currentPlan(userId);
      return { outcome: 'none', planName: plan.name, endDate: plan.endDate };
    }
    await this.d.repo.requestStop(s.id, 'user', true);
    await this.stopSchedules([s.id]);
    const after = await this.d.repo.scheduleByRef(s.provider, s.ref);
    this.d.log?.info(
      { userId, provider: s.provider, stopped: after?.status === 'stopped' },
      'renewal canceled by the user',
    );
    return { outcome: after?.status === 'stopped' ? 'stopped' : 'stopping', planName: s.planName, endDate: s.endDate };
  }

  async renewalOf(userId: string): Promise<RenewalView | null> {
    const s = await this.d.repo.activeSchedule(userId);
    return s ? { method: s.provider, amountMinor: s.amountMinor, currency: s.currency, planName: s.planName } : null;
  }

  /** Sends every pending schedule stop to its provider (see ScheduleStops); how many were stopped. */
  stopSchedules(only?: string[]): Promise<number> {
    return this.stops.run(only);
  }

  /** A refund or chargeback reported by a provider (see Revocations). */
  revoke(reversal: Reversal): Promise<EventOutcome> {
    return this.revocations.revoke(reversal);
  }

  /** A refund or chargeback an operator records (ECPay sends no notice of them). */
  revokeByOperator(orderNumber: string, kind: 'refund' | 'chargeback') {
    return this.revocations.byOperator(orderNumber, kind);
  }

  private async grant(o: OrderView): Promise<void> {
    if (o.kind === 'plan' && o.allowancePeriod && o.features) {
      // A new plan replaces the monthly allowance; a renewal starts the next month's.
      if (o.renewal) await this.d.ledger.allocateMonthly(o.userId, o.features, o.allowancePeriod);
      else
        await this.d.ledger.startPlan(o.userId, o.features, o.allowancePeriod, `order:${o.orderNumber}`, o.orderNumber);
    }
    if (o.kind === 'pack' && o.grants?.purchased) {
      await this.d.ledger.credit(
        o.userId,
        'purchased',
        o.grants.purchased,
        'purchase',
        `order:${o.orderNumber}:purchased`,
        o.orderNumber,
      );
    }
  }

  /** Hourly: subscriptions past their end expire; schedule stops that failed are sent again. */
  async expireSubscriptions(now: Date): Promise<number> {
    await this.stopSchedules().catch((err) => this.d.log?.warn({ err }, 'retrying schedule stops failed'));
    return this.d.repo.expireDue(now);
  }

  async sendRenewalReminders(now: Date): Promise<number> {
    const due = await this.d.repo.dueForReminder(now, new Date(now.getTime() + 3 * 86_400_000));
    let sent = 0;
    for (const s of due) {
      if (!(await this.d.repo.markReminded(s.subscriptionId, now))) continue; // another worker took it
      await this.notices.reminder(s);
      sent++;
    }
    return sent;
  }

  async monthlyReset(now: Date): Promise<number> {
    const period = periodOf(now, this.d.timezone);
    let n = 0;
    for (const s of await this.d.repo.subscribersToReset(now, period)) {
      if (await this.d.ledger.allocateMonthly(s.userId, s.features, period)) n++;
    }
    return n;
  }
}
