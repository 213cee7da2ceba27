// What the generation use cases keep. The store is implemented in infra/db/generation-repo.ts; the route steps a generation
// stores are core/failover's (the planner makes them, the row keeps them as they are).
import type { Msg, PointBucket, ProviderName, ReplyTarget, Resolution } from '../model.ts';
import type { GenerationKind, PlanFeatures, SourceImage, TierSlug } from '../api.ts';
import type { RouteStep } from '../failover/route.ts';

export type { RouteStep };

export const TERMINAL = ['succeeded', 'failed', 'canceled', 'refused'] as const;
export type GenerationStatus = 'awaiting_consent' | 'queued' | 'running' | (typeof TERMINAL)[number];
export const OPEN: GenerationStatus[] = ['awaiting_consent', 'queued', 'running'];

/** A provider's video as kept in the media store (run/store-media.ts). */
export interface StoredMedia {
  mediaKey: string;
  previewKey: string;
  masterKey: string | null;
  watermarked: boolean;
  sizeBytes: number;
  durationMs: number;
}

/** Stage 1's stored clip of a two-stage style generation (see two-stage.ts). */
export interface BaseClip extends StoredMedia {
  provider: ProviderName;
}

export interface Attempt {
  provider: ProviderName;
  step: number;
  jobId?: string;
  outcome: 'failed' | 'succeeded' | 'canceled';
  code?: string;
  at: string;
}

export interface GenerationRow {
  id: string;
  userId: string;
  chatIdentityId: string | null;
  replyTarget: ReplyTarget;
  kind: GenerationKind;
  prompt: string;
  style: string | null;
  sourceGenerationId: string | null;
  provider: ProviderName | null;
  resolution: Resolution;
  fps: number;
  status: GenerationStatus;
  stage: string | null;
  progress: number;
  providerJobId: string | null;
  attempts: Attempt[];
  mediaKey: string | null;
  previewKey: string | null;
  masterKey: string | null;
  watermarked: boolean;
  sizeBytes: number | null;
  durationMs: number | null;
  pointsCost: number;
  reservationId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  /** When the platform accepted the final message; null while it is not yet delivered. */
  deliveredAt: Date | null;
  /** The claim taken before pushing the final message (exactly one sender at a time). */
  deliveryClaimedAt: Date | null;
  route: RouteStep[];
  stepIndex: number;
  consent: 'points' | 'wait' | null;
  chargeSplit: Partial<Record<PointBucket, number>> | null;
  priority: 'normal' | 'high';
  cancelRequestedAt: Date | null;
  deadlineAt: Date | null;
  refundedAt: Date | null;
  demoSlug: string | null;
  /** The chat event that asked for it ("<platform>:<event id>"); unique, so a replayed event finds this row. */
  requestKey: string | null;
  /** Stage 1's clip of a style made from a prompt, once stored; null otherwise. */
  baseClip: BaseClip | null;
  /** The video whose result button made this one, and which button (core/generation/actions.ts); null otherwise. */
  parentId: string | null;
  action: ResultAction | null;
  /** The seed sent to the provider (a retry or variation asks for a new one); null lets the provider pick. */
  seed: number | null;
  /** The photo an 'image' generation animates (a private media key); null for every other kind. */
  sourceImage: SourceImage | null;
}

/** The buttons under a delivered video. */
export const RESULT_ACTIONS = ['retry', 'variation', 'extend', 'style', 'upscale'] as const;
export type ResultAction = (typeof RESULT_ACTIONS)[number];

export type NewGeneration = Pick<
  GenerationRow,
  'userId' | 'replyTarget' | 'kind' | 'prompt' | 'resolution' | 'fps' | 'status' | 'route' | 'priority' | 'deadlineAt'
> &
  Partial<
    Pick<
      GenerationRow,
      | 'chatIdentityId'
      | 'style'
      | 'sourceGenerationId'
      | 'demoSlug'
      | 'consent'
      | 'pointsCost'
      | 'requestKey'
      | 'parentId'
      | 'action'
      | 'seed'
      | 'sourceImage'
    >
  >;

export type GenerationPatch = Partial<Omit<GenerationRow, 'id' | 'userId' | 'createdAt'>>;

