// Plans are data (seeded in migrations): a tier's features, and the tier a user's active subscription gives.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { PlanFeatures, TierSlug } from '../../core/api.ts';
import type { TierCatalog } from '../../core/generation/types.ts';

export class SqlTierCatalog implements TierCatalog {
  private cache = new Map<TierSlug, { at: number; features: PlanFeatures }>();
  constructor(
    private readonly db: Sequelize,
    private readonly ttlMs = 60_000,
  ) {}

  async features(tier: TierSlug): Promise<PlanFeatures> {
    const hit = this.cache.get(tier);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.features;
    const [r] = await this.db.query<{ features: PlanFeatures }>('SELECT features FROM plans WHERE slug = :tier', {
      replacements: { tier },
      type: QueryTypes.SELECT,
    });
    if (!r) throw new Error(`no plan for tier ${tier}`);
    this.cache.set(tier, { at: Date.now(), features: r.features });
    return r.features;
  }

  async tierOf(userId: string): Promise<TierSlug> {
    const [r] = await this.db.query<{ slug: TierSlug }>(
      `SELECT p.slug FROM subscriptions s JOIN plans p ON p.id = s.plan_id
       WHERE s.user_id = :userId AND s.status = 'active' AND (s.end_date IS NULL OR s.end_date > now())
       ORDER BY p.sort_order DESC LIMIT 1`,
      { replacements: { userId }, type: QueryTypes.SELECT },
    );
    return r?.slug ?? 'demo';
  }
}
