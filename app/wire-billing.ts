// Wires billing: the SQL repo, the ECPay and Paddle gateways (checkout, stopping schedules), the per-user checkout
// limit and the BillingService. Made before the chat adapters (`/plans cancel`) and the web routes, which share it.
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { AccountService, Ledger, MagicLinks } from '../core/api.ts';
import { BillingService } from '../core/billing/billing-service.ts';
import type { PaymentGateway, PaymentMethod } from '../core/billing/ports.ts';
import { systemClock, type Clock, type Notifier } from '../core/ports.ts';
import { SqlBillingRepo } from '../infra/db/billing-repo.ts';
import { ecpayGateway, paddleGateway } from '../infra/payments/gateways.ts';
import { createPaddleClient } from '../infra/payments/paddle.ts';
import { createLimiter } from '../infra/state/rate-limiter.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface BillingWiring {
  billing: BillingService;
  repo: SqlBillingRepo;
}

export function wireBilling(
  config: Config,
  infra: { sequelize: Sequelize; redis?: Redis },
  log: Logger,
  parts: {
    ledger: Pick<Ledger, 'allocateMonthly' | 'startPlan' | 'clawback' | 'credit'>;
    notifier: Notifier;
    accounts: Pick<AccountService, 'targets'>;
    links?: MagicLinks;
    clock?: Clock;
    /** Key prefix for the checkout limiter (tests share one Redis). */
    limiterPrefix?: string;
  },
): BillingWiring {
  const repo = new SqlBillingRepo(infra.sequelize);
  const gateways: Partial<Record<PaymentMethod, PaymentGateway>> = {
    ecpay: ecpayGateway(config.ecpay, config.publicBaseUrl),
  };
  if (config.paddle.apiKey) {
    gateways.paddle = paddleGateway(
      createPaddleClient({ apiKey: config.paddle.apiKey, apiBase: config.paddle.apiBase }),
      (o, id) => repo.setExternalId(o, id),
    );
  }
  const limiter = createLimiter(
    `${parts.limiterPrefix ?? ''}checkout`,
    config.rateLimits.checkoutsPerHour,
    3600,
    infra.redis,
  );
  const billing = new BillingService({
    repo,
    ledger: parts.ledger,
    notifier: parts.notifier,
    accounts: parts.accounts,
    clock: parts.clock ?? systemClock,
    timezone: config.timezone,
    gateways,
    links: parts.links,
    limiter,
    log: log.child({ part: 'billing' }),
  });
  return { billing, repo };
}
