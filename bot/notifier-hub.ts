// The Notifier core pushes through. It exists before core is wired; each platform adapter registers into it
// when built, so wiring order does not matter. Idempotency keys are claimed in SharedState (Redis across
// instances) for 3 days: a retried push with the same key is sent once; a failed send frees its key again.
// A keyed push for a platform this process has no sender for (the console of `npm run chat` in another process,
// a platform configured on other instances only) is parked durably (the jobs' notify-<platform>) and sent by a
// process that has the sender; progress without a sender here is skipped (it is only a hint).
import type { Platform, Reply, ReplyTarget } from '../core/model.ts';
import type { Notifier, PushOptions, SharedState } from '../core/ports.ts';

export interface PlatformSender {
  push(target: ReplyTarget, replies: Reply[], opts: { idempotencyKey?: string }): Promise<void>;
  /** The platform itself sends a push with an already-accepted idempotency key once (LINE's X-Line-Retry-Key). */
  readonly dedupesByKey?: boolean;
}

/** Keeps a keyed push for a process that has the platform's sender. */
export type Parker = (target: ReplyTarget, replies: Reply[], key: string) => Promise<void>;

const KEY_TTL_MS = 3 * 24 * 3600_000;

export class NoSenderHere extends Error {
  constructor(readonly platform: Platform) {
    super(`this process has no ${platform} sender`);
    this.name = 'NoSenderHere';
  }
}

export class NotifierHub implements Notifier {
  private readonly senders = new Map<Platform, PlatformSender>();
  private parker?: Parker;
  constructor(
    private readonly state: SharedState,
    private readonly log?: { warn(o: object, m: string): void },
  ) {}

  register(platform: Platform, sender: PlatformSender): void {
    this.senders.set(platform, sender);
  }

  /** Where keyed pushes for absent platforms go (the jobs wiring sets it). */
  parkWith(parker: Parker): void {
    this.parker = parker;
  }

  has(platform: Platform): boolean {
    return this.senders.has(platform);
  }

  platforms(): Platform[] {
    return [...this.senders.keys()];
  }

  dedupesByKey(platform: Platform): boolean {
    return Boolean(this.senders.get(platform)?.dedupesByKey);
  }

  async push(target: ReplyTarget, replies: Reply[], opts: PushOptions = {}): Promise<void> {
    const sender = this.senders.get(target.platform);
    if (!sender) {
      if (opts.claimed) throw new NoSenderHere(target.platform);
      if (replies.every((r) => r.kind === 'progress')) return;
      if (opts.idempotencyKey && this.parker) return this.parker(target, replies, opts.idempotencyKey);
      this.log?.warn({ platform: target.platform }, 'push without a key to a platform this process cannot reach: dropped');
      return;
    }
    // A claimed push (a generation's final message) is deduplicated by its caller's claim in the database.
    if (opts.claimed) return sender.push(target, replies, { idempotencyKey: opts.idempotencyKey });
    const claim = opts.idempotencyKey ? `notify:${target.platform}:${target.chatId}:${opts.idempotencyKey}` : undefined;
    if (claim && !(await this.state.setIfAbsent(claim, '1', KEY_TTL_MS))) return;
    try {
      await sender.push(target, replies, opts);
    } catch (err) {
      if (claim) await this.state.del(claim).catch(() => {});
      throw err;
    }
  }
}
