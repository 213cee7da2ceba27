// Smart Demo: the cached library clip, made by the local renderer once; never charged, never a paid provider.
import { ensureDemoClip } from '../../demo/clips.ts';
import { DEMO_LIBRARY, matchDemo } from '../../demo/library.ts';
import type { Step } from './context.ts';
import { toFailed } from './finished.ts';
import { pushProgress } from './progress.ts';

export const renderDemo: Step = async ({ d, signal, touch }, { gen }) => {
  const entry = DEMO_LIBRARY.find((e) => e.slug === gen.demoSlug) ?? matchDemo(gen.prompt);
  const renderer = d.providers.local;
  if (!renderer?.local) return toFailed(d, gen, 'no_local_renderer', 'core.failed.generic');
  const started = await d.store.transition(gen.id, ['queued'], {
    status: 'running',
    startedAt: d.clock.now(),
    stage: 'rendering',
    provider: 'local',
  });
  if (started) await pushProgress(d, gen, 0);
  const clip = await ensureDemoClip(entry, {
    renderer,
    store: d.mediaStore,
    tools: d.mediaTools,
    watermarkText: d.settings.watermarkText,
    localFile: d.localFile,
    pollIntervalMs: d.settings.pollIntervalMs,
    timeoutMs: d.settings.stepTimeoutMs,
    signal,
    touch,
  });
  await d.store.transition(gen.id, ['running'], {
    ...clip,
    watermarked: true,
    status: 'succeeded',
    stage: 'done',
    progress: 100,
    completedAt: d.clock.now(),
    provider: 'local',
    pointsCost: 0,
  });
  const fresh = (await d.store.get(gen.id))!;
  return { to: fresh.status === 'succeeded' ? 'succeeded' : 'done', gen: fresh };
};
