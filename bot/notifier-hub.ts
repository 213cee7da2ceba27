// The Notifier core pushes through. It exists before core is wired; each platform adapter registers into it
// when built, so wiring order does not matter. Idempotency keys are claimed in SharedState (Redis across
// instances) for 3 days: a retried push with the same key is sent once; a failed send frees its key again.
// A keyed push for a platform this process has no sender for (the console of `npm run chat` in another process,
// a platform configured on other instances only) is parked durably (the jobs' notify-<platform>) and sent by a
// process that has the sender; progress without a sender here is skipped (it is only a hint).
// A push to a group (a video asked for there) carries only what the group may see; personal replies in it go
// to the user's one-to-one chat instead (core/privacy.ts).
import type { Platform, Reply, ReplyTarget } from '../core/model.ts';
import type { Notifier, PushOptions, SharedState } from '../core/ports.ts';
import { directTarget, isGroup, splitForGroup } from '../core/privacy.ts';

export interface PlatformSender {
  push(target: ReplyTarget, replies: Reply[], opts: { idempotencyKey?: string }): Promise<void>;
  /** The platform itself sends a push with an already-accepted idempotency key once (LINE's X-Line-Retry-Key). */
  readonly dedupesByKey?: boolean;
  /**
   * One message to many chats in the platform's batches (LINE multicast), each batch keyed so a repeated key sends
   * nothing twice; resolves to the chats reached. Targets it cannot batch it pushes itself.
   */
  multicast?(targets: ReplyTarget[], replies: Reply[], key: string): Promise<number>;
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
  /** parker: where keyed pushes for absent platforms wait (the job store's notices); none: they are dropped. */
  constructor(
    private readonly state: SharedState,
    private readonly log?: { warn(o: object, m: string): void },
    private readonly parker?: Parker,
  ) {}

  register(platform: Platform, sender: PlatformSender): void {
    this.senders.set(platform, sender);
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
      this.log?.warn(
        { platform: target.platform },
        'push without a key to a platform this process cannot reach: dropped',
      );
      return;
    }
    // A claimed push (a generation's final message) is deduplicated by its caller's claim in the database.
    const claimed = Boolean(opts.claimed);
    if (!isGroup(target)) return this.send(sender, target, replies, opts.idempotencyKey, claimed);
    const { shown, personal } = splitForGroup(replies);
    if (shown.length) await this.send(sender, target, shown, opts.idempotencyKey, claimed);
    if (!personal.length) return;
    // The user may never have opened a one-to-one chat (Telegram refuses bots that were not started): the group got
    // its part, and a personal part that cannot be delivered is not worth redelivering the rest for.
    await this.send(
      sender,
      directTarget(target),
      personal,
      opts.idempotencyKey && `${opts.idempotencyKey}:direct`,
      claimed,
    ).catch((err) => this.log?.warn({ platform: target.platform, err }, 'personal part of a group push not delivered'));
  }

  async broadcast(targets: ReplyTarget[], replies: Reply[], key: string): Promise<number> {
    let sent = 0;
    const byPlatform = new Map<Platform, ReplyTarget[]>();
    for (const t of targets) byPlatform.set(t.platform, [...(byPlatform.get(t.platform) ?? []), t]);
    for (const [platform, list] of byPlatform) {
      const sender = this.senders.get(platform);
      if (sender?.multicast) {
        sent += await sender.multicast(list, replies, `${key}:${platform}`).catch((err) => {
          this.log?.warn({ platform, err }, 'broadcast batch failed');
          return 0;
        });
        continue;
      }
      for (const t of list)
        await this.push(t, replies, { idempotencyKey: `${key}:${t.platform}:${t.platformUserId}` }).then(
          () => sent++,
          () => {},
        );
    }
    return sent;
  }

  private async send(
    sender: PlatformSender,
    target: ReplyTarget,
    replies: Reply[],
    key: string | undefined,
    claimed: boolean,
  ): Promise<void> {
    const opts = key ? { idempotencyKey: key } : {};
    if (claimed) return sender.push(target, replies, opts);
    const claim = key ? `notify:${target.platform}:${target.chatId}:${key}` : undefined;
    if (claim && !(await this.state.setIfAbsent(claim, '1', KEY_TTL_MS))) return;
    try {
      await sender.push(target, replies, opts);
    } catch (err) {
      if (claim) await this.state.del(claim).catch(() => {});
      throw err;
    }
  }
}
