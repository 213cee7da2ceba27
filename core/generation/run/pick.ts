// An open row (queued, or running between provider attempts) decides what its current route step needs: cancel,
// the end of the route, skipping or leaving the step, the points held (or the consent asked), then the row started
// and the step submitted, or, when its provider job id is stored already, that job polled again.
import { ensureReservation } from '../deps.ts';
import { isTwoStage, payingStep } from '../two-stage.ts';
import type { Move, Step } from './context.ts';
import { toCanceled, toFailed } from './finished.ts';
import { pushProgress } from './progress.ts';

export const pick: Step = async ({ d }, { gen }): Promise<Move> => {
  if (gen.cancelRequestedAt && !gen.providerJobId) return toCanceled(d, gen, ['queued', 'running']);
  const step = gen.route[gen.stepIndex];
  const twoStage = isTwoStage(gen);
  // Two stages (two-stage.ts): past the base steps without a base clip → every free provider failed, nothing
  // is charged; past the style steps with one → the unstyled base clip is delivered, points released.
  if (twoStage && !gen.baseClip && step?.stage !== 'base')
    return toFailed(d, gen, 'all_providers_failed', 'core.failed.all_providers');
  if (twoStage && !step) return { to: 'unstyled', gen };
  if (!step) {
    if (gen.consent === 'wait') {
      // The user chose to wait for the unlimited providers: start over later, until the deadline.
      await d.store.update(gen.id, { stepIndex: 0 });
      return { to: 'retry_later', gen };
    }
    return toFailed(d, gen, 'all_providers_failed', 'core.failed.all_providers');
  }
  if (step.charged && gen.consent === 'wait') return { to: 'failover', gen }; // skipped, not failed: no attempt
  // A two-stage style holds its style step's points before stage 1 runs (request.ts normally did already).
  const pay = payingStep(gen);
  const reserved = await ensureReservation(d, gen, pay.step!, pay.index);
  if (reserved === 'needs_consent') return { to: 'asking_consent', gen };
  if (reserved === 'no_points' && step.stage === 'base')
    return toFailed(d, gen, 'insufficient_points', 'core.failed.generic');
  if (reserved === 'no_points') return { to: 'failover', gen, reason: 'insufficient_points' };
  if (!d.providers[step.provider]) return { to: 'failover', gen, reason: 'not_configured' };
  if (gen.status === 'queued') {
    const started = await d.store.transition(gen.id, ['queued'], {
      status: 'running',
      startedAt: d.clock.now(),
      stage: 'submitting',
    });
    if (started) {
      gen.status = 'running';
      await pushProgress(d, gen, 0);
    } else {
      // Another run started it: follow the stored row.
      gen = (await d.store.get(gen.id))!;
      if (gen.status !== 'running') return { to: 'done', gen };
    }
  }
  return { to: gen.providerJobId ? 'polling' : 'submitting', gen };
};
