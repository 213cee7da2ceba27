// The glue between the failover/moderation entry points and the generation use case's ports
// (core/generation/ledger-glue.ts) keeps their meaning: costs, pools, the charge guard and argument order.
import { describe, expect, it } from 'vitest';
import { FailoverRouter, ProviderHealth } from '../../core/failover/index.ts';
import { KeywordModerator, ModerationPolicy, type ModerationRepository } from '../../core/moderation/index.ts';
import { MemoryState } from '../../infra/state/memory-state.ts';
import { systemClock } from '../../core/ports.ts';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { PlanFeatures } from '../../core/api.ts';
import { genModeration, genRouter } from '../../core/generation/ledger-glue.ts';

describe("adapters to GEN's ports", () => {
  it('Router: Starter 1080p charges Leonardo/Runway as Leonardo 1080p, Pollo basic last', async () => {
    const router = genRouter(new FailoverRouter(new ProviderHealth(new MemoryState(), systemClock)));
    const starter = PLANS.find((p) => p.slug === 'starter')!.features as PlanFeatures;
    expect(await router.plan({ kind: 'video', resolution: '1080p', tier: 'starter', features: starter })).toEqual([
      { provider: 'leonardo', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'runway', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'pollo', charged: true, cost: 5, pool: 'pollo', failover: true },
    ]);
    expect(() => router.assertMayCharge({ provider: 'pollo', charged: true, cost: 5, pool: 'pollo' }, { consent: 'wait', autoPay: false })).toThrow();
  });

  it('ModerationPolicy: an appeal is filed on the event it names, for the user who files it', async () => {
    const filed: unknown[] = [];
    const repo = { fileAppeal: async (...args: unknown[]) => (filed.push(args), true) } as unknown as ModerationRepository;
    const policy = new ModerationPolicy(new KeywordModerator(), repo, systemClock, { banThreshold: 3, banWindowHours: 24 });
    expect(await genModeration(policy).fileAppeal('user-1', 'event-9', 'it was a cooking video')).toBe(true);
    expect(filed).toEqual([['event-9', 'it was a cooking video', expect.any(Date), 'user-1']]);
  });
});
