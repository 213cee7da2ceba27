// planRoute over live, shared health: what the generation use cases call to plan a request and to report each
// provider call's outcome.
import type { ProviderName } from '../model.ts';
import { planRoute, type RouteRequest, type RouteStep } from './route.ts';
import type { ProviderHealth } from './health.ts';

/** What a request asks the router for: planRoute's request without the health, which the router reads itself. */
export type RouteInput = Omit<RouteRequest, 'health'>;

export class FailoverRouter {
  constructor(readonly health: ProviderHealth) {}

  /**
   * The ordered candidates for a request with the current health of every provider (shared across instances);
   * empty when nothing can serve it now (a tier refusal included: the use cases check the tier first).
   */
  async plan(req: RouteInput): Promise<RouteStep[]> {
    const p = planRoute({ ...req, health: req.freeOnly ? {} : await this.health.healthMap() });
    return p.ok ? p.steps : [];
  }

  /** A provider call's outcome: true for success, else the error (or false) it ended with. */
  async report(provider: ProviderName, outcome: true | unknown): Promise<void> {
    if (outcome === true) await this.health.recordSuccess(provider);
    else await this.health.recordFailure(provider, outcome === false ? undefined : outcome);
  }
}

/** The router as the generation use cases hold it. */
export type Router = Pick<FailoverRouter, 'plan' | 'report'>;
