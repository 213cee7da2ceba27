// The failover matrix, every cell: Leonardo/Runway up or down × point services up or down × request × tier ×
// points or none × consent / auto-pay / neither. The expectations below are written out from the seed's rules,
// independently of core/failover/route.ts, and each cell also runs the first step through the PointCharger
// (core/ledger/point-charger.ts) against an in-memory ledger to check that without consent or auto-pay not one
// point moves.
import { describe, expect, it } from 'vitest';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { Ledger, PlanFeatures, Reservation, TierSlug } from '../../core/api.ts';
import type { ProviderName, Resolution } from '../../core/model.ts';
import { FailoverRouter, ProviderHealth, planRoute, type HealthMap } from '../../core/failover/index.ts';
import { PointCharger, stepKey, type ChargeContext } from '../../core/ledger/index.ts';
import { MemoryState } from '../../infra/state/memory-state.ts';
import { ProviderError, systemClock } from '../../core/ports.ts';

const features = (slug: TierSlug) => PLANS.find((p) => p.slug === slug)!.features as PlanFeatures;
const TIERS: TierSlug[] = ['demo', 'starter', 'pro', 'unlimited'];

type Req = { name: string; kind: 'video' | 'style' | 'upscale' | 'demo'; resolution: Resolution };
const REQUESTS: Req[] = [
  { name: 'video 720p', kind: 'video', resolution: '720p' },
  { name: 'video 1080p', kind: 'video', resolution: '1080p' },
  { name: 'video 4K', kind: 'video', resolution: '4k' },
  { name: 'style 1080p', kind: 'style', resolution: '1080p' },
  { name: 'style 4K', kind: 'style', resolution: '4k' },
  { name: 'upscale', kind: 'upscale', resolution: '1080p' },
  { name: 'demo', kind: 'demo', resolution: '720p' },
];

/** The seed's rules, written out: [provider, points][] for the request, or the refusal. */
function expected(
  tier: TierSlug,
  req: Req,
  h: { leo: boolean; run: boolean; points: boolean },
): { refused: 'tier' | 'unavailable' } | { steps: [ProviderName, number][] } {
  const disc = (n: number) => (tier === 'unlimited' ? (n * 8) / 10 : n); // 20 % off, exact for the seed's costs
  if (tier === 'demo') {
    if (req.kind === 'style' || req.kind === 'upscale' || req.resolution !== '720p') return { refused: 'tier' };
    return { steps: [['local', 0]] }; // smart demo only, whatever the health
  }
  if (req.kind === 'demo') return { steps: [['local', 0]] };
  if (tier === 'starter' && (req.resolution === '4k' || req.kind === 'upscale')) return { refused: 'tier' };
  const steps: [ProviderName, number][] = [];
  if (req.kind === 'video' && req.resolution !== '4k') {
    const leoCost = req.resolution === '1080p' && tier === 'starter' ? 10 : 0;
    if (h.leo) steps.push(['leonardo', leoCost]);
    if (h.run) steps.push(['runway', leoCost]);
    if (h.points) steps.push(['pollo', disc(5)]);
  } else if (req.kind === 'video') {
    if (h.points) steps.push(['pollo', disc(15)]);
  } else if (req.kind === 'style') {
    if (h.points) steps.push(['goenhance', disc(req.resolution === '4k' ? 25 : 10)]);
  } else if (h.points) {
    steps.push(['goenhance', disc(15)]);
  }
  return steps.length ? { steps } : { refused: 'unavailable' };
}

/** The monthly bucket a request's steps are paid from (free steps name it too): GoEnhance's for style and upscale. */
const poolOfKind = (kind: Req['kind']) => (kind === 'style' || kind === 'upscale' ? 'goenhance' : 'pollo');

/** An in-memory ledger that counts every call, for the charge gate. */
class FakeLedger implements Pick<Ledger, 'reserve' | 'commit' | 'release'> {
  calls = 0;
  balance: number;
  held = new Map<string, Reservation>();
  constructor(balance: number) {
    this.balance = balance;
  }
  async reserve(userId: string, amount: number, _pool: 'pollo' | 'goenhance', key: string) {
    this.calls++;
    const had = this.held.get(key);
    if (had) return had;
    if (this.balance < amount) return null;
    this.balance -= amount;
    const r: Reservation = { id: key, userId, amount, split: { purchased: amount }, status: 'held' };
    this.held.set(key, r);
    return r;
  }
  async commit(id: string) {
    this.calls++;
    const r = this.held.get(id)!;
    r.status = 'committed';
    return r;
  }
  async release(id: string) {
    this.calls++;
    const r = this.held.get(id)!;
    if (r.status === 'held') this.balance += r.amount;
    r.status = 'released';
    return r;
  }
}

