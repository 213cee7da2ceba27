// What a plan allows, read from its features JSON (seeded data). Pure functions; refusals carry Msg keys with an
// upgrade hint (locales/<lang>/tiers.json).
import type { GenerationKind, PlanFeatures } from '../api.ts';
import type { Msg, ProviderName, Resolution } from '../model.ts';

export const RESOLUTIONS: readonly Resolution[] = ['720p', '1080p', '4k'];
export const FPS_STEPS: readonly number[] = [24, 30, 60];
/** The providers a subscription covers without points (at the resolutions the tier has unlimited). */
export const UNLIMITED_PROVIDERS: readonly ProviderName[] = ['leonardo', 'runway'];

const rank = (r: Resolution) => RESOLUTIONS.indexOf(r);

export function allowedResolutions(f: PlanFeatures): Resolution[] {
  return RESOLUTIONS.filter((r) => rank(r) <= rank(f.max_resolution));
}

export function allowedFps(f: PlanFeatures): number[] {
  return FPS_STEPS.filter((n) => n <= f.max_fps);
}

export function hasWatermark(f: PlanFeatures): boolean {
  return f.watermark;
}

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

/** The providers that cost this tier nothing at this resolution. */
export function unlimitedProviders(f: PlanFeatures, resolution: Resolution): ProviderName[] {
  return isUnlimitedAt(f, resolution) ? [...UNLIMITED_PROVIDERS] : [];
}

export function monthlyAllowance(f: PlanFeatures): { monthly_pollo: number; monthly_goenhance: number } {
  return { monthly_pollo: f.monthly_pollo_points, monthly_goenhance: f.monthly_goenhance_points };
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

export type TierCheck = { ok: true } | { ok: false; reason: TierRefusal; msg: Msg };

const refuse = (reason: TierRefusal, params?: Msg['params']): TierCheck => ({
  ok: false,
  reason,
  msg: { key: `tiers.${reason}`, params },
});

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
    return refuse('resolution_not_in_plan', { resolution: req.resolution, max: f.max_resolution });
  }
  if (req.kind === 'style' && !f.style_access) return refuse('style_not_in_plan');
  if (req.kind === 'upscale' && (f.smart_demo_only || f.max_resolution !== '4k')) return refuse('upscale_not_in_plan');
  if (req.fps !== undefined && req.fps > f.max_fps) return refuse('fps_not_in_plan', { fps: req.fps, max: f.max_fps });
  if (req.running !== undefined && req.running >= maxConcurrent(f))
    return refuse('too_many_running', { max: maxConcurrent(f) });
  return { ok: true };
}
