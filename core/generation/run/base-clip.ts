// Stage 1 of a two-stage style finished: the clip is stored, then one conditional write (still on this step)
// records it, its attempt and the move to the first style step. A crash before that write polls the same job
// again (never resubmits).
import { styleIndex } from '../two-stage.ts';
import type { Step } from './context.ts';
import { pushProgress } from './progress.ts';
import { storeResult } from './store-media.ts';

export const storeBaseClip: Step = async ({ d, signal }, { gen, videoUrl }) => {
  const step = gen.route[gen.stepIndex]!;
  const features = await d.tiers.features(await d.tiers.tierOf(gen.userId));
  const media = await storeResult(d, gen, videoUrl!, features, signal, 'base');
  const before = (await d.store.get(gen.id))!;
  const attempt = {
    provider: step.provider,
    step: gen.stepIndex,
    outcome: 'succeeded' as const,
    at: d.clock.now().toISOString(),
    ...(gen.providerJobId ? { jobId: gen.providerJobId } : {}),
  };
  await d.store.transitionAtStep(gen.id, gen.stepIndex, ['running'], {
    baseClip: { ...media, provider: step.provider },
    attempts: [...before.attempts, attempt],
    stepIndex: styleIndex(gen.route),
    providerJobId: null,
    stage: 'styling',
    progress: 0,
  });
  const fresh = (await d.store.get(gen.id))!;
  if (fresh.status !== 'running') return { to: 'done', gen: fresh };
  await pushProgress(d, fresh, 0);
  return { to: 'running', gen: fresh };
};
