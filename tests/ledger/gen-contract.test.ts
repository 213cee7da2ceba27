// The glue between the failover/moderation entry points and the generation use case's ports
// (core/generation/ledger-glue.ts) keeps their meaning: costs, pools, the charge guard and argument order.
import { describe, expect, it } from 'vitest';
import { FailoverRouter, ProviderHealth } from '../../core/failover/index.ts';
import { ModerationPolicy, type ModerationRepository } from '../../core/moderation/index.ts';
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
    expect(() =>
      router.assertMayCharge(
        { provider: 'pollo', charged: true, cost: 5, pool: 'pollo' },
        { consent: 'wait', autoPay: false },
      ),
    ).toThrow();
  });

  it('ModerationPolicy: a verdict is recorded for the user, with the text and verdict it was given', async () => {
    const inserted: unknown[] = [];
    const repo = {
      insertEvent: async (e: { userId: string }) => (inserted.push(e), { id: 'event-9', ...e }),
      lastLiftedAt: async () => null,
      countStrikes: async () => 1,
      activeBan: async () => null,
    } as unknown as ModerationRepository;
    const policy = new ModerationPolicy(repo, systemClock, { banThreshold: 3, banWindowHours: 24 });
    const verdict = { allowed: false, category: 'violence', reason: 'keyword: gore:gore', source: 'keyword' } as const;
    expect(await genModeration(policy).record('user-1', 'gore', verdict)).toEqual({
      eventId: 'event-9',
      banned: false,
    });
    expect(inserted).toEqual([
      expect.objectContaining({
        userId: 'user-1',
        text: 'gore',
        verdict: 'blocked',
        category: 'violence',
        source: 'keyword',
      }),
    ]);
  });
});