/** Persistence of generations (infra/db/generation-repo.ts). Conditional writes return whether they applied. */
export interface GenerationStore {
  /**
   * Null when nothing was written: a generation with the same requestKey exists already, or (with `maxOpen`) the
   * user already has that many open ones — checked and taken in the one statement, so parallel requests cannot
   * both pass.
   */
  insert(g: NewGeneration, opts?: { maxOpen?: number }): Promise<GenerationRow | null>;
  byRequestKey(key: string): Promise<GenerationRow | null>;
  get(id: string): Promise<GenerationRow | null>;
  /** The one generation whose id starts with `prefix` (admins type the 8-character ids replies show). */
  findByPrefix(prefix: string): Promise<GenerationRow | null>;
  /** Applies the patch only while the status is one of `from` (the one arbiter of who finishes a generation). */
  transition(id: string, from: readonly GenerationStatus[], patch: GenerationPatch): Promise<boolean>;
  /** As transition, and only while the run is still on step `step` (one winner when leaving a stage). */
  transitionAtStep(
    id: string,
    step: number,
    from: readonly GenerationStatus[],
    patch: GenerationPatch,
  ): Promise<boolean>;
  update(id: string, patch: GenerationPatch): Promise<void>;
  /** Stores the provider job of the current step once; false when one is already stored. */
  setProviderJob(id: string, step: number, provider: ProviderName, jobId: string): Promise<boolean>;
  appendAttempt(id: string, attempt: Attempt): Promise<void>;
  /**
   * Claims the one final message: true when it is not delivered and not claimed, or (staleAfterMs given: the
   * platform deduplicates a resent push itself) claimed longer ago than that by a sender that died meanwhile.
   */
  claimDelivery(id: string, now: Date, staleAfterMs?: number): Promise<boolean>;
  /** The platform accepted the final message. */
  confirmDelivery(id: string, now: Date): Promise<void>;
  /** Gives a claim back after a failed push, so a retry can send it. */
  unclaimDelivery(id: string): Promise<void>;
  /** The user's finished videos still waiting for delivery (newest first). */
  undeliveredForUser(userId: string): Promise<GenerationRow[]>;
  claimRefund(id: string, now: Date): Promise<boolean>;
  countOpen(userId: string): Promise<number>;
  openForUser(userId: string): Promise<GenerationRow[]>;
  lastFinished(userId: string): Promise<GenerationRow | null>;
  /** The generations made from this one's result buttons, oldest first. */
  childrenOf(parentId: string): Promise<GenerationRow[]>;
  listForUser(userId: string, limit: number, offset: number): Promise<{ items: GenerationRow[]; total: number }>;
  openAll(limit: number): Promise<GenerationRow[]>;
  stuckIds(now: Date): Promise<string[]>;
  pendingIds(): Promise<string[]>;
  /** Rolling average run time of the last successful jobs per provider (ms), for wait estimates. */
  averageDurationMs(provider?: ProviderName): Promise<number | null>;
  countsByStatus(since: Date): Promise<Record<string, number>>;
  /** Provider jobs submitted in [from, to), per provider (attempts included), for the spend report. */
  submissionsByProvider(from: Date, to: Date): Promise<Record<string, number>>;
  autoPay(userId: string): Promise<boolean>;
}

/** Plans as data: the tier's features and a user's current tier. */
export interface TierCatalog {
  features(tier: TierSlug): Promise<PlanFeatures>;
  tierOf(userId: string): Promise<TierSlug>;
}

export interface GenerationSettings {
  /** Poll interval while a provider works. */
  pollIntervalMs: number;
  /** Poll interval for a provider that calls back on completion: the poll is only the fallback then. */
  callbackPollIntervalMs: number;
  /** One provider step may take this long before failover. */
  stepTimeoutMs: number;
  /** A generation not finished by then is failed and refunded by settleStuck. */
  stuckAfterMs: number;
  /** Progress pushes at most this often. */
  progressEveryMs: number;
  watermarkText: string;
  /** Tallest output each tier's max resolution allows (app wiring passes infra/media's TIER_MAX_HEIGHT). */
  maxHeight: Record<Resolution, number>;
}

export const DEFAULT_SETTINGS: GenerationSettings = {
  pollIntervalMs: 5_000,
  callbackPollIntervalMs: 30_000,
  stepTimeoutMs: 600_000,
  // Below SqlLedger's 2 h hold, so a stuck generation is refunded by us (with a message) before the hold expires.
  stuckAfterMs: 100 * 60_000,
  progressEveryMs: 5_000,
  watermarkText: 'VidGo Demo',
  maxHeight: { '720p': 720, '1080p': 1080, '4k': 2160 },
};

export const msg = (key: string, params?: Record<string, string | number>): Msg => (params ? { key, params } : { key });
