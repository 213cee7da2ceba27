// Leaving a route step: a provider refused or failed, or the step cannot run (no points, not configured, a
// charged step while the user waits for the free ones). The next step starts clean.
import type { GenerationDeps } from '../deps.ts';
import type { ProviderError } from '../../ports.ts';
import type { GenerationRow, RouteStep } from '../types.ts';
import { isTwoStage } from '../two-stage.ts';
import { recordAttempt } from './attempts.ts';
import type { Move, Step } from './context.ts';
import { toFailed } from './finished.ts';

export const failover: Step = async ({ d }, { gen, reason }) => {
  const left = await leaveStep(d, gen, gen.route[gen.stepIndex]!, reason);
  return { to: left.status === 'queued' ? 'queued' : 'running', gen: left };
};

/** Moves the row to the next step; a reason records the failed attempt. Its points go back (not a base step's). */
export async function leaveStep(
  d: GenerationDeps,
  gen: GenerationRow,
  step: RouteStep,
  reason?: string,
): Promise<GenerationRow> {
  if (reason) {
    await recordAttempt(d, gen, step, 'failed', reason);
    d.metrics?.count('failover', {
      from: step.provider,
      to: gen.route[gen.stepIndex + 1]?.provider ?? 'none',
      reason,
    });
  }
  if (step.stage === 'base') {
    // A failed base step keeps the style's points held: the next free provider makes the clip.
    await d.store.update(gen.id, { stepIndex: gen.stepIndex + 1, providerJobId: null, stage: 'failover' });
    return { ...gen, stepIndex: gen.stepIndex + 1, providerJobId: null };
  }
  if (gen.reservationId) await d.charger.release(gen.reservationId, 'provider_failed');
  await d.store.update(gen.id, {
    stepIndex: gen.stepIndex + 1,
    providerJobId: null,
    reservationId: null,
    pointsCost: 0,
    stage: 'failover',
  });
  return { ...gen, stepIndex: gen.stepIndex + 1, providerJobId: null, reservationId: null, pointsCost: 0 };
}

/**
 * Where a provider's refusal (at submit or while polling) leads: the next step, or for refused content the end
 * (a two-stage style then delivers its unstyled base clip). Real failures feed the shared health.
 */
export async function providerFailed(
  d: GenerationDeps,
  gen: GenerationRow,
  step: RouteStep,
  err: ProviderError,
): Promise<Move> {
  if (err.code !== 'canceled' && err.code !== 'rejected_content') await d.router.report(step.provider, false);
  if (err.code !== 'rejected_content') return { to: 'failover', gen, reason: err.code };
  if (isTwoStage(gen) && step.stage !== 'base') return { to: 'unstyled', gen, reason: err.code };
  await recordAttempt(d, gen, step, 'failed', err.code);
  return toFailed(d, gen, 'rejected_content', 'core.failed.rejected');
}
