// Stand-ins for LEDGER's failover planner and moderation policy, used only until core/failover and
// core/moderation land (then tests/core/support/build.ts switches to the real ones). Health lives in the real
// Redis (SharedState); moderation events and bans in the real PostgreSQL tables.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ProviderName } from '../../../core/model.ts';
import type { ModerationVerdict, Moderator, SharedState } from '../../../core/ports.ts';
import type { ModerationPolicy, RouteInput, RouteStep, Router } from '../../../core/generation/types.ts';

export class StandInRouter implements Router {
  constructor(private readonly state: SharedState) {}
  async setDown(p: ProviderName, down: boolean) {
    if (down) await this.state.set(`health:${p}`, 'down');
    else await this.state.del(`health:${p}`);
  }
  private async healthy(p: ProviderName) {
    return (await this.state.get(`health:${p}`)) !== 'down';
  }
  async plan(i: RouteInput): Promise<RouteStep[]> {
    const discount = (n: number) => Math.round((n * (100 - i.features.point_discount)) / 100);
    if (i.kind === 'style' || i.kind === 'upscale') {
      const cost = i.kind === 'upscale' ? 15 : i.resolution === '4k' ? 25 : 10;
      return i.freeOnly ? [] : [{ provider: 'goenhance', charged: true, cost: discount(cost), pool: 'goenhance' }];
    }
    const free = i.resolution === '720p' ? i.features.unlimited_720p : i.resolution === '1080p' ? i.features.unlimited_1080p : false;
    const steps: RouteStep[] = [];
    for (const p of ['leonardo', 'runway'] as const) {
      if (i.freeOnly || (await this.healthy(p))) steps.push(free ? { provider: p, charged: false, cost: 0, pool: 'pollo' } : { provider: p, charged: true, cost: discount(10), pool: 'pollo' });
    }
    if (!i.freeOnly) steps.push({ provider: 'pollo', charged: true, cost: discount(i.resolution === '4k' ? 15 : 5), pool: 'pollo' });
    return steps;
  }
  async report(p: ProviderName, ok: boolean) {
    await this.setDown(p, !ok);
  }
  assertMayCharge(step: RouteStep, c: { consent: 'points' | 'wait' | null; autoPay: boolean }) {
    if (step.charged && c.consent !== 'points' && !c.autoPay) throw new Error('charging without consent');
  }
}

export const keywordModerator: Moderator = {
  async check(text): Promise<ModerationVerdict> {
    return /\b(gore|nude)\b/i.test(text) ? { allowed: false, category: /gore/i.test(text) ? 'violence' : 'sexual', source: 'keyword' } : { allowed: true, source: 'keyword' };
  },
};

export class StandInModeration implements ModerationPolicy {
  constructor(private readonly db: Sequelize, private readonly threshold = 3) {}
  private q<T extends object>(sql: string, replacements: Record<string, unknown>) {
    return this.db.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  }
  async isBanned(userId: string) {
    return (await this.q('SELECT 1 FROM bans WHERE user_id = :userId AND lifted_at IS NULL', { userId })).length > 0;
  }
  async record(userId: string, text: string, v: ModerationVerdict) {
    const [row] = await this.q<{ id: string }>(`INSERT INTO moderation_events (user_id, text, verdict, category, source)
      VALUES (:userId, :text, :verdict, :category, :source) RETURNING id`, { userId, text, verdict: v.allowed ? 'allowed' : 'blocked', category: v.category ?? null, source: v.source });
    let banned = false;
    if (!v.allowed) {
      const [c] = await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM moderation_events WHERE user_id = :userId AND verdict = 'blocked' AND appeal_status <> 'overturned'`, { userId });
      if (c!.n >= this.threshold) {
        await this.q(`INSERT INTO bans (user_id, reason, source) VALUES (:userId, 'strikes', 'auto') ON CONFLICT DO NOTHING RETURNING id`, { userId });
        banned = true;
      }
    }
    return { eventId: row!.id, banned };
  }
  async lastRefusal(userId: string) {
    const [r] = await this.q<{ id: string; category: string | null; text: string; appeal_status: string }>(
      `SELECT id, category, text, appeal_status FROM moderation_events WHERE user_id = :userId AND verdict = 'blocked' ORDER BY created_at DESC LIMIT 1`, { userId });
    return r ? { id: r.id, category: r.category as never, text: r.text, appealStatus: r.appeal_status as never } : null;
  }
  async fileAppeal(userId: string, eventId: string, text: string) {
    return (await this.q(`UPDATE moderation_events SET appeal_status = 'pending', appeal_text = :text, appealed_at = now()
      WHERE id = :eventId AND user_id = :userId AND appeal_status = 'none' RETURNING id`, { userId, eventId, text })).length === 1;
  }
  async pendingAppeals() {
    const rows = await this.q<{ id: string; user_id: string; text: string; category: string | null; appeal_text: string | null }>(
      `SELECT id, user_id, text, category, appeal_text FROM moderation_events WHERE appeal_status = 'pending' ORDER BY appealed_at`, {});
    return rows.map((r) => ({ id: r.id, userId: r.user_id, text: r.text, category: r.category, appealText: r.appeal_text }));
  }
  async decideAppeal(eventId: string, decision: 'uphold' | 'overturn', actor: string) {
    return (await this.q(`UPDATE moderation_events SET appeal_status = :s, decided_by = :actor, decided_at = now()
      WHERE id = :eventId AND appeal_status = 'pending' RETURNING id`, { eventId, actor, s: decision === 'uphold' ? 'upheld' : 'overturned' })).length === 1;
  }
}
