// Tiers: pure functions over a plan's features (core/api.ts PlanFeatures, seeded in migrations/*-seed-plans.ts).
export {
  RESOLUTIONS,
  isDemoOnly,
  isUnlimitedAt,
  queuePriority,
  maxConcurrent,
  checkRequest,
  type TierCheck,
  type TierRefusal,
} from './features.ts';
export { BASE_POINT_COSTS, applyDiscount, pointCost, poolOf, type PointFeature } from './costs.ts';
