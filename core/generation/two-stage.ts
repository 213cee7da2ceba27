// A style from a prompt ("/style anime a cat surfing", no replied video): GoEnhance only restyles a video
// (POST /api/v1/video2video/generate needs reference_video_url, docs/providers.md), so one generation runs two
// stages over one route: first the free video steps (stage: 'base', Leonardo → Runway at 720p), then the style
// steps (GoEnhance, charged). The choices made (tested in tests/styles/prompt-style.test.ts):
// - Stage 1 uses only the free (unlimited) video steps: the request has one charge, the style's, asked and held
//   before anything runs. No free video provider up → "busy"; all of them failing → failed, nothing charged.
// - The base clip is rendered at 720p, GoEnhance's largest output (higher tiers' style output is scaled as before).
// - Stage 2 failing (every style step, or GoEnhance refusing it): the style points are released and the user
//   gets the unstyled base clip with an explanation (status succeeded, error_code 'style_failed', not charged).
//   The run steps are in run/ (base-clip.ts stores stage 1's clip, unstyled.ts delivers it when stage 2 fails).
import type { PlanFeatures } from '../api.ts';
import type { Resolution } from '../model.ts';
import { msg, type GenerationRow, type RouteStep } from './types.ts';
import type { GenerationDeps } from './deps.ts';

export const BASE_RESOLUTION: Resolution = '720p';
export const STYLE_FAILED = 'style_failed';

export const isTwoStage = (gen: Pick<GenerationRow, 'route'>): boolean => gen.route.some((s) => s.stage === 'base');

/** Index of the first style step of a two-stage route (where its one charge is held). */
export const styleIndex = (route: RouteStep[]): number => route.findIndex((s) => s.stage !== 'base');

/** The step whose points a request holds: the style step of a two-stage route, else the current step. */
export function payingStep(gen: Pick<GenerationRow, 'route' | 'stepIndex'>): {
  step: RouteStep | undefined;
  index: number;
} {
  const index = isTwoStage(gen) && gen.route[gen.stepIndex]?.stage === 'base' ? styleIndex(gen.route) : gen.stepIndex;
  return { step: gen.route[index], index };
}

/** Free video steps, then the style steps; empty when either stage has nothing to run on now. */
export async function planTwoStage(
  d: GenerationDeps,
  features: PlanFeatures,
  resolution: Resolution,
): Promise<RouteStep[]> {
  const base = (await d.router.plan({ kind: 'video', resolution: BASE_RESOLUTION, features })).filter(
    (s) => !s.charged,
  );
  const style = await d.router.plan({ kind: 'style', resolution, features });
  return base.length && style.length ? [...base.map((s) => ({ ...s, stage: 'base' as const })), ...style] : [];
}

/** Stage name and progress message of the step the run is on. */
export function stageOf(gen: Pick<GenerationRow, 'route' | 'stepIndex'>, percent: number) {
  if (!isTwoStage(gen)) return { stage: 'rendering', message: msg('core.progress', { percent }) };
  return gen.route[gen.stepIndex]?.stage === 'base'
    ? { stage: 'base', message: msg('core.stage.base', { percent }) }
    : { stage: 'styling', message: msg('core.stage.style', { percent }) };
}
