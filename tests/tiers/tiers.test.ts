// Tiers: what each seeded plan allows, point costs with the Unlimited discount, refusals with upgrade hints.
import { describe, expect, it } from 'vitest';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { PlanFeatures } from '../../core/api.ts';
import {
  applyDiscount,
  checkRequest,
  isUnlimitedAt,
  maxConcurrent,
  pointCost,
  poolOf,
  RESOLUTIONS,
  queuePriority,
  type PointFeature,
} from '../../core/tiers/index.ts';

const tier = (slug: string) => PLANS.find((p) => p.slug === slug)!.features as PlanFeatures;
const [demo, starter, pro, unlimited] = ['demo', 'starter', 'pro', 'unlimited'].map(tier) as [
  PlanFeatures,
  PlanFeatures,
  PlanFeatures,
  PlanFeatures,
];

describe('plan features', () => {
  it('resolutions, fps, watermark, priority, concurrency per tier', () => {
    const plans = [demo, starter, pro, unlimited];
    // What the one tier check lets a video ask for, plan by plan.
    const resolutions = (f: PlanFeatures) =>
      RESOLUTIONS.filter((resolution) => checkRequest(f, { kind: 'video', resolution }).ok);
    const fps = (f: PlanFeatures) =>
      [24, 30, 60].filter((n) => checkRequest(f, { kind: 'video', resolution: '720p', fps: n }).ok);
    expect(plans.map(resolutions)).toEqual([
      ['720p'],
      ['720p', '1080p'],
      ['720p', '1080p', '4k'],
      ['720p', '1080p', '4k'],
    ]);
    expect(plans.map(fps)).toEqual([
      [24, 30],
      [24, 30],
      [24, 30],
      [24, 30, 60],
    ]);
    expect(plans.map((f) => f.watermark)).toEqual([true, false, false, false]);
    expect([demo, starter, pro, unlimited].map(queuePriority)).toEqual(['normal', 'normal', 'normal', 'high']);
    expect([demo, starter, pro, unlimited].map(maxConcurrent)).toEqual([1, 2, 3, 5]);
    expect(
      plans.map((f) => ({ monthly_pollo: f.monthly_pollo_points, monthly_goenhance: f.monthly_goenhance_points })),
    ).toEqual([
      { monthly_pollo: 0, monthly_goenhance: 0 },
      { monthly_pollo: 50, monthly_goenhance: 30 },
      { monthly_pollo: 100, monthly_goenhance: 50 },
      { monthly_pollo: 300, monthly_goenhance: 150 },
    ]);
  });

  it('which providers are unlimited at which resolution', () => {
    expect(isUnlimitedAt(demo, '720p')).toBe(false);
    expect(isUnlimitedAt(starter, '720p')).toBe(true);
    expect(isUnlimitedAt(starter, '1080p')).toBe(false);
    expect(isUnlimitedAt(pro, '1080p')).toBe(true);
    expect(isUnlimitedAt(unlimited, '4k')).toBe(false);
  });
});

describe('pointCost', () => {
  const features: PointFeature[] = [
    'pollo_basic',
    'pollo_4k',
    'goenhance_style_1080p',
    'goenhance_style_4k',
    'goenhance_upscale_4k',
    'leonardo_1080p',
  ];
  it('follows the seed table, with Leonardo 1080p free where 1080p is unlimited and 20% off on Unlimited', () => {
    expect(features.map((f) => pointCost(f, starter))).toEqual([5, 15, 10, 25, 15, 10]);
    expect(features.map((f) => pointCost(f, pro))).toEqual([5, 15, 10, 25, 15, 0]);
    expect(features.map((f) => pointCost(f, unlimited))).toEqual([4, 12, 8, 20, 12, 0]);
  });

  it('rounds the discount down (the price up) in integers, never below one point', () => {
    expect(applyDiscount(5, 20)).toBe(4);
    expect(applyDiscount(7, 20)).toBe(6); // 5.6 → 6
    expect(applyDiscount(3, 50)).toBe(2); // 1.5 → 2
    expect(applyDiscount(1, 99)).toBe(1);
    expect(applyDiscount(10, 100)).toBe(1);
    expect(applyDiscount(10, 0)).toBe(10);
    expect(applyDiscount(0, 20)).toBe(0);
  });

  it('pays video from the Pollo bucket and style/upscale from the GoEnhance bucket', () => {
    expect(features.map(poolOf)).toEqual(['pollo', 'pollo', 'goenhance', 'goenhance', 'goenhance', 'pollo']);
  });
});

describe('checkRequest', () => {
  it('refuses what the plan does not include, naming the reason', () => {
    expect(checkRequest(starter, { kind: 'video', resolution: '4k' })).toEqual({
      ok: false,
      reason: 'resolution_not_in_plan',
    });
    expect(checkRequest(demo, { kind: 'video', resolution: '1080p' })).toMatchObject({
      ok: false,
      reason: 'resolution_not_in_plan',
    });
    expect(checkRequest(demo, { kind: 'style', resolution: '720p' })).toMatchObject({
      ok: false,
      reason: 'style_not_in_plan',
    });
    expect(checkRequest(demo, { kind: 'upscale', resolution: '720p' })).toMatchObject({
      ok: false,
      reason: 'upscale_not_in_plan',
    });
    expect(checkRequest(starter, { kind: 'upscale', resolution: '1080p' })).toMatchObject({
      ok: false,
      reason: 'upscale_not_in_plan',
    });
    expect(checkRequest(pro, { kind: 'video', resolution: '1080p', fps: 60 })).toEqual({
      ok: false,
      reason: 'fps_not_in_plan',
    });
    expect(checkRequest(pro, { kind: 'video', resolution: '1080p', fps: 30 })).toEqual({ ok: true });
    expect(checkRequest(starter, { kind: 'video', resolution: '720p', running: 2 })).toMatchObject({
      ok: false,
      reason: 'too_many_running',
    });
  });

  it('allows what the plan includes', () => {
    expect(checkRequest(demo, { kind: 'video', resolution: '720p' })).toEqual({ ok: true });
    expect(checkRequest(starter, { kind: 'style', resolution: '1080p' })).toEqual({ ok: true });
    expect(checkRequest(pro, { kind: 'upscale', resolution: '720p' })).toEqual({ ok: true });
    expect(checkRequest(unlimited, { kind: 'video', resolution: '4k', fps: 60, running: 4 })).toEqual({ ok: true });
  });
});
