// The contract between core and everything around it: what adapters (bot/, web/) and jobs (infra/jobs) may call.
// Core implements these interfaces (core/**); the composition root hands the implementations out.
// Changes here are additive: a new method or optional field, never a changed meaning.
import type { PointPool } from './ledger/rules.ts';
import type { ChatEvent, Locale, Msg, PointBucket, ProviderName, Reply, ReplyTarget, Resolution } from './model.ts';

export type TierSlug = 'demo' | 'starter' | 'pro' | 'unlimited';

/** A plan's features JSON (seeded data; see migrations/*-seed-plans.ts). Percentages are integers. */
export interface PlanFeatures {
  unlimited_720p: boolean;
  unlimited_1080p: boolean;
  monthly_pollo_points: number;
  monthly_goenhance_points: number;
  max_resolution: Resolution;
  max_fps: number;
  priority_queue: boolean;
  point_discount: number; // percent off point costs, e.g. 20
  watermark: boolean;
  smart_demo_only: boolean;
  style_access: boolean;
  max_concurrent: number;
  /**
   * Base point costs of a video made from a photo, per charged feature (before point_discount). Absent or missing a
   * feature: the text video's cost of the same feature (the seed has no image-to-video price).
   */
  image_video_points?: Partial<Record<'leonardo_1080p' | 'pollo_basic' | 'pollo_4k', number>>;
}

export interface Plan {
  id: string;
  slug: TierSlug;
  name: string;
  description: string;
  priceTwd: number; // whole NT$
  priceUsdCents: number;
  features: PlanFeatures;
  paddlePriceId?: string;
}

export interface PointPack {
  id: string;
  slug: string;
  name: string;
  points: number;
  priceTwd: number;
  priceUsdCents: number;
  paddlePriceId?: string;
}

export interface Account {
  userId: string;
  identityId: string;
  locale: Locale;
  isAdmin: boolean;
  autoPay: boolean;
  tier: TierSlug;
  banned: boolean;
  target: ReplyTarget;
}

export interface Balance {
  monthly_pollo: number;
  monthly_goenhance: number;
  purchased: number;
  total: number;
}

export interface LedgerEntry {
  id: number;
  bucket: PointBucket;
  amount: number;
  reason: string;
  reference: string | null;
  createdAt: Date;
}

export interface Reservation {
  id: string;
  userId: string;
  amount: number;
  /** How the amount splits across buckets (monthly first, then purchased). */
  split: Partial<Record<PointBucket, number>>;
  status: 'held' | 'committed' | 'released';
}

/** Points: append-only ledger with reserve → commit | release, every call idempotent by its key. */
export interface Ledger {
  balance(userId: string): Promise<Balance>;
  history(userId: string, opts?: { limit?: number; before?: number }): Promise<LedgerEntry[]>;
  /** Adds points (purchase, admin grant, refund correction). Same key twice = one credit. */
  credit(
    userId: string,
    bucket: PointBucket,
    amount: number,
    reason: string,
    idempotencyKey: string,
    reference?: string,
  ): Promise<void>;
  /**
   * Holds points for a paid feature. `pool` says which monthly bucket may be spent first ('pollo' for video,
   * 'goenhance' for style and upscale); purchased points cover the rest. Same key twice = the same reservation.
   * Resolves null when the balance does not cover it (nothing is written).
   */
  reserve(
    userId: string,
    amount: number,
    pool: PointPool,
    idempotencyKey: string,
    reference?: string,
  ): Promise<Reservation | null>;
  commit(reservationId: string): Promise<Reservation>;
  release(reservationId: string, reason: string): Promise<Reservation>;
  /** Resets the monthly buckets to the plan's allowance for a period ("2026-11"); once per user and period. */
  allocateMonthly(userId: string, features: PlanFeatures, period: string): Promise<boolean>;
  /**
   * A plan starts (bought, or changed to): leftover monthly points expire and the plan's allowance is credited for
   * `period`, once per key. True when this call did it.
   */
  startPlan(
    userId: string,
    features: PlanFeatures,
    period: string,
    idempotencyKey: string,
    reference?: string,
  ): Promise<boolean>;
  /**
   * Takes up to `amount` points back from a bucket (a refund), never below zero. Same key twice = one decision:
   * the second call returns what the first took. `shortfall` is what the balance could not cover.
   */
  clawback(
    userId: string,
    bucket: PointBucket,
    amount: number,
    reason: string,
    idempotencyKey: string,
    reference?: string,
  ): Promise<{ taken: number; shortfall: number }>;
}

