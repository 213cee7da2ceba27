// Stopping provider-side renewal schedules. A stop is first marked in the database (in the transaction that
// decides it: a plan change, a refund, the user's "cancel renewal"), then sent to the provider here — ECPay
// CreditCardPeriodAction Cancel, Paddle subscription cancel — so a crash in between leaves it pending, never lost.
// A failure stays pending and is sent again by the hourly expiry job.
import type { Clock } from '../ports.ts';
import type { BillingRepo, PaymentGateway, PaymentMethod } from './ports.ts';

const BATCH = 50;

export class ScheduleStops {
  constructor(
    private readonly repo: BillingRepo,
    private readonly gateways: Partial<Record<PaymentMethod, PaymentGateway>>,
    private readonly clock: Clock,
    private readonly log?: { warn(o: object, m: string): void },
  ) {}

  /** Sends the pending stops (only those with the given ids, when given); returns how many were stopped. */
  async run(only?: string[]): Promise<number> {
    let stopped = 0;
    for (const s of await this.repo.schedulesToStop(BATCH)) {
      if (only && !only.includes(s.id)) continue;
      const gateway = this.gateways[s.provider];
      try {
        if (!gateway) throw new Error(`${s.provider} is not configured`);
        await gateway.stopSchedule(s.ref, { atPeriodEnd: s.stopAtPeriodEnd });
        await this.repo.markStopped(s.id, this.clock.now());
        stopped++;
      } catch (err) {
        this.log?.warn(
          { err, provider: s.provider, schedule: s.ref, attempts: s.attempts + 1 },
          'stopping a renewal schedule failed; retried hourly',
        );
        await this.repo.markStopFailed(s.id, err instanceof Error ? err.message : String(err));
      }
    }
    return stopped;
  }
}
