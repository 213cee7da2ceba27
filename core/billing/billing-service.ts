// Billing use cases: checkout, exactly-once fulfilment, expiry, renewal reminders and the monthly reset.
// The paying transaction (repo.payOrder) decides everything once under a row lock; the ledger credits that
// follow are keyed by the order number, so a repeat callback after a crash finishes the job and never doubles it.
import crypto from 'node:crypto';
import type { AccountService, Billing, Ledger, MagicLinks, Plan, PointPack } from '../api.ts';
import type { Msg, Reply } from '../model.ts';
import type { Clock, Notifier } from '../ports.ts';
import type { BillingRepo, CheckoutStart, OrderView, PaymentGateway, PaymentMethod, PaymentRecord } from './ports.ts';

export class BillingError extends Error {
  constructor(readonly code: 'unknown_item' | 'method_unavailable' | 'not_found' | 'gateway_failed', message = code) {
    super(message);
    this.name = 'BillingError';
  }
}

export interface BillingDeps {
  repo: BillingRepo;
  ledger: Ledger;
  notifier: Notifier;
  accounts: Pick<AccountService, 'targets'>;
  clock: Clock;
  timezone: string;
  gateways: Partial<Record<PaymentMethod, PaymentGateway>>;
  links?: MagicLinks;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/** "2026-11": the month `now` falls in, in the configured timezone. */
export function periodOf(now: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

/** ≤ 20 alphanumerics (ECPay MerchantTradeNo): the first order's number + `R` + count, or a digest if too long. */
export function renewalOrderNumber(firstOrder: string, count: number): string {
  const plain = `${firstOrder}R${count}`;
  return plain.length <= 20 ? plain : `RN${crypto.createHash('sha256').update(plain).digest('hex').slice(0, 18).toUpperCase()}`;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
const REMIND_DAYS = 3;

export class BillingService implements Billing {
  constructor(private readonly d: BillingDeps) {}

  plans(): Promise<Plan[]> { return this.d.repo.plans(); }
  packs(): Promise<PointPack[]> { return this.d.repo.packs(); }

  /**
   * Creates a pending order and what the browser needs to pay it. Plans through ECPay renew monthly by card
   * (periodic payment) unless `autoRenew: false` asks for a one-off payment with every method and reminders.
   */
  async checkout(userId: string, item: { kind: 'plan' | 'pack'; slug: string }, method: PaymentMethod, opts: { autoRenew?: boolean } = {}): Promise<{ order: OrderView; start: CheckoutStart }> {
    const gateway = this.d.gateways[method];
    if (!gateway) throw new BillingError('method_unavailable');
    const autoRenew = item.kind === 'plan' && method === 'ecpay' && opts.autoRenew !== false;
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

  async fulfilPaidOrder(orderNumber: string, payment: PaymentRecord): Promise<'fulfilled' | 'already' | 'rejected'> {
    const now = this.d.clock.now();
    const r = await this.d.repo.payOrder(orderNumber, payment, { now, period: periodOf(now, this.d.timezone) });
    if (r.outcome === 'rejected') {
      this.d.log?.warn({ orderNumber, provider: payment.provider, amount: payment.amountMinor, reason: r.reason }, 'payment rejected');
      return 'rejected';
    }
    await this.grant(r.order);
    if (r.outcome === 'paid') {
      this.d.log?.info({ orderNumber, provider: payment.provider }, 'order fulfilled');
      await this.notify(r.order).catch((err) => this.d.log?.warn({ err, orderNumber }, 'purchase notice not delivered'));
      return 'fulfilled';
    }
    return 'already';
  }

  /**
   * The `count`-th successful charge a provider made by itself for the plan bought with `firstOrder` (ECPay
   * TotalSuccessTimes; the first is fulfilled from the checkout's own callback). Becomes its own order, numbered
   * from the first order and the count, and is fulfilled through fulfilPaidOrder, so each count counts once.
   */
  async fulfilRenewal(firstOrder: string, count: number, payment: PaymentRecord, opts: { last: boolean }): Promise<'fulfilled' | 'already' | 'rejected'> {
    const orderNumber = renewalOrderNumber(firstOrder, count);
    const order = await this.d.repo.createRenewal(firstOrder, orderNumber, !opts.last);
    if (!order) {
      this.d.log?.warn({ firstOrder, count, provider: payment.provider }, 'renewal for an order that cannot be renewed');
      return 'rejected';
    }
    return this.fulfilPaidOrder(orderNumber, payment);
  }

  private async grant(o: OrderView): Promise<void> {
    if (o.allowancePeriod && o.features) await this.d.ledger.allocateMonthly(o.userId, o.features, o.allowancePeriod);
    for (const [bucket, amount] of Object.entries(o.grants ?? {})) {
      if (!amount) continue;
      await this.d.ledger.credit(o.userId, bucket as keyof NonNullable<OrderView['grants']>, amount, 'purchase', `order:${o.orderNumber}:${bucket}`, o.orderNumber);
    }
  }

  private async notify(o: OrderView): Promise<void> {
    const message: Msg = o.kind === 'plan' && o.renewal
      ? { key: 'web.notice.plan_renewed', params: { plan: o.itemName, until: day(o.subscriptionEnd), invoice: o.invoiceNumber ?? '' } }
      : o.kind === 'plan'
      ? { key: 'web.notice.plan_active', params: { plan: o.itemName, until: day(o.subscriptionEnd), invoice: o.invoiceNumber ?? '' } }
      : { key: 'web.notice.pack_added', params: { points: o.packPoints ?? 0, invoice: o.invoiceNumber ?? '' } };
    await this.pushAll(o.userId, [{ kind: 'text', message }], `order-paid:${o.orderNumber}`);
  }

  private async pushAll(userId: string, replies: Reply[], key: string): Promise<void> {
    for (const target of await this.d.accounts.targets(userId)) {
      await this.d.notifier.push(target, replies, { idempotencyKey: `${key}:${target.platform}:${target.chatId}` });
    }
  }

  expireSubscriptions(now: Date): Promise<number> { return this.d.repo.expireDue(now); }

  async sendRenewalReminders(now: Date): Promise<number> {
    const due = await this.d.repo.dueForReminder(now, new Date(now.getTime() + REMIND_DAYS * 86_400_000));
    let sent = 0;
    for (const s of due) {
      if (!(await this.d.repo.markReminded(s.subscriptionId, now))) continue; // another worker took it
      const message: Msg = { key: 'web.notice.renewal_reminder', params: { plan: s.planName, date: day(s.endDate) } };
      const url = this.d.links ? await this.d.links.linkFor(s.userId, '/plans') : null;
      const reply: Reply = url ? { kind: 'link', message, url, label: { key: 'web.notice.renew_button' } } : { kind: 'text', message };
      await this.pushAll(s.userId, [reply], `renewal:${s.subscriptionId}:${day(s.endDate)}`).catch((err) => this.d.log?.warn({ err }, 'renewal reminder not delivered'));
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
