// Point costs (the seed's table) and the plan discount. Integers only.
import type { PlanFeatures } from '../api.ts';
import type { PointPool } from '../ledger/rules.ts';

export type PointFeature =
  | 'pollo_basic' // Pollo video up to 1080p (the point-charged failover for video)
  | 'pollo_4k'
  | 'goenhance_style_1080p' // style transfer at 720p/1080p
  | 'goenhance_style_4k'
  | 'goenhance_upscale_4k'
  | 'leonardo_1080p'; // unlimited-service video at 1080p on a tier where 1080p is not unlimited

export const BASE_POINT_COSTS: Readonly<Record<PointFeature, number>> = {
  pollo_basic: 5,
  pollo_4k: 15,
  goenhance_style_1080p: 10,
  goenhance_style_4k: 25,
  goenhance_upscale_4k: 15,
  leonardo_1080p: 10,
};

/** Which monthly bucket pays first: Pollo's for video, GoEnhance's for style and upscale. */
export function poolOf(feature: PointFeature): PointPool {
  return feature.startsWith('goenhance') ? 'goenhance' : 'pollo';
}

/**
 * A base cost less a percentage discount, in integers. Rounding: the discount is rounded DOWN (the price up), so
 * a cost is never fractional and never below 1 point: ceil(base × (100 − pct) / 100), at least 1 for base > 0.
 * With the seed's 20 %: 5 → 4, 10 → 8, 15 → 12, 25 → 20.
 */
export function applyDiscount(base: number, percent: number): number {
  if (base <= 0) return 0;
  const pct = Math.min(Math.max(Math.trunc(percent), 0), 100);
  return Math.max(1, Math.floor((base * (100 - pct) + 99) / 100));
}

/**
 * What a feature costs this tier. Leonardo 1080p is free where 1080p is unlimited for the tier; everything else
 * is charged at the seed price less the plan's point_discount.
 */
export function pointCost(feature: PointFeature, features: PlanFeatures, opts: { fromImage?: boolean } = {}): number {
  if (feature === 'leonardo_1080p' && features.unlimited_1080p) return 0;
  return applyDiscount(baseCost(feature, features, opts.fromImage === true), features.point_discount);
}

/** A video from a photo is priced by the plan's image_video_points (data); a feature it does not list costs as text. */
function baseCost(feature: PointFeature, features: PlanFeatures, fromImage: boolean): number {
  const listed = fromImage
    ? features.image_video_points?.[feature as keyof NonNullable<PlanFeatures['image_video_points']>]
    : undefined;
  return Number.isInteger(listed) && listed! >= 0 ? listed! : BASE_POINT_COSTS[feature];
}
