// Refunds and chargebacks. The revoking transaction (BillingRepo.revoke) decides once, under the order's lock,
// what comes back: the plan loses the month the order paid for (ending now if that was all), the schedule that
// charged it stops, and the points it granted (all of them, or the refunded share) are taken out of the balance
// here with reversing ledger entries, never below zero; what was already spent is recorded as the shortfall.
// Once per reversal id; a replay redoes only what a crash may have left undone.
import type { Ledger } from '../api.ts';
import type { Clock } from '../ports.ts';
import type { BillingRepo, EventOutcome, Grants, Reversal } from './ports.ts';
import type { Notices } from './notices.ts';
import type { ScheduleStops } from './schedule-stops.ts';

export interface RevocationResult {
  outcome: EventOutcome;
  taken: number;
  shortfall: number;
}

export class Revocations {
  constructor(
    private readonly repo: BillingRepo,
    private readonly ledger: Pick<Ledger, 'clawback'>,
    private readonly notices: Notices,
    private readonly stops: ScheduleStops,
    private readonly clock: Clock,
    private readonly log?: { info(o: object, m: string): void; warn(o: object, m: string): void },
  ) {}

  async revoke(reversal: Reversal): Promise<EventOutcome> {
    return (await this.once(reversal)).outcome;
  }

  /**
   * An operator records a refund or chargeback made outside our callbacks (ECPay sends no refund notice: refunds
   * are made in its vendor dashboard or its CreditDetail/DoAction API). The whole order, once per order and kind.
   */
  async byOperator(orderNumber: string, kind: 'refund' | 'chargeback'): Promise<RevocationResult> {
    const o = await this.repo.order(orderNumber);
    if (!o || (o.status !== 'paid' && o.status !== 'refunded')) return { outcome: 'unknown', taken: 0, shortfall: 0 };
    return this.once({
      provider: o.method,
      reversalId: `operator:${orderNumber}:${kind}`,
      orderNumber,
      kind,
      full: true,
      amountMinor: o.paidMinor ?? o.amountMinor,
    });
  }

  private async once(reversal: Reversal): Promise<RevocationResult> {
    const r = await this.repo.revoke(reversal, this.clock.now());
    if (r.outcome === 'unknown') {
      this.log?.warn(
        { provider: reversal.provider, reversal: reversal.reversalId },
        'refund or chargeback for an unknown payment',
      );
      return { outcome: 'unknown', taken: 0, shortfall: 0 };
    }
    const rev = r.revocation;
    const taken: Grants = {};
    let shortfall = 0;
    for (const [bucket, amount] of Object.entries(rev.clawback) as [keyof Grants, number][]) {
      if (!amount) continue;
      const c = await this.ledger.clawback(
        rev.order.userId,
        bucket,
        amount,
        `${rev.kind}_clawback`,
        `revoke:${rev.id}:${bucket}`,
        rev.order.orderNumber,
      );
      taken[bucket] = c.taken;
      shortfall += c.shortfall;
    }
    await this.repo.recordTaken(rev.id, taken);
    if (r.stopping) await this.stops.run();
    if (r.outcome === 'revoked')
      this.log?.info({ order: rev.order.orderNumber, kind: rev.kind, full: rev.full, shortfall }, 'order revoked');
    // Told again on a replay under the same key: a crash before the notice heals, the chat hub delivers it once.
    await this.notices.revoked(rev, taken, shortfall);
    const n = Object.values(taken).reduce((a, b) => a + (b ?? 0), 0);
    return { outcome: r.outcome === 'revoked' ? 'done' : 'already', taken: n, shortfall };
  }
}
