// Moderation policy: every verdict is recorded; a refusal is a strike; BAN_THRESHOLD strikes within
// BAN_WINDOW_HOURS ban the user automatically. Appeals: one per refusal, with the user's short explanation,
// decided once by an admin (approve or reject).
//
// Rules worth knowing:
// - strikes count blocked verdicts in the window, minus those whose appeal was approved, and only since the
//   user's last unban (an admin's unban is a fresh start, not an instant re-ban on the next refusal);
// - approving an appeal removes its strike and lifts an active *automatic* ban when the strikes left fall below
//   the threshold (an admin's ban stays until an admin lifts it); the user's other strikes keep counting (unlike an
//   admin's unban, this is no fresh start);
// - approving the appeal of a keyword refusal also lets that exact prompt (compared after case and spacing are
//   folded) past the keyword filter from then on; Gemini, where configured, still judges it every time.
import crypto from 'node:crypto';
import type { Clock, ModerationVerdict } from '../ports.ts';
import type { KeywordOverrides } from './combined.ts';
import { APPEAL_LIFT, type BanRecord, type ModerationEventRecord, type ModerationRepository } from './repository.ts';

export interface ModerationPolicyOptions {
  banThreshold: number;
  banWindowHours: number;
}

export type AppealDecision = 'approve' | 'reject';

export interface DecidedAppeal {
  event: ModerationEventRecord;
  decision: AppealDecision;
  /** An automatic ban was lifted because the strikes left fell below the threshold. */
  unbanned: boolean;
}

const MAX_TEXT = 4000;
/** "One message": an explanation longer than this is cut. */
export const MAX_APPEAL_TEXT = 500;

/** The key an override is kept under: the prompt with case, width and spacing folded. */
export function overrideKey(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  return crypto.createHash('sha256').update(folded).digest('hex');
}

export class ModerationPolicy {
  constructor(
    private readonly repo: ModerationRepository,
    private readonly clock: Clock,
    private readonly opts: ModerationPolicyOptions,
  ) {}

  /** Records a verdict. `banned`: whether the user is banned now (by this strike or before). */
  async record(
    userId: string,
    text: string,
    verdict: ModerationVerdict,
    opts: { generationId?: string } = {},
  ): Promise<{ eventId: string; banned: boolean }> {
    const now = this.clock.now();
    const event = await this.repo.insertEvent({
      userId,
      generationId: opts.generationId ?? null,
      text: text.slice(0, MAX_TEXT),
      verdict: verdict.allowed ? 'allowed' : 'blocked',
      category: verdict.allowed ? null : (verdict.category ?? 'other'),
      reason: verdict.reason ?? null,
      source: verdict.source,
      at: now,
    });
    if (verdict.allowed) return { eventId: event.id, banned: false };
    const strikes = await this.strikes(userId);
    if (strikes >= this.opts.banThreshold) {
      await this.repo.insertBan({
        userId,
        reason: `${strikes} refusals in ${this.opts.banWindowHours} h`,
        source: 'auto',
        actor: null,
        at: now,
      });
      return { eventId: event.id, banned: true };
    }
    return { eventId: event.id, banned: (await this.repo.activeBan(userId)) !== null };
  }

  /** Strikes that count now: blocked, not approved on appeal, within the window and since the last unban. */
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
    return this.repo.fileAppeal(eventId, text.trim().slice(0, MAX_APPEAL_TEXT), this.clock.now(), userId);
  }

  pendingAppeals(limit = 20): Promise<ModerationEventRecord[]> {
    return this.repo.pendingAppeals(limit);
  }

  /** Decides a pending appeal once; null when it was not pending (unknown, or decided already). */
  async decideAppeal(eventId: string, decision: AppealDecision, actor: string): Promise<DecidedAppeal | null> {
    const now = this.clock.now();
    const event = await this.repo.decideAppeal(eventId, decision === 'approve' ? 'approved' : 'rejected', actor, now);
    if (!event) return null;
    let unbanned = false;
    if (decision === 'approve') {
      if (event.source.includes('keyword'))
        await this.repo.addOverride(overrideKey(event.text), event.text, event.id, actor, now);
      const ban = await this.repo.activeBan(event.userId);
      if (ban?.source === 'auto' && (await this.strikes(event.userId)) < this.opts.banThreshold) {
        unbanned = (await this.repo.liftBan(event.userId, actor, APPEAL_LIFT, now)) !== null;
      }
    }
    return { event, decision, unbanned };
  }

  /** The admins' overrides, for CombinedModerator. */
  keywordOverrides(): KeywordOverrides {
    return { allows: (text) => this.repo.hasOverride(overrideKey(text)) };
  }
}
