// planRoute over live, shared health: what the generation use case calls to plan a request and to report each
// provider call's outcome.
import type { ProviderName } from '../model.ts';
import { planRoute, type RoutePlan, type RouteRequest } from './route.ts';
import type { ProviderHealth } from './health.ts';

export class FailoverRouter {
  constructor(readonly health: ProviderHealth) {}

  /** Plans with the current health of every provider (shared across instances). */
  async plan(req: Omit<RouteRequest, 'health'>): Promise<RoutePlan> {
    return planRoute({ ...req, health: req.freeOnly ? {} : await this.health.healthMap() });
  }

  /** A provider call's outcome: true for success, else the error (or false) it ended with. */
  async report(provider: ProviderName, outcome: true | unknown): Promise<void> {
    if (outcome === true) await this.health.recordSuccess(provider);
    else await this.health.recordFailure(provider, outcome === false ? undefined : outcome);
  }
}
