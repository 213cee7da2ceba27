// What the moderation policy keeps, and the port it keeps it through (implemented in
// infra/db/moderation-repo.ts over the moderation_events, bans and moderation_overrides tables).
import type { ModerationCategory } from '../ports.ts';

/** The lift reason of a ban lifted because an approved appeal took the strikes below the threshold. */
export const APPEAL_LIFT = 'appeal approved';

export type AppealStatus = 'none' | 'pending' | 'approved' | 'rejected';

export interface ModerationEventRecord {
  id: string;
  userId: string;
  generationId: string | null;
  text: string;
  verdict: 'allowed' | 'blocked';
  category: ModerationCategory | null;
  reason: string | null;
  source: string;
  appealStatus: AppealStatus;
  appealText: string | null;
  appealedAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface BanRecord {
  id: string;
  userId: string;
  reason: string | null;
  source: 'auto' | 'admin';
  createdBy: string | null;
  createdAt: Date;
  liftedAt: Date | null;
  liftedBy: string | null;
  liftReason: string | null;
}

export interface NewModerationEvent {
  userId: string;
  generationId?: string | null;
  text: string;
  verdict: 'allowed' | 'blocked';
  category?: ModerationCategory | null;
  reason?: string | null;
  source: string;
  at: Date;
}

export interface ModerationRepository {
  insertEvent(e: NewModerationEvent): Promise<ModerationEventRecord>;
  event(id: string): Promise<ModerationEventRecord | null>;
  /** Blocked verdicts of the user created after `since`, not counting those approved on appeal. */
  countStrikes(userId: string, since: Date): Promise<number>;
  activeBan(userId: string): Promise<BanRecord | null>;
  /** When the user's most recent ban was lifted by an admin (strikes before that no longer count); a ban lifted by
   * an approved appeal (lift reason APPEAL_LIFT) is no fresh start. */
  lastLiftedAt(userId: string): Promise<Date | null>;
  /** Adds an active ban unless there is one (a partial unique index decides races); null when already banned. */
  insertBan(b: {
    userId: string;
    reason: string;
    source: 'auto' | 'admin';
    actor: string | null;
    at: Date;
  }): Promise<BanRecord | null>;
  /** Lifts the active ban; null when there was none. */
  liftBan(userId: string, actor: string, reason: string, at: Date): Promise<BanRecord | null>;
  /** The user's latest blocked verdict. */
  lastRefusal(userId: string): Promise<ModerationEventRecord | null>;
  /** none → pending on a blocked event (of `userId` when given), once; false when that did not apply. */
  fileAppeal(eventId: string, text: string, at: Date, userId?: string): Promise<boolean>;
  pendingAppeals(limit: number): Promise<ModerationEventRecord[]>;
  /** pending → approved | rejected, once; the updated event, or null when it was not pending. */
  decideAppeal(
    eventId: string,
    status: 'approved' | 'rejected',
    actor: string,
    at: Date,
  ): Promise<ModerationEventRecord | null>;
  /** Lets a prompt (by overrideKey) past the keyword filter; a second add of one key is a no-op. */
  addOverride(key: string, text: string, eventId: string, actor: string, at: Date): Promise<void>;
  hasOverride(key: string): Promise<boolean>;
  /** Latest blocked verdicts, newest first, for the admins' review. */
  flagged(limit: number, since?: Date): Promise<ModerationEventRecord[]>;
}