const bools = [true, false];
const cells: string[] = [];

describe('failover matrix', () => {
  for (const tier of TIERS) {
    for (const req of REQUESTS) {
      for (const leo of bools)
        for (const run of bools)
          for (const pointServices of bools) {
            const health: HealthMap = { leonardo: leo, runway: run, pollo: pointServices, goenhance: pointServices };
            const exp = expected(tier, req, { leo, run, points: pointServices });
            const name = `${tier} · ${req.name} · leonardo ${leo ? 'up' : 'down'} · runway ${run ? 'up' : 'down'} · point services ${pointServices ? 'up' : 'down'}`;
            it(name, async () => {
              const plan = planRoute({ kind: req.kind, resolution: req.resolution, features: features(tier), health });
              if ('refused' in exp) {
                expect(plan).toMatchObject({ ok: false, reason: exp.refused });
                if (!plan.ok && plan.reason === 'tier') expect(plan.tier).toMatch(/_not_in_plan$|^too_many_running$/);
                return;
              }
              if (!plan.ok) throw new Error(`expected a route, got ${JSON.stringify(plan)}`);
              expect(plan.steps.map((s) => [s.provider, s.cost])).toEqual(exp.steps);
              expect(plan.steps.every((s) => s.charged === s.cost > 0 && s.pool === poolOfKind(req.kind))).toBe(true);
              expect(plan.needsConsent).toBe(exp.steps[0]![1] > 0);
              if (tier === 'demo') expect(plan.steps.every((s) => s.provider === 'local' && !s.charged)).toBe(true);

              // points × consent, on the first step (the one a job starts with)
              const first = plan.steps[0]!;
              for (const hasPoints of bools) {
                for (const auth of ['consent', 'auto-pay', 'neither'] as const) {
                  cells.push(`${name} · ${hasPoints ? 'points' : 'no points'} · ${auth}`);
                  const ledger = new FakeLedger(hasPoints ? 1000 : 0);
                  const ctx: ChargeContext = {
                    userId: 'u1',
                    generationId: 'g1',
                    autoPay: auth === 'auto-pay',
                    consent:
                      auth === 'consent' ? { userId: 'u1', generationId: 'g1', maxPoints: plan.maxPoints } : null,
                  };
                  const held = await new PointCharger(ledger).hold(first, 0, ctx);
                  if (!first.charged) {
                    expect(held).toEqual({ ok: true, reservation: null });
                    expect(ledger.calls).toBe(0);
                  } else if (auth === 'neither') {
                    expect(held).toEqual({ ok: false, reason: 'consent_required' });
                    expect(ledger.calls).toBe(0); // the ledger is not even asked
                    expect(ledger.balance).toBe(hasPoints ? 1000 : 0);
                  } else if (!hasPoints) {
                    expect(held).toMatchObject({ ok: false, reason: 'insufficient_points' });
                    expect(ledger.balance).toBe(0);
                  } else {
                    expect(held).toMatchObject({ ok: true, reservation: { amount: first.cost, status: 'held' } });
                    expect(ledger.balance).toBe(1000 - first.cost);
                  }
                }
              }
            });
          }
    }
  }

  it('covered every cell', () => {
    // 4 tiers × 7 requests × 8 health combinations; the routed ones × 2 (points) × 3 (consent)
    expect(cells.length).toBeGreaterThan(600);
  });
});