export interface GenerationView {
  id: string;
  kind: GenerationKind;
  prompt: string;
  style: string | null;
  status: string;
  stage: string | null;
  progress: number;
  provider: ProviderName | null;
  resolution: Resolution;
  pointsCost: number;
  videoUrl: string | null;
  previewUrl: string | null;
  /** Set when an unwatermarked master exists and the user's tier may download it. */
  cleanUrl: string | null;
  errorMessage: Msg | null;
  createdAt: Date;
  completedAt: Date | null;
  /** False for a finished video still waiting to be delivered to the chat ("ready, not yet delivered"). */
  delivered: boolean;
  /** The video whose result button made this one, and which button; null for a first generation. */
  parentId?: string | null;
  action?: string | null;
}

/** Everything a chat adapter needs: one call per inbound event, replies out. */
export interface ChatCore {
  /** Verified, deduplicated event in → replies to show now. Later replies arrive through the Notifier. */
  respond(event: ChatEvent): Promise<ChatResponse>;
}

/** What an adapter gets back: the replies and the language to render them in (it may just have changed). */
export interface ChatResponse {
  replies: Reply[];
  locale: Locale;
  /** A generation is under way for this user and nothing final was shown: adapters show their waiting UI. */
  pending?: boolean;
  /** The generation this command started or answered (when known): adapters tie its waiting UI to it. */
  generationId?: string;
  /**
   * Personal replies to an event from a group (core/privacy.ts), kept out of `replies`: the adapter delivers them
   * where the user alone reads them (one-to-one chat, Discord ephemeral message) and tells the group where to look.
   */
  direct?: Reply[];
}

/** The generation pipeline as seen by the job runner. */
export interface GenerationRunner {
  /**
   * Runs (or resumes) one generation to its end: provider call(s) with failover, media storage, points commit or
   * release, record, notify. Safe to call again after a crash: it picks up from the stored state and never
   * charges or delivers twice. `touch` keeps the job's lock alive during long waits.
   */
  run(generationId: string, ctx: { signal: AbortSignal; touch: () => Promise<void> }): Promise<'done' | 'retry_later'>;
  /** Refunds and fails generations stuck past their deadline. Returns how many it settled. */
  settleStuck(now: Date): Promise<number>;
  /** Re-queues what should be queued (used at start-up after a crash). */
  pendingIds(): Promise<string[]>;
  /**
   * Sends a finished generation's final message from this process (the delivery job's work): 'sent' now;
   * 'nothing' to send (not finished, or already delivered); 'held' when another sender's claim is on it and not
   * confirmed yet (it may have died mid-push: with resendAfterMs the claim is taken over once that old). Throws when
   * the push fails, so the job retries.
   */
  deliver(generationId: string, opts?: { resendAfterMs?: number }): Promise<'sent' | 'nothing' | 'held'>;
}

/** Billing as seen by the web app and the payment callbacks. */
export interface Billing {
  plans(): Promise<Plan[]>;
  packs(): Promise<PointPack[]>;
  /** Marks the order paid and fulfils it exactly once: subscription, points, invoice, chat notice. */
  fulfilPaidOrder(
    orderNumber: string,
    payment: {
      provider: 'ecpay' | 'paddle';
      externalId: string;
      amountMinor: number;
      currency: 'TWD' | 'USD';
      raw: unknown;
    },
  ): Promise<'fulfilled' | 'already' | 'rejected'>;
  expireSubscriptions(now: Date): Promise<number>;
  sendRenewalReminders(now: Date): Promise<number>;
  /** Monthly reset on the 1st (configured timezone): allocates each active subscriber's monthly points once. */
  monthlyReset(now: Date): Promise<number>;
}

