// Stage 2 of a two-stage style failed with a base clip stored (two-stage.ts): the style points go back and the
// base clip is the result, with an explanation (status succeeded, error_code style_failed, not charged).
import { STYLE_FAILED } from '../two-stage.ts';
import { leaveStep } from './failover.ts';
import type { Step } from './context.ts';

export const deliverBaseClip: Step = async ({ d }, { gen, reason }) => {
  // Refused content ends the style stage on its current step: recorded as that step's failed attempt.
  if (reason) gen = await leaveStep(d, gen, gen.route[gen.stepIndex]!, reason);
  const base = gen.baseClip!;
  if (gen.reservationId) await d.charger.release(gen.reservationId, 'style_failed');
  const won = await d.store.transition(gen.id, ['queued', 'running'], {
    status: 'succeeded',
    stage: 'done',
    progress: 100,
    completedAt: d.clock.now(),
    provider: base.provider,
    mediaKey: base.mediaKey,
    previewKey: base.previewKey,
    masterKey: base.masterKey,
    watermarked: base.watermarked,
    sizeBytes: base.sizeBytes,
    durationMs: base.durationMs,
    pointsCost: 0,
    reservationId: null,
    chargeSplit: {},
    errorCode: STYLE_FAILED,
    errorMessage: 'core.style_failed',
  });
  const fresh = (await d.store.get(gen.id))!;
  return won || fresh.status === 'succeeded' ? { to: 'succeeded', gen: fresh } : { to: 'done', gen: fresh };
};
