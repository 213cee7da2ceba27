// The failover matrix as a pure function: which providers to try, in order, for a request, a tier and the
// providers' health. The runner walks the steps and falls through mid-job (Leonardo failing → Runway → points)
// without charging twice: one reservation per charged step (core/ledger/point-charger.ts), released when that step
// fails.
//
//   Demo tier (or a demo request)  → smart demo only ('local'), never a paid provider, whatever the health
//   video (or image) ≤ 1080p       → Leonardo (if up), Runway (if up), then Pollo basic in points (if up);
//                                    Leonardo/Runway are free where the tier has that resolution unlimited, else
//                                    charged as "Leonardo 1080p" (Starter at 1080p)
//   video 4K                       → Pollo 4K in points
//   style                          → GoEnhance style (1080p price up to 1080p, 4K price at 4K) in points
//   upscale                        → GoEnhance 4K upscale in points
// Every charged step needs the user's consent or auto-pay before points move (core/ledger/point-charger.ts).
import type { GenerationKind, PlanFeatures } from '../api.ts';
import type { PointPool } from '../ledger/rules.ts';
import type { ProviderName, Resolution } from '../model.ts';
import { checkRequest, isUnlimitedAt, type TierRefusal } from '../tiers/features.ts';
import { pointCost, poolOf, type PointFeature } from '../tiers/costs.ts';

/** Health per provider; a provider missing from the map counts as up. */
export type HealthMap = Partial<Record<ProviderName, boolean>>;

/**
 * One candidate of a route: who renders it and what it costs. Stored as is in a generation's `route` (JSON), so
 * these field names are the persisted ones.
 */
export interface RouteStep {
  provider: ProviderName;
  /** True when this step spends points (needs consent or auto-pay). */
  charged: boolean;
  /** Points this step costs the user (0 when free). */
  cost: number;
  /** The monthly bucket that pays first (for a free step, the bucket of its kind; nothing is taken from it). */
  pool: PointPool;
  /** 'base': stage 1 of a style from a prompt (a free video step making the clip the style is applied to). */
  stage?: 'base';
  /** True for the point-charged stand-in used only because the unlimited providers are down (Pollo basic). */
  failover?: boolean;
}

export type RoutePlan =
  | {
      ok: true;
      steps: RouteStep[];
      /** The first step is charged: ask (or check auto-pay) before starting. */
      needsConsent: boolean;
      /** The most any step may charge: what a consent question should quote. */
      maxPoints: number;
      /** Some unlimited provider was skipped because it is down (the reply may say "busy, using points"). */
      degraded: boolean;
    }
  | { ok: false; reason: 'tier'; tier: TierRefusal }
  | { ok: false; reason: 'unavailable' };

export interface RouteRequest {
  kind: GenerationKind;
  resolution: Resolution;
  fps?: number;
  features: PlanFeatures;
  health: HealthMap;
  /**
   * The user chose to wait for the unlimited providers rather than pay: only free steps, whatever their health
   * (the job waits for them). Unavailable when the request has no free route (style, upscale, 4K, Starter 1080p).
   */
  freeOnly?: boolean;
}

const up = (h: HealthMap, p: ProviderName) => h[p] !== false;

/** The bucket a free step would be paid from: GoEnhance's for style and upscale, Pollo's for video. */
const kindPool = (kind: GenerationKind): PointPool => (kind === 'style' || kind === 'upscale' ? 'goenhance' : 'pollo');

function step(provider: ProviderName, feature: PointFeature | null, req: RouteRequest, fromImage = false): RouteStep {
  const cost = feature ? pointCost(feature, req.features, { fromImage }) : 0;
  return {
    provider,
    charged: cost > 0,
    cost,
    pool: cost > 0 ? poolOf(feature!) : kindPool(req.kind),
    ...(cost > 0 && feature === 'pollo_basic' ? { failover: true } : {}),
  };
}

export function planRoute(req: RouteRequest): RoutePlan {
  const f = req.features;
  const tier = checkRequest(f, { kind: req.kind, resolution: req.resolution, fps: req.fps });
  if (!tier.ok) return { ok: false, reason: 'tier', tier: tier.reason };

  if (f.smart_demo_only || req.kind === 'demo') {
    return finish([{ provider: 'local', charged: false, cost: 0, pool: 'pollo' }], false);
  }

  const h: HealthMap = req.freeOnly ? {} : req.health;
  const steps: RouteStep[] = [];
  let degraded = false;
  // A video from a photo takes the text video's route and rules; only its prices may differ (plan data).
  const fromImage = req.kind === 'image';
  if ((req.kind === 'video' || fromImage) && req.resolution !== '4k') {
    const unlimitedFeature = isUnlimitedAt(f, req.resolution) ? null : 'leonardo_1080p';
    for (const p of ['leonardo', 'runway'] as const) {
      if (up(h, p)) steps.push(step(p, unlimitedFeature, req, fromImage));
      else degraded = true;
    }
    if (up(h, 'pollo')) steps.push(step('pollo', 'pollo_basic', req, fromImage));
  } else if (req.kind === 'video' || fromImage) {
    if (up(h, 'pollo')) steps.push(step('pollo', 'pollo_4k', req, fromImage));
  } else if (req.kind === 'style') {
    if (up(h, 'goenhance'))
      steps.push(step('goenhance', req.resolution === '4k' ? 'goenhance_style_4k' : 'goenhance_style_1080p', req));
  } else if (up(h, 'goenhance')) {
    steps.push(step('goenhance', 'goenhance_upscale_4k', req));
  }
  const usable = req.freeOnly ? steps.filter((s) => !s.charged) : steps;
  if (!usable.length) return { ok: false, reason: 'unavailable' };
  return finish(usable, degraded);
}

function finish(steps: RouteStep[], degraded: boolean): RoutePlan {
  return {
    ok: true,
    steps,
    degraded,
    needsConsent: steps[0]!.charged,
    maxPoints: Math.max(0, ...steps.map((s) => s.cost)),
  };
}
