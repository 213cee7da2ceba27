// The Notifier core pushes through. It exists before core is wired; each platform adapter registers into it
// when built, so wiring order does not matter. Idempotency keys are claimed in SharedState (Redis across
// instances) for 3 days: a retried push with the same key is sent once; a failed send frees its key again.
// A push to a group (a video asked for there) carries only what the group may see; personal replies in it go
// to the user's one-to-one chat instead (core/privacy.ts).
import type { Platform, Reply, ReplyTarget } from '../core/model.ts';
import type { Notifier, SharedState } from '../core/ports.ts';
import { directTarget, isGroup, splitForGroup } from '../core/privacy.ts';

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
    if (!isGroup(target)) return this.send(sender, target, replies, opts.idempotencyKey);
    const { shown, personal } = splitForGroup(replies);
    if (shown.length) await this.send(sender, target, shown, opts.idempotencyKey);
    if (!personal.length) return;
    // The user may never have opened a one-to-one chat (Telegram refuses bots that were not started): the group got
    // its part, and a personal part that cannot be delivered is not worth redelivering the rest for.
    await this.send(sender, directTarget(target), personal, opts.idempotencyKey && `${opts.idempotencyKey}:direct`)
      .catch((err) => this.log?.warn({ platform: target.platform, err }, 'personal part of a group push not delivered'));
  }

  private async send(sender: PlatformSender, target: ReplyTarget, replies: Reply[], key: string | undefined): Promise<void> {
    const opts = key ? { idempotencyKey: key } : {};
    const claim = key ? `notify:${target.platform}:${target.chatId}:${key}` : undefined;
    if (claim && !(await this.state.setIfAbsent(claim, '1', KEY_TTL_MS))) return;
    try {
      await sender.push(target, replies, opts);
    } catch (err) {
      if (claim) await this.state.del(claim);
      throw err;
    }
  }
}
