// A stage change the user sees at once (the local renderer reports no percentages; LINE shows a loading dot).
import type { GenerationDeps } from '../deps.ts';
import type { GenerationRow } from '../types.ts';
import { stageOf } from '../two-stage.ts';

export async function pushProgress(d: GenerationDeps, gen: GenerationRow, percent: number, stage?: string) {
  const shown = stageOf(gen, percent);
  await d.notifier
    .push(gen.replyTarget, [
      { kind: 'progress', generationId: gen.id, stage: stage ?? shown.stage, percent, message: shown.message },
    ])
    .catch((err) => d.log.warn({ err: String(err), id: gen.id }, 'progress push failed'));
}
