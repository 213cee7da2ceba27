// The ledger, failover and moderation parts behind the generation's ports, in one place: FailoverRouter → Router, its ModerationPolicy → ModerationPolicy,
// and the ledger split into what the use cases may read (balance, refund credit) and the PointCharger, the only
// way to reserve points (core/failover/charge.ts: no consent and no auto-pay → the ledger is never called).
// Used by app/wire-core.ts and by the test worlds, so there is one copy of this glue.
import type { Ledger } from '../api.ts';
import { PointCharger, type FailoverRouter, type RouteStep as FailoverStep } from '../failover/index.ts';
import type { ModerationPolicy as LedgerModerationPolicy } from '../moderation/index.ts';
import type { ModerationPolicy, RouteStep, Router } from './types.ts';

export function genRouter(failover: FailoverRouter): Router {
  return {
    async plan(i) {
      const p = await failover.plan({
        kind: i.kind,
        resolution: i.resolution,
        features: i.features,
        freeOnly: i.freeOnly,
      });
      if (!p.ok) return [];
      return p.steps.map((s) => ({
        provider: s.provider,
        charged: s.charged,
        cost: s.points,
        pool: s.pool ?? (i.kind === 'video' || i.kind === 'image' ? 'pollo' : 'goenhance'),
        ...(s.feature === 'pollo_basic' ? { failover: true } : {}),
      }));
    },
    report: (provider, ok) => failover.report(provider, ok),
    assertMayCharge(step, c) {
      if (step.charged && c.consent !== 'points' && !c.autoPay) throw new Error('charging without consent or auto-pay');
    },
  };
}

export function genModeration(policy: LedgerModerationPolicy): ModerationPolicy {
  return {
    isBanned: (u) => policy.isBanned(u),
    record: (u, t, v) => policy.record(u, t, v),
  };
}

/** The generation's stored route step as the charger's step (same provider, points and pool). */
export function chargeStep(step: RouteStep): FailoverStep {
  return {
    provider: step.provider,
    charged: step.charged,
    points: step.cost,
    pool: step.charged ? step.pool : null,
    feature: null,
    demo: false,
  };
}

/** What the use cases read from the ledger; reserve, commit and release go through the charger only. */
export type LedgerView = Pick<Ledger, 'balance' | 'credit'>;
export type Charger = Pick<PointCharger, 'hold' | 'commit' | 'release'>;

/** Splits a Ledger into the generation's two deps; the view is a fresh object, so the runner never holds `reserve`. */
export function ledgerPorts(ledger: Ledger): { ledger: LedgerView; charger: Charger } {
  return {
    ledger: { balance: (u) => ledger.balance(u), credit: (...a) => ledger.credit(...a) },
    charger: new PointCharger(ledger),
  };
}
