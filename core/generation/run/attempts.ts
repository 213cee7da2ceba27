// The record of each provider attempt: on the row (attempts) and in the metrics (its duration and outcome).
import type { GenerationDeps } from '../deps.ts';
import type { Attempt, GenerationRow, RouteStep } from '../types.ts';

export async function recordAttempt(
  d: GenerationDeps,
  gen: GenerationRow,
  step: RouteStep,
  outcome: Attempt['outcome'],
  code?: string,
): Promise<void> {
  await d.store.appendAttempt(gen.id, {
    provider: step.provider,
    step: gen.stepIndex,
    outcome,
    at: d.clock.now().toISOString(),
    ...(gen.providerJobId ? { jobId: gen.providerJobId } : {}),
    ...(code ? { code } : {}),
  });
}

/** How long the provider took, from the submit (or the resumed poll) to its answer. */
export function observeProvider(d: GenerationDeps, step: RouteStep, began: number, outcome: string): void {
  d.metrics?.observe('generation_provider', (performance.now() - began) / 1000, { provider: step.provider, outcome });
}
