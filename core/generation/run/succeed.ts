// The provider's video is done: stored (watermarked, scaled, previewed per the tier), its attempt recorded, and
// the row moved to succeeded once; the finished state then commits the points and delivers.
import { recordAttempt } from './attempts.ts';
import type { Step } from './context.ts';
import { pushProgress } from './progress.ts';
import { storeResult } from './store-media.ts';

export const storeVideo: Step = async ({ d, signal }, { gen, videoUrl }) => {
  const step = gen.route[gen.stepIndex]!;
  await d.store.update(gen.id, { stage: 'storing', progress: 99 });
  await pushProgress(d, gen, 99, 'storing');
  const began = performance.now();
  const features = await d.tiers.features(await d.tiers.tierOf(gen.userId));
  const media = await storeResult(d, gen, videoUrl!, features, signal);
  d.metrics?.observe('generation_processing', (performance.now() - began) / 1000, { provider: step.provider });
  await recordAttempt(d, gen, step, 'succeeded');
  const won = await d.store.transition(gen.id, ['running'], {
    ...media,
    status: 'succeeded',
    stage: 'done',
    progress: 100,
    completedAt: d.clock.now(),
    provider: step.provider,
    pointsCost: step.charged ? step.cost : 0,
  });
  const fresh = (await d.store.get(gen.id))!;
  // Canceled meanwhile: the cancel released the points.
  return won || fresh.status === 'succeeded' ? { to: 'succeeded', gen: fresh } : { to: 'done', gen: fresh };
};