/** 'image': a video made from a photo the user sent (the photo is the first frame, the prompt its motion). */
export type GenerationKind = 'video' | 'style' | 'upscale' | 'demo' | 'image';

/** A validated photo in the media store (private key), what an 'image' generation starts from. */
export interface SourceImage {
  key: string;
  width: number;
  height: number;
}

export interface GenerationRequest {
  kind: Exclude<GenerationKind, 'demo'>;
  prompt: string;
  style?: string;
  resolution?: Resolution;
  /** The stored photo an 'image' request animates. */
  sourceImage?: SourceImage;
  /** The video a /style or /upscale acts on (replied-to, or the user's last one when absent; a /style with a prompt and none is made from the prompt first). */
  sourceGenerationId?: string;
  /**
   * Idempotency of the request: "<platform>:<chat event id>" from the chat dispatcher. A second request with the
   * same key (a webhook event handled again after a crash) must not create a second generation or charge.
   */
  requestKey?: string;
  /** A result button made this request: the video it acts on and the button (core/generation/actions.ts). */
  parent?: { id: string; action: 'retry' | 'variation' | 'extend' | 'style' | 'upscale' };
  /** The provider seed to ask for (a retry or variation draws a new one). */
  seed?: number;
}

/** What a request or a consent answer did: the replies to show now and the generation it created or answered. */
export interface GenerationOutcome {
  replies: Reply[];
  /**
   * The generation this call created, or answered about (a repeated requestKey names the first one; a consent
   * answer names the generation it answered). Absent when none was made or found (refused, tier limit, no source).
   */
  generationId?: string;
}

/**
 * Generation use cases. The chat dispatcher (core/commands) calls these with the
 * account it identified; every method returns the replies to show now.
 */
export interface GenerationService {
  request(account: Account, req: GenerationRequest): Promise<Reply[]>;
  /** request(), also saying which generation it created or answered: chat adapters tie their waiting UI to it. */
  requestOutcome(account: Account, req: GenerationRequest): Promise<GenerationOutcome>;
  /** The user's answer to a consent question (points / wait for unlimited providers / cancel). */
  consent(account: Account, generationId: string, choice: 'points' | 'wait' | 'cancel'): Promise<Reply[]>;
  /** consent(), also saying which generation it answered (absent when it is not the user's). */
  consentOutcome(
    account: Account,
    generationId: string,
    choice: 'points' | 'wait' | 'cancel',
  ): Promise<GenerationOutcome>;
  cancel(account: Account, generationId?: string): Promise<Reply[]>;
  status(account: Account): Promise<Reply[]>;
  history(account: Account, limit?: number): Promise<Reply[]>;
  /** For the web gallery. */
  list(userId: string, opts: { limit: number; offset: number }): Promise<{ items: GenerationView[]; total: number }>;
  get(userId: string, generationId: string): Promise<GenerationView | null>;
}

/** Admin use cases behind /admin … (each call is written to the audit log by the dispatcher). */
export interface GenerationAdmin {
  refund(generationId: string, actor: string): Promise<Reply[]>;
  queue(): Promise<Reply[]>;
  stats(): Promise<Reply[]>;
  spend(day: Date): Promise<Reply[]>;
}

/** Accounts: who is behind a chat identity. */
export interface AccountService {
  /** Finds or creates the user behind the event's identity and refreshes its chat id, name and platform locale. */
  identify(event: ChatEvent): Promise<Account>;
  byUserId(userId: string): Promise<Account | null>;
  /** Every chat identity of the user, for notices that should reach all of them (purchase done). */
  targets(userId: string): Promise<ReplyTarget[]>;
}

/** Magic links from chat to the web app (implemented in web/auth; chat replies carry the URL). */
export interface MagicLinks {
  /** A short-lived single-use link that signs the user in and opens `path` ("/plans", "/gallery", "/account"). */
  linkFor(userId: string, path: string): Promise<string>;
  /** A plain (no sign-in) URL of a gallery item, for captions. */
  galleryUrl(generationId: string): string;
}
