// The Notifier core pushes through. It exists before core is wired; each platform adapter registers into it
// when built, so wiring order does not matter. Idempotency keys are claimed in SharedState (Redis across
// instances) for 3 days: a retried push with the same key is sent once; a failed send frees its key again.
import type { Platform, Reply, ReplyTarget } from '../core/model.ts';
import type { Notifier, SharedState } from '../core/ports.ts';

export interface PlatformSender {
  push(target: ReplyTarget, replies: Reply[], opts: { idempotencyKey?: string }): Promise<void>;
}

const KEY_TTL_MS = 3 * 24 * 3600_000;

export class NotifierHub implements Notifier {
  private readonly senders = new Map<Platform, PlatformSender>();
  constructor(
    private readonly state: SharedState,
    private readonly log?: { warn(o: object, m: string): void },
  ) {}

  register(platform: Platform, sender: PlatformSender): void {
    this.senders.set(platform, sender);
  }

  has(platform: Platform): boolean {
    return this.senders.has(platform);
  }

  async push(target: ReplyTarget, replies: Reply[], opts: { idempotencyKey?: string } = {}): Promise<void> {
    const sender = this.senders.get(target.platform);
    if (!sender) {
      this.log?.warn({ platform: target.platform }, 'push to a platform that is not configured: dropped');
      return;
    }
    const claim = opts.idempotencyKey ? `notify:${target.platform}:${target.chatId}:${opts.idempotencyKey}` : undefined;
    if (claim && !(await this.state.setIfAbsent(claim, '1', KEY_TTL_MS))) return;
    try {
      await sender.push(target, replies, opts);
    } catch (err) {
      if (claim) await this.state.del(claim);
      throw err;
    }
  }
}
