// What a plan allows, read from its features JSON (seeded data). Pure functions; a refusal names its reason, and
// the generation request answers it in the user's words (core.tier.*).
import type { GenerationKind, PlanFeatures } from '../api.ts';
import type { Resolution } from '../model.ts';

export const RESOLUTIONS: readonly Resolution[] = ['720p', '1080p', '4k'];

const rank = (r: Resolution) => RESOLUTIONS.indexOf(r);

export function isDemoOnly(f: PlanFeatures): boolean {
  return f.smart_demo_only;
}

/** True when Leonardo/Runway video at this resolution is covered by the subscription (no points). */
export function isUnlimitedAt(f: PlanFeatures, resolution: Resolution): boolean {
  if (f.smart_demo_only) return false;
  if (resolution === '720p') return f.unlimited_720p;
  if (resolution === '1080p') return f.unlimited_1080p;
  return false; // 4K is a point feature on every tier
}

/** The job queue priority (JobQueue.enqueueGeneration). */
export function queuePriority(f: PlanFeatures): 'high' | 'normal' {
  return f.priority_queue ? 'high' : 'normal';
}

export function maxConcurrent(f: PlanFeatures): number {
  return Math.max(1, f.max_concurrent);
}

export type TierRefusal =
  | 'resolution_not_in_plan'
  | 'fps_not_in_plan'
  | 'style_not_in_plan'
  | 'upscale_not_in_plan'
  | 'too_many_running';

export type TierCheck = { ok: true } | { ok: false; reason: TierRefusal };

const refuse = (reason: TierRefusal): TierCheck => ({ ok: false, reason });

/**
 * May this tier make this request? The one tier check: the generation request and planRoute both ask it.
 * `running` is how many of the user's generations are in progress. Demo users asking for video get the smart demo
 * (planRoute decides that); style and upscale need a paid plan.
 */
export function checkRequest(
  f: PlanFeatures,
  req: { kind: GenerationKind; resolution: Resolution; fps?: number; running?: number },
): TierCheck {
  if (req.kind !== 'upscale' && rank(req.resolution) > rank(f.max_resolution)) {
    return refuse('resolution_not_in_plan');
  }
  if (req.kind === 'style' && !f.style_access) return refuse('style_not_in_plan');
  if (req.kind === 'upscale' && (f.smart_demo_only || f.max_resolution !== '4k')) return refuse('upscale_not_in_plan');
  if (req.fps !== undefined && req.fps > f.max_fps) return refuse('fps_not_in_plan');
  if (req.running !== undefined && req.running >= maxConcurrent(f)) return refuse('too_many_running');
  return { ok: true };
}
