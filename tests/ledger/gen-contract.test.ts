// The adapters GEN's wiring needs (core/generation/types.ts Router and ModerationPolicy), written against this
// area's entry points: they compile and behave, so app/wire-core.ts can take them as they are.
import { describe, expect, it } from 'vitest';
import { FailoverRouter, ProviderHealth } from '../../core/failover/index.ts';
import { KeywordModerator, ModerationPolicy, type ModerationRepository } from '../../core/moderation/index.ts';
import { MemoryState } from '../../infra/state/memory-state.ts';
import { systemClock } from '../../core/ports.ts';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { PlanFeatures } from '../../core/api.ts';
import type { ModerationPolicy as GenModerationPolicy, Router } from '../../core/generation/types.ts';

export function genRouter(failover: FailoverRouter): Router {
  return {
    async plan(i) {
      const p = await failover.plan({ kind: i.kind, resolution: i.resolution, features: i.features, freeOnly: i.freeOnly });
      return p.ok ? p.steps.map((s) => ({ provider: s.provider, charged: s.charged, cost: s.points, pool: s.pool ?? (i.kind === 'video' ? 'pollo' : 'goenhance') })) : [];
    },
    report: (provider, ok) => failover.report(provider, ok),
    assertMayCharge(step, c) {
      if (step.charged && c.consent !== 'points' && !c.autoPay) throw new Error('charging without consent or auto-pay');
    },
  };
}

export function genModeration(policy: ModerationPolicy): GenModerationPolicy {
  return {
    isBanned: (u) => policy.isBanned(u),
    record: (u, t, v) => policy.record(u, t, v),
    lastRefusal: (u) => policy.lastRefusal(u),
    fileAppeal: (u, e, t) => policy.fileAppeal(e, t, u),
    pendingAppeals: () => policy.pendingAppeals(),
    decideAppeal: (e, d, a) => policy.decideAppeal(e, d, a),
  };
}

describe("adapters to GEN's ports", () => {
  it('Router: Starter 1080p charges Leonardo/Runway as Leonardo 1080p, Pollo basic last', async () => {
    const router = genRouter(new FailoverRouter(new ProviderHealth(new MemoryState(), systemClock)));
    const starter = PLANS.find((p) => p.slug === 'starter')!.features as PlanFeatures;
    expect(await router.plan({ kind: 'video', resolution: '1080p', tier: 'starter', features: starter })).toEqual([
      { provider: 'leonardo', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'runway', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'pollo', charged: true, cost: 5, pool: 'pollo' },
    ]);
    expect(() => router.assertMayCharge({ provider: 'pollo', charged: true, cost: 5, pool: 'pollo' }, { consent: 'wait', autoPay: false })).toThrow();
  });

  it('ModerationPolicy compiles against GEN’s port', () => {
    const repo = {} as ModerationRepository;
    expect(typeof genModeration(new ModerationPolicy(new KeywordModerator(), repo, systemClock, { banThreshold: 3, banWindowHours: 24 })).record).toBe('function');
  });
});
