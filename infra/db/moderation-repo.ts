// ModerationRepository over PostgreSQL (moderation_events, bans, moderation_overrides). Conditional updates make appeals and bans
// exactly-once under races: the WHERE clause (and the bans_active partial unique index) decides.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ModerationCategory } from '../../core/ports.ts';
import type {
  AppealStatus,
  BanRecord,
  ModerationEventRecord,
  ModerationRepository,
  NewModerationEvent,
} from '../../core/moderation/repository.ts';
import { APPEAL_LIFT } from '../../core/moderation/repository.ts';

interface EventRow {
  id: string;
  user_id: string;
  generation_id: string | null;
  text: string;
  verdict: 'allowed' | 'blocked';
  category: ModerationCategory | null;
  reason: string | null;
  source: string;
  appeal_status: AppealStatus;
  appeal_text: string | null;
  appealed_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}
interface BanRow {
  id: string;
  user_id: string;
  reason: string | null;
  source: 'auto' | 'admin';
  created_by: string | null;
  created_at: Date;
  lifted_at: Date | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

const toEvent = (r: EventRow): ModerationEventRecord => ({
  id: r.id,
  userId: r.user_id,
  generationId: r.generation_id,
  text: r.text,
  verdict: r.verdict,
  category: r.category,
  reason: r.reason,
  source: r.source,
  appealStatus: r.appeal_status,
  appealText: r.appeal_text,
  appealedAt: r.appealed_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  createdAt: r.created_at,
});
const toBan = (r: BanRow): BanRecord => ({
  id: r.id,
  userId: r.user_id,
  reason: r.reason,
  source: r.source,
  createdBy: r.created_by,
  createdAt: r.created_at,
  liftedAt: r.lifted_at,
  liftedBy: r.lifted_by,
  liftReason: r.lift_reason,
});

export class SqlModerationRepository implements ModerationRepository {
  constructor(private readonly sequelize: Sequelize) {}

  private q<T extends object>(sql: string, bind: unknown[]): Promise<T[]> {
    return this.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  }

  async insertEvent(e: NewModerationEvent) {
    const [row] = await this.q<EventRow>(
      `INSERT INTO moderation_events (user_id, generation_id, text, verdict, category, reason, source, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [e.userId, e.generationId ?? null, e.text, e.verdict, e.category ?? null, e.reason ?? null, e.source, e.at],
    );
    return toEvent(row!);
  }

  async event(id: string) {
    const [row] = await this.q<EventRow>('SELECT * FROM moderation_events WHERE id = $1', [id]);
    return row ? toEvent(row) : null;
  }

  async countStrikes(userId: string, since: Date) {
    const [row] = await this.q<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM moderation_events
        WHERE user_id = $1 AND verdict = 'blocked' AND appeal_status <> 'approved' AND created_at > $2`,
      [userId, since],
    );
    return row!.n;
  }

  async activeBan(userId: string) {
    const [row] = await this.q<BanRow>('SELECT * FROM bans WHERE user_id = $1 AND lifted_at IS NULL', [userId]);
    return row ? toBan(row) : null;
  }

  async lastLiftedAt(userId: string) {
    const [row] = await this.q<{ at: Date | null }>(
      `SELECT MAX(lifted_at) AS at FROM bans WHERE user_id = $1 AND lift_reason IS DISTINCT FROM '${APPEAL_LIFT}'`,
      [userId],
    );
    return row?.at ?? null;
  }

  async insertBan(b: { userId: string; reason: string; source: 'auto' | 'admin'; actor: string | null; at: Date }) {
    const [row] = await this.q<BanRow>(
      `INSERT INTO bans (user_id, reason, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) WHERE lifted_at IS NULL DO NOTHING RETURNING *`,
      [b.userId, b.reason, b.source, b.actor, b.at],
    );
    return row ? toBan(row) : null;
  }

  async liftBan(userId: string, actor: string, reason: string, at: Date) {
    const [row] = await this.q<BanRow>(
      `UPDATE bans SET lifted_at = $2, lifted_by = $3, lift_reason = $4 WHERE user_id = $1 AND lifted_at IS NULL RETURNING *`,
      [userId, at, actor, reason],
    );
    return row ? toBan(row) : null;
  }

  async lastRefusal(userId: string) {
    const [row] = await this.q<EventRow>(
      `SELECT * FROM moderation_events WHERE user_id = $1 AND verdict = 'blocked' ORDER BY created_at DESC, id DESC LIMIT 1`,
      [userId],
    );
    return row ? toEvent(row) : null;
  }

  async fileAppeal(eventId: string, text: string, at: Date, userId?: string) {
    const rows = await this.q<{ id: string }>(
      `UPDATE moderation_events SET appeal_status = 'pending', appeal_text = $2, appealed_at = $3
        WHERE id = $1 AND verdict = 'blocked' AND appeal_status = 'none' AND ($4::uuid IS NULL OR user_id = $4)
        RETURNING id`,
      [eventId, text, at, userId ?? null],
    );
    return rows.length === 1;
  }

  async pendingAppeals(limit: number) {
    return (
      await this.q<EventRow>(
        `SELECT * FROM moderation_events WHERE appeal_status = 'pending' ORDER BY appealed_at, id LIMIT $1`,
        [limit],
      )
    ).map(toEvent);
  }

  async decideAppeal(eventId: string, status: 'approved' | 'rejected', actor: string, at: Date) {
    const [row] = await this.q<EventRow>(
      `UPDATE moderation_events SET appeal_status = $2, decided_by = $3, decided_at = $4
        WHERE id = $1 AND appeal_status = 'pending' RETURNING *`,
      [eventId, status, actor, at],
    );
    return row ? toEvent(row) : null;
  }

  async flagged(limit: number, since?: Date) {
    return (
      await this.q<EventRow>(
        `SELECT * FROM moderation_events WHERE verdict = 'blocked' AND ($2::timestamptz IS NULL OR created_at >= $2)
        ORDER BY created_at DESC, id DESC LIMIT $1`,
        [limit, since ?? null],
      )
    ).map(toEvent);
  }

  async addOverride(key: string, text: string, eventId: string, actor: string, at: Date) {
    await this.sequelize.query(
      `INSERT INTO moderation_overrides (text_key, text, event_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (text_key) DO NOTHING`,
      { bind: [key, text, eventId, actor, at] },
    );
  }

  async hasOverride(key: string) {
    return (await this.q('SELECT 1 FROM moderation_overrides WHERE text_key = $1', [key])).length > 0;
  }
}
