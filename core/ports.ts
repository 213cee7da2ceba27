// The small interfaces through which core talks to the world. Implementations live in infra/, bot/ and web/,
// and are wired by the composition root (app/compose.ts).
import type { Msg, Platform, ProviderName, Reply, ReplyTarget, Resolution } from './model.ts';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

// ---------------------------------------------------------------- video providers

export interface VideoRequest {
  /** Our generation id: providers that accept a client reference get it, and it keys idempotent retries. */
  generationId: string;
  kind: 'video' | 'style' | 'upscale' | 'demo' | 'image';
  prompt: string;
  resolution: Resolution;
  fps: number;
  durationSeconds: number;
  style?: string;
  /** A public URL of the source video for style transfer and upscale. */
  sourceVideoUrl?: string;
  /** Asks for this seed where the provider takes one (a retry or variation); absent, the provider picks. */
  seed?: number;
  /** The photo an 'image' request animates (private: a short-lived signed URL, and its bytes for inline use). */
  image?: SourceImageInput;
}

export interface SourceImageInput {
  /** Signed, short-lived URL of the stored JPEG (never a public one). */
  url: string;
  width: number;
  height: number;
  contentType: 'image/jpeg';
  /** The stored bytes, for providers that take an upload or a data URI instead of fetching the URL. */
  bytes(): Promise<Uint8Array>;
}

export interface ProviderJob {
  provider: ProviderName;
  jobId: string;
}

export type ProviderJobState =
  | { state: 'pending' | 'running'; progress?: number }
  | { state: 'succeeded'; videoUrl: string }
  | { state: 'failed'; error: ProviderError };

/**
 * The one error type failover understands. `retriable` says whether another attempt (same or next provider)
 * may succeed; `code` is stable for tests and metrics.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code:
      | 'unauthorized'
      | 'rate_limited'
      | 'server_error'
      | 'timeout'
      | 'bad_response'
      | 'rejected_content'
      | 'job_failed'
      | 'bad_request'
      | 'insufficient_credits'
      | 'canceled'
      | 'network',
    message: string,
    readonly retriable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface VideoProvider {
  readonly name: ProviderName;
  /** True for the offline ffmpeg renderer standing in for a provider without a key: replies say "local preview". */
  readonly local?: boolean;
  /** Starts a job; resolves once the provider accepted it. */
  submit(req: VideoRequest, signal?: AbortSignal): Promise<ProviderJob>;
  poll(job: ProviderJob, signal?: AbortSignal): Promise<ProviderJobState>;
  cancel(job: ProviderJob): Promise<void>;
  /** Cheap reachability probe for the health checker (never starts a paid job). */
  probe(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Verified completion callbacks from providers, turned into wake-ups of the run waiting on that job. The callback
 * only says "look now": the run then polls the provider, so what finishes a generation is always the provider's
 * own answer, through the same idempotent finish as a poll.
 */
export interface CompletionSignals {
  /** True when this provider calls us back on completion: polling then only backs the callback up, more slowly. */
  callsBack(provider: ProviderName): boolean;
  /** Waits up to ms for a callback about this job or generation; true when one came. Never rejects. */
  wait(job: ProviderJob, generationId: string, ms: number, signal?: AbortSignal): Promise<boolean>;
}

// ---------------------------------------------------------------- media

export interface StoredObject {
  key: string;
  sizeBytes: number;
}

/** Keys under this prefix (clean masters) are never public: only signed URLs and owner-checked routes serve them. */
export const PRIVATE_MEDIA_PREFIX = 'private/';

export interface MediaStore {
  put(key: string, file: string | Buffer, contentType: string): Promise<StoredObject>;
  /** A local file path with the object's bytes (downloaded to a temp file when remote). */
  getFile(key: string): Promise<string>;
  delete(key: string): Promise<void>;
  /** A URL chat platforms and browsers can fetch (public or presigned). Never for a `private/` key. */
  publicUrl(key: string): Promise<string>;
  /**
   * A URL that serves any key, private ones included, for `ttlSeconds`: what a provider fetches our media by, and
   * what an owner downloads a clean master from (disk: /media with an HMAC signature; S3: a presigned GET built for
   * the endpoint the outside reaches). `downloadName`: served as an attachment with that file name (where supported).
   */
  signedUrl(key: string, ttlSeconds: number, opts?: { downloadName?: string }): Promise<string>;
  exists(key: string): Promise<boolean>;
}

export interface MediaInfo {
  width: number;
  height: number;
  durationMs: number;
  sizeBytes: number;
  codec: string;
}

export interface MediaTools {
  /** Downloads a provider's result to a local temp file. */
  download(url: string, signal?: AbortSignal): Promise<string>;
  probe(file: string): Promise<MediaInfo>;
  watermark(input: string, output: string, text: string): Promise<void>;
  /** A JPEG still under 1 MB, as LINE needs for every video; durationMs (when the caller probed already) places it. */
  preview(input: string, output: string, durationMs?: number): Promise<void>;
  /**
   * watermark + preview in one decode/encode pass: the watermarked video and its JPEG still (under 1 MB, taken
   * from the watermarked frames) out of one ffmpeg run. durationMs (when the caller probed already) places the still.
   */
  watermarkWithPreview(
    input: string,
    output: string,
    previewOutput: string,
    text: string,
    durationMs?: number,
  ): Promise<void>;
  transcode(input: string, output: string, opts: { maxHeight: number; maxBytes?: number; fps?: number }): Promise<void>;
  /** The clip's very last frame as a JPEG (at most 4096 px a side): where an extension of the clip starts from. */
  lastFrame(input: string): Promise<Buffer>;
}

// ---------------------------------------------------------------- moderation

export type ModerationCategory = 'sexual' | 'minors' | 'violence' | 'illegal' | 'hate' | 'self_harm' | 'other';

export interface ModerationVerdict {
  allowed: boolean;
  category?: ModerationCategory;
  reason?: string;
  /** Who refused (or allowed): 'gemini+keyword' when both refused. */
  source: 'gemini' | 'keyword' | 'gemini+keyword';
}

export interface Moderator {
  check(text: string, signal?: AbortSignal): Promise<ModerationVerdict>;
}

/** Thrown by an ImageModerator that cannot decide (no classifier, or it failed): the photo path is refused. */
export class ImageModerationUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageModerationUnavailable';
  }
}

