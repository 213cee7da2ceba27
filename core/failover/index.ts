// Provider health and routing: which provider serves a request, and the one gate between a charged step and
// the ledger. the generation runner imports from here.
export { planRoute, type RoutePlan, type RouteRequest, type RouteStep, type HealthMap } from './route.ts';
export {
  PointCharger,
  authorizeCharge,
  stepKey,
  type ChargeAuthorization,
  type ChargeContext,
  type ConsentGrant,
  type HoldResult,
} from './charge.ts';
export { FailoverRouter } from './router.ts';
export {
  ProviderHealth,
  countsAgainstProvider,
  type HealthOverride,
  type ProviderHealthOptions,
  type ProviderStatus,
} from './health.ts';
