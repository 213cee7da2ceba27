// Image-to-video prices and routes: the same route, tiers and failover as a text video; the price is the plans'
// data (features.image_video_points, added to every plan by the migration with the text video's costs, since the
// seed has none), read from the migrated database and changed there to show it is data, not code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import type { PlanFeatures } from '../../core/api.ts';
import { planRoute } from '../../core/failover/route.ts';
import { pointCost } from '../../core/tiers/costs.ts';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';

let db: TestDb;
let plans: Record<string, PlanFeatures>;
beforeAll(async () => {
  db = await createTestDatabase();
  const rows = await db.sequelize.query<{ slug: string; features: PlanFeatures }>(`SELECT slug, features FROM plans`, {
    type: QueryTypes.SELECT,
  });
  plans = Object.fromEntries(rows.map((r) => [r.slug, r.features]));
}, 60_000);
afterAll(async () => db?.drop());

const brief = (steps: { provider: string; cost: number; charged: boolean }[]) =>
  steps.map((s) => `${s.provider}:${s.charged ? s.cost : 'free'}`);

describe('image-to-video pricing', () => {
  it('every migrated plan lists the text video costs for photos (the seed has no image-to-video price)', () => {
    for (const slug of ['demo', 'starter', 'pro', 'unlimited']) {
      expect(plans[slug]!.image_video_points).toEqual({ leonardo_1080p: 10, pollo_basic: 5, pollo_4k: 15 });
    }
  });

  it('routes like a text video: free Leonardo → Runway → Pollo in points at 720p on Starter; 1080p charged; Unlimited discounted', () => {
    const route = (slug: string, resolution: '720p' | '1080p' | '4k', health = {}) => {
      const p = planRoute({ kind: 'image', resolution, features: plans[slug]!, health });
      return p.ok ? brief(p.steps) : p.reason;
    };
    const text = (slug: string, resolution: '720p' | '1080p' | '4k', health = {}) => {
      const p = planRoute({ kind: 'video', resolution, features: plans[slug]!, health });
      return p.ok ? brief(p.steps) : p.reason;
    };
    expect(route('starter', '720p')).toEqual(['leonardo:free', 'runway:free', 'pollo:5']);
    expect(route('starter', '720p', { leonardo: false })).toEqual(['runway:free', 'pollo:5']);
    expect(route('starter', '1080p')).toEqual(['leonardo:10', 'runway:10', 'pollo:5']);
    expect(route('starter', '4k')).toBe('tier');
    expect(route('unlimited', '4k')).toEqual(['pollo:12']);
    for (const [slug, res] of [
      ['starter', '720p'],
      ['starter', '1080p'],
      ['pro', '1080p'],
      ['unlimited', '4k'],
    ] as const) {
      expect(route(slug, res)).toEqual(text(slug, res));
    }
  });

  it('a plan that prices photos differently is charged its own price (still less the plan discount)', async () => {
    await db.sequelize.query(
      `UPDATE plans SET features = jsonb_set(features, '{image_video_points,pollo_basic}', '8') WHERE slug IN ('starter', 'unlimited')`,
    );
    const [starter, unlimited] = await Promise.all(
      ['starter', 'unlimited'].map(
        async (slug) =>
          (
            await db.sequelize.query<{ features: PlanFeatures }>(`SELECT features FROM plans WHERE slug = $1`, {
              bind: [slug],
              type: QueryTypes.SELECT,
            })
          )[0]!.features,
      ),
    );
    expect(pointCost('pollo_basic', starter!, { fromImage: true })).toBe(8);
    expect(pointCost('pollo_basic', starter!)).toBe(5); // text videos keep the seed price
    expect(pointCost('pollo_basic', unlimited!, { fromImage: true })).toBe(7); // 8 less 20 %, rounded up
    const p = planRoute({
      kind: 'image',
      resolution: '720p',
      features: starter!,
      health: { leonardo: false, runway: false },
    });
    expect(p.ok && brief(p.steps)).toEqual(['pollo:8']);
  });
});
