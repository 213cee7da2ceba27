// Provider health and routing: which provider serves a request, over the providers' shared health. The points a
// charged step spends go through core/ledger's PointCharger.
export {
  planRoute,
  type RoutePlan,
  type RouteRequest,
  type RouteStep,
  type HealthMap,
} from './route.ts';
export { FailoverRouter, type RouteInput, type Router } from './router.ts';
export {
  ProviderHealth,
  countsAgainstProvider,
  type HealthOverride,
  type ProviderHealthOptions,
  type ProviderStatus,
} from './health.ts';
