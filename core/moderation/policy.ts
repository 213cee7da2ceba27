// Moderation policy: every verdict is recorded; a refusal is a strike; BAN_THRESHOLD strikes within
// BAN_WINDOW_HOURS ban the user automatically. Appeals: one per refusal, decided by an admin; an overturned
// refusal stops counting as a strike.
//
// Rules worth knowing:
// - strikes count blocked verdicts in the window, minus those overturned, and only since the user's last unban
//   (an admin's unban is a fresh start, not an instant re-ban on the next refusal);
// - overturning an appeal lifts an active *automatic* ban when the strikes left fall below the threshold (an
//   admin's ban stays until an admin lifts it);
// - a refusal reply is the Msg `moderation.refused.<category>` (locales/<lang>/moderation.json).
import type { Msg } from '../model.ts';
import type { Clock, ModerationCategory, ModerationVerdict, Moderator } from '../ports.ts';
import type { BanRecord, ModerationEventRecord, ModerationRepository } from './repository.ts';

export interface ModerationPolicyOptions {
  banThreshold: number;
  banWindowHours: number;
}

export type ScreenResult =
  | { allowed: true; eventId: string; verdict: ModerationVerdict }
  | { allowed: false; eventId: string; verdict: ModerationVerdict; category: ModerationCategory; msg: Msg; banned: boolean };

const CATEGORIES: readonly ModerationCategory[] = ['sexual', 'minors', 'violence', 'illegal', 'hate', 'self_harm', 'other'];
const MAX_TEXT = 4000;

/** The refusal message for a category (one key per category, all five languages). */
export function refusalMsg(category: ModerationCategory | null | undefined): Msg {
  return { key: `moderation.refused.${category && CATEGORIES.includes(category) ? category : 'other'}` };
}

export class ModerationPolicy {
  constructor(
    private readonly moderator: Moderator,
    private readonly repo: ModerationRepository,
    private readonly clock: Clock,
    private readonly opts: ModerationPolicyOptions,
  ) {}

  /** Checks a prompt and records the verdict (a refusal may ban). */
  async screen(userId: string, text: string, opts: { generationId?: string; signal?: AbortSignal } = {}): Promise<ScreenResult> {
    const verdict = await this.moderator.check(text, opts.signal);
    const { eventId, banned } = await this.record(userId, text, verdict, opts);
    if (verdict.allowed) return { allowed: true, eventId, verdict };
    const category = verdict.category ?? 'other';
    return { allowed: false, eventId, verdict, category, msg: refusalMsg(category), banned };
  }

  /** Records a verdict. `banned`: whether the user is banned now (by this strike or before). */
  async record(userId: string, text: string, verdict: ModerationVerdict, opts: { generationId?: string } = {}): Promise<{ eventId: string; banned: boolean }> {
    const now = this.clock.now();
    const event = await this.repo.insertEvent({
      userId, generationId: opts.generationId ?? null, text: text.slice(0, MAX_TEXT), verdict: verdict.allowed ? 'allowed' : 'blocked',
      category: verdict.allowed ? null : verdict.category ?? 'other', reason: verdict.reason ?? null, source: verdict.source, at: now,
    });
    if (verdict.allowed) return { eventId: event.id, banned: false };
    const strikes = await this.strikes(userId);
    if (strikes >= this.opts.banThreshold) {
      await this.repo.insertBan({ userId, reason: `${strikes} refusals in ${this.opts.banWindowHours} h`, source: 'auto', actor: null, at: now });
      return { eventId: event.id, banned: true };
    }
    return { eventId: event.id, banned: (await this.repo.activeBan(userId)) !== null };
  }

  /** Strikes that count now: blocked, not overturned, within the window and since the last unban. */
  async strikes(userId: string): Promise<number> {
    const windowStart = new Date(this.clock.now().getTime() - this.opts.banWindowHours * 3_600_000);
    const lifted = await this.repo.lastLiftedAt(userId);
    return this.repo.countStrikes(userId, lifted && lifted > windowStart ? lifted : windowStart);
  }

  async isBanned(userId: string): Promise<boolean> {
    return (await this.repo.activeBan(userId)) !== null;
  }

  activeBan(userId: string): Promise<BanRecord | null> {
    return this.repo.activeBan(userId);
  }

  /** An admin's ban; false when the user was already banned. */
  async ban(userId: string, reason: string, actor: string): Promise<boolean> {
    return (await this.repo.insertBan({ userId, reason, source: 'admin', actor, at: this.clock.now() })) !== null;
  }

  /** Lifts the active ban; false when there was none. */
  async unban(userId: string, reason: string, actor: string): Promise<boolean> {
    return (await this.repo.liftBan(userId, actor, reason, this.clock.now())) !== null;
  }

  /** Latest refusals for the admins' review. */
  flagged(limit = 20, since?: Date): Promise<ModerationEventRecord[]> {
    return this.repo.flagged(limit, since);
  }

  lastRefusal(userId: string): Promise<ModerationEventRecord | null> {
    return this.repo.lastRefusal(userId);
  }

  /** Files the one appeal of a refusal (of `userId`, when given); false when already appealed or not a refusal. */
  fileAppeal(eventId: string, text: string, userId?: string): Promise<boolean> {
    return this.repo.fileAppeal(eventId, text.trim().slice(0, MAX_TEXT), this.clock.now(), userId);
  }

  pendingAppeals(limit = 50): Promise<ModerationEventRecord[]> {
    return this.repo.pendingAppeals(limit);
  }

  /** Decides a pending appeal once; false when it was not pending. Overturning may lift an automatic ban. */
  async decideAppeal(eventId: string, decision: 'uphold' | 'overturn', actor: string): Promise<boolean> {
    const event = await this.repo.decideAppeal(eventId, decision === 'uphold' ? 'upheld' : 'overturned', actor, this.clock.now());
    if (!event) return false;
    if (decision === 'overturn') {
      const ban = await this.repo.activeBan(event.userId);
      if (ban?.source === 'auto' && (await this.strikes(event.userId)) < this.opts.banThreshold) {
        await this.repo.liftBan(event.userId, actor, 'appeal overturned', this.clock.now());
      }
    }
    return true;
  }
}