/** Classifies a photo together with its motion prompt. Throws ImageModerationUnavailable when it cannot. */
export interface ImageModerator {
  checkImage(
    image: { bytes: Uint8Array; contentType: string },
    prompt: string,
    signal?: AbortSignal,
  ): Promise<ModerationVerdict>;
}

// ---------------------------------------------------------------- delivery and jobs

export interface PushOptions {
  /** The same key twice sends once (deduplicated in shared state, and by the platform where it can). */
  idempotencyKey?: string;
  /**
   * The caller holds its own exactly-once claim (a generation's final message): no shared-state dedupe, and the
   * push fails when this process cannot reach the platform instead of being parked for another process.
   */
  claimed?: boolean;
}

/**
 * Pushes replies to a chat outside of a request (finished video, payment done, broadcast). A keyed push for a
 * platform this process has no sender for is kept durably and sent by a process that has one.
 */
export interface Notifier {
  push(target: ReplyTarget, replies: Reply[], opts?: PushOptions): Promise<void>;
  /**
   * The same replies to many chats as one keyed send (a repeated key sends nothing twice): a platform that has a
   * batch call (LINE multicast) gets the chats in batches, the others one push each. Resolves to the chats reached.
   */
  broadcast?(targets: ReplyTarget[], replies: Reply[], key: string): Promise<number>;
}

/**
 * Durable delivery of finished generations: the final message waits in the job store until a process that can
 * reach the user's platform sends it (GenerationRunner.deliver), retried with backoff.
 */
export interface DeliveryQueue {
  scheduleFinal(generationId: string, platform: Platform): Promise<void>;
}

export interface JobQueue {
  enqueueGeneration(generationId: string, opts: { priority: 'normal' | 'high' }): Promise<void>;
  /** Jobs waiting ahead of this one, and how many are running, for /status. */
  position(generationId: string): Promise<{ ahead: number; running: number } | null>;
  cancelGeneration(generationId: string): Promise<void>;
}

/** Shared fast state: Redis when configured, else in-process (single instance only). */
export interface SharedState {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Set only if absent; true when this call set it (dedupe, locks). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  incr(key: string, ttlMs: number): Promise<number>;
  del(key: string): Promise<void>;
}

export type { Msg };

// ---------------------------------------------------------------- metrics

/** The counters core reports, each with its label names (infra/metrics/ turns them into Prometheus families). */
export interface CounterLabels {
  generation_started: 'provider' | 'tier' | 'kind';
  generation_finished: 'provider' | 'tier' | 'kind' | 'outcome';
  /** Leaving a provider step for the next one; `to` is 'none' when no step is left. */
  failover: 'from' | 'to' | 'reason';
  /** reason: 'feature' (the request costs points by itself) or 'failover' (the unlimited providers are down). */
  consent_asked: 'reason';
  consent_answered: 'choice';
}

/** The durations core reports (seconds), with their label names. */
export interface DurationLabels {
  /** From the request to the first provider submit. */
  generation_queue_wait: 'tier';
  /** From our submit (or resumed poll) to the provider's final state. */
  generation_provider: 'provider' | 'outcome';
  /** From the provider's result to our stored, watermarked media. */
  generation_processing: 'provider';
  /** From the generation's end to the platform accepting the final message. */
  generation_delivery: 'platform';
}

/** Counters and observations by name; a port so core never sees the metrics library. */
export interface Metrics {
  count<N extends keyof CounterLabels>(name: N, labels: Record<CounterLabels[N], string>, by?: number): void;
  observe<N extends keyof DurationLabels>(name: N, seconds: number, labels: Record<DurationLabels[N], string>): void;
}

export const noMetrics: Metrics = { count() {}, observe() {} };