describe('charging rules', () => {
  const starter = features('starter');

  it('a consent for another generation, another user or fewer points does not count', async () => {
    const plan = planRoute({ kind: 'style', resolution: '1080p', features: starter, health: {} });
    if (!plan.ok) throw new Error('no route');
    const step = plan.steps[0]!;
    for (const consent of [
      { userId: 'u2', generationId: 'g1', maxPoints: 100 },
      { userId: 'u1', generationId: 'g2', maxPoints: 100 },
      { userId: 'u1', generationId: 'g1', maxPoints: step.cost - 1 },
    ]) {
      const ledger = new FakeLedger(100);
      expect(
        await new PointCharger(ledger).hold(step, 0, { userId: 'u1', generationId: 'g1', autoPay: false, consent }),
      ).toMatchObject({ ok: false, reason: 'consent_required' });
      expect(ledger.calls).toBe(0);
    }
  });

  it('falls through mid-job (Leonardo fails → Runway) charging once, and a retried step replays its reservation', async () => {
    const plan = planRoute({ kind: 'video', resolution: '1080p', features: starter, health: {} });
    if (!plan.ok) throw new Error('no route');
    expect(plan.steps.map((s) => s.provider)).toEqual(['leonardo', 'runway', 'pollo']);
    const ledger = new FakeLedger(100);
    const charger = new PointCharger(ledger);
    const ctx: ChargeContext = {
      userId: 'u1',
      generationId: 'g1',
      autoPay: false,
      consent: { userId: 'u1', generationId: 'g1', maxPoints: plan.maxPoints },
    };
    const leo = await charger.hold(plan.steps[0]!, 0, ctx);
    const again = await charger.hold(plan.steps[0]!, 0, ctx); // the job crashed and re-ran the step
    if (!leo.ok || !again.ok) throw new Error('hold failed');
    expect(again.reservation!.id).toBe(leo.reservation!.id);
    expect(ledger.balance).toBe(90);
    await charger.release(leo.reservation!.id, 'provider_failed'); // Leonardo failed mid-job
    const runway = await charger.hold(plan.steps[1]!, 1, ctx);
    if (!runway.ok) throw new Error('hold failed');
    expect(runway.reservation!.id).toBe(stepKey('g1', 1, plan.steps[1]!));
    await charger.commit(runway.reservation!.id);
    expect(ledger.balance).toBe(90); // charged once, 10 points
  });

  it('a degraded route says so', () => {
    const plan = planRoute({
      kind: 'video',
      resolution: '720p',
      features: features('pro'),
      health: { leonardo: false },
    });
    expect(plan).toMatchObject({ ok: true, degraded: true, needsConsent: false });
  });

  it('"wait for the unlimited providers": free steps only, whatever their health; none for point features', () => {
    const down = { leonardo: false, runway: false, pollo: false, goenhance: false };
    const wait = planRoute({
      kind: 'video',
      resolution: '1080p',
      features: features('pro'),
      health: down,
      freeOnly: true,
    });
    expect(wait.ok && wait.steps.map((s) => [s.provider, s.charged])).toEqual([
      ['leonardo', false],
      ['runway', false],
    ]);
    expect(
      planRoute({ kind: 'video', resolution: '1080p', features: starter, health: down, freeOnly: true }),
    ).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(
      planRoute({ kind: 'style', resolution: '1080p', features: starter, health: {}, freeOnly: true }),
    ).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('FailoverRouter plans over shared health and feeds outcomes back', async () => {
    const health = new ProviderHealth(new MemoryState(), systemClock, { failureThreshold: 1, coolDownMs: 60_000 });
    const router = new FailoverRouter(health);
    await router.report('leonardo', new ProviderError('leonardo', 'server_error', '503', true));
    await router.report('runway', new ProviderError('runway', 'rejected_content', 'nsfw', false)); // not runway's fault
    const plan = await router.plan({ kind: 'video', resolution: '720p', features: features('pro') });
    expect(plan.map((s) => s.provider)).toEqual(['runway', 'pollo']);
    await router.report('leonardo', true);
    const again = await router.plan({ kind: 'video', resolution: '720p', features: features('pro') });
    expect(again.map((s) => s.provider)).toEqual(['leonardo', 'runway', 'pollo']);
  });

  it('FailoverRouter: Starter 1080p charges Leonardo/Runway as Leonardo 1080p, Pollo basic last', async () => {
    const router = new FailoverRouter(new ProviderHealth(new MemoryState(), systemClock));
    expect(await router.plan({ kind: 'video', resolution: '1080p', features: features('starter') })).toEqual([
      { provider: 'leonardo', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'runway', charged: true, cost: 10, pool: 'pollo' },
      { provider: 'pollo', charged: true, cost: 5, pool: 'pollo', failover: true },
    ]);
  });
});
