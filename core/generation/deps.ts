// Everything the generation use cases are built from, plus the few helpers they share (reservations,
// choices, estimates). One object so the composition root hands it over in one place.
import type { Choice, ProviderName, Reply } from '../model.ts';
import type { Account, MagicLinks } from '../api.ts';
import type {
  Clock,
  CompletionSignals,
  DeliveryQueue,
  ImageModerator,
  JobQueue,
  MediaStore,
  MediaTools,
  Metrics,
  Moderator,
  Notifier,
  VideoProvider,
} from '../ports.ts';
import type { ActionTokenStore } from './action-tokens.ts';
import type { Router } from '../failover/router.ts';
import type { Charger, LedgerView } from '../ledger/point-charger.ts';
import type { ModerationPolicy } from '../moderation/policy.ts';
import {
  msg,
  type GenerationRow,
  type GenerationSettings,
  type GenerationStore,
  type RouteStep,
  type TierCatalog,
} from './types.ts';

export interface Log {
  info(obj: object, m: string): void;
  warn(obj: object, m: string): void;
}

export interface GenerationDeps {
  store: GenerationStore;
  tiers: TierCatalog;
  router: Router;
  moderator: Moderator;
  /** Classifies photos (with their prompt) for videos made from them; without it photos are refused. */
  imageModerator?: ImageModerator;
  /** The ban check and the record of each verdict (appeals are the moderation area's own). */
  moderation: Pick<ModerationPolicy, 'isBanned' | 'record'>;
  /** Read side of the points (balance, refund credits); never `reserve`. */
  ledger: LedgerView;
  /** The PointCharger: the only way points are held, committed or released (see chargingPorts()). */
  charger: Charger;
  jobs: JobQueue;
  notifier: Notifier;
  /**
   * Where finished generations' final messages wait to be sent (the app: per-platform delivery jobs). Without
   * it the message is pushed at once through the notifier (tests of the use cases).
   */
  deliveries?: DeliveryQueue;
  providers: Partial<Record<ProviderName, VideoProvider>>;
  /** Provider completion callbacks (absent: every provider is only polled). */
  completions?: CompletionSignals;
  mediaStore: MediaStore;
  mediaTools: MediaTools;
  links: MagicLinks;
  clock: Clock;
  settings: GenerationSettings;
  log: Log;
  /** The file behind a media key when the store is this machine's disk (video replies carry it as localPath). */
  localFile?: (key: string) => string;
  /** Failovers, consent questions and step durations (counted only when given). */
  metrics?: Metrics;
  /** The ids of the result buttons (actions.ts); without it a delivered video has no buttons. */
  actionTokens?: ActionTokenStore;
}

export type ReserveOutcome = 'ok' | 'needs_consent' | 'no_points';

/**
 * Holds the points of a charged step once, through the PointCharger: it reaches the ledger only with the user's
 * "points" answer for this generation or auto-pay, whoever calls this. The charger's key is per generation and
 * step, so a retried or resumed run holds the same points. `index` is the route step the points are for (a two-stage
 * style holds its style step's points before stage 1 runs).
 */
export async function ensureReservation(
  d: GenerationDeps,
  gen: GenerationRow,
  step: RouteStep,
  index = gen.stepIndex,
): Promise<ReserveOutcome> {
  if (!step.charged || gen.reservationId) return 'ok';
  const autoPay = await d.store.autoPay(gen.userId);
  // The consent question quoted this step's cost; later failover steps never cost more (core/failover/route.ts).
  const consent = gen.consent === 'points' ? { userId: gen.userId, generationId: gen.id, maxPoints: step.cost } : null;
  const held = await d.charger.hold(step, index, {
    userId: gen.userId,
    generationId: gen.id,
    autoPay,
    consent,
  });
  if (!held.ok) return held.reason === 'consent_required' ? 'needs_consent' : 'no_points';
  if (!held.reservation) return 'ok';
  await d.store.update(gen.id, { reservationId: held.reservation.id, pointsCost: step.cost });
  gen.reservationId = held.reservation.id;
  gen.pointsCost = step.cost;
  return 'ok';
}

/**
 * The consent question: cost, balance and the answers, each also a typed command. A failover step is charged only
 * because the unlimited providers are down, so the user may wait for them; style, upscale, 4K and non-unlimited
 * 1080p cost points by themselves, so there is nothing to wait for.
 */
export async function consentQuestion(d: GenerationDeps, gen: GenerationRow, step: RouteStep): Promise<Reply> {
  const balance = await d.ledger.balance(gen.userId);
  const failover = step.failover === true;
  const choices: Choice[] = [
    { label: msg('core.consent.use_points', { cost: step.cost }), command: `/consent ${gen.id} points` },
    ...(failover ? [{ label: msg('core.consent.wait'), command: `/consent ${gen.id} wait` }] : []),
    { label: msg('core.consent.cancel'), command: `/consent ${gen.id} cancel` },
  ];
  const question = failover
    ? msg('core.consent.question', { provider: step.provider, cost: step.cost, balance: balance.total })
    : msg('core.consent.question_feature', { cost: step.cost, balance: balance.total });
  // It names the balance: personal (a group sees it only in the user's one-to-one chat).
  return { kind: 'text', message: question, choices, personal: true };
}

/** A consent question is about to be asked for this step. */
export function countConsentAsked(d: GenerationDeps, step: RouteStep): void {
  d.metrics?.count('consent_asked', { reason: step.failover ? 'failover' : 'feature' });
}

export async function plansChoice(d: GenerationDeps, account: Account): Promise<Choice> {
  return { label: msg('core.choice.plans'), command: '/plans', url: await d.links.linkFor(account.userId, '/plans') };
}

/** Minutes until a queued job is likely done: (jobs ahead + itself) × the rolling average run time. */
export async function estimateMinutes(d: GenerationDeps, ahead: number, provider?: ProviderName): Promise<number> {
  const avg = (await d.store.averageDurationMs(provider)) ?? (await d.store.averageDurationMs()) ?? 90_000;
  return Math.max(1, Math.ceil(((ahead + 1) * avg) / 60_000));
}

export const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply =>
  choices ? { kind: 'text', message: msg(key, params), choices } : { kind: 'text', message: msg(key, params) };
