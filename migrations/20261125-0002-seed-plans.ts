// The seed's four tiers and the point packs, as data. Prices and allowances live here, not in code.
import type { MigrationFn } from '../infra/db/migrator.ts';

const base = { unlimited_720p: false, unlimited_1080p: false, monthly_pollo_points: 0, monthly_goenhance_points: 0,
  max_resolution: '720p', max_fps: 30, priority_queue: false, point_discount: 0, watermark: false,
  smart_demo_only: false, style_access: true, max_concurrent: 1 };

export const PLANS = [
  { slug: 'demo', name: 'Demo', price_twd: 0, price_usd_cents: 0, sort_order: 0,
    description: 'Smart Demo only, 720p with watermark',
    features: { ...base, smart_demo_only: true, watermark: true, style_access: false } },
  { slug: 'starter', name: 'Starter', price_twd: 299, price_usd_cents: 999, sort_order: 1,
    description: 'Leonardo 720p unlimited + Runway, 50 Pollo + 30 GoEnhance points a month, up to 1080p',
    features: { ...base, unlimited_720p: true, monthly_pollo_points: 50, monthly_goenhance_points: 30, max_resolution: '1080p', max_concurrent: 2 } },
  { slug: 'pro', name: 'Pro', price_twd: 599, price_usd_cents: 1999, sort_order: 2,
    description: '720p/1080p unlimited, 100 + 50 points a month, up to 4K',
    features: { ...base, unlimited_720p: true, unlimited_1080p: true, monthly_pollo_points: 100, monthly_goenhance_points: 50, max_resolution: '4k', max_concurrent: 3 } },
  { slug: 'unlimited', name: 'Unlimited', price_twd: 999, price_usd_cents: 3299, sort_order: 3,
    description: 'Pro + priority queue, 300 + 150 points a month, 20% off point costs, 4K 60fps',
    features: { ...base, unlimited_720p: true, unlimited_1080p: true, monthly_pollo_points: 300, monthly_goenhance_points: 150, max_resolution: '4k', max_fps: 60, priority_queue: true, point_discount: 20, max_concurrent: 5 } },
];

export const PACKS = [
  { slug: 'points-50', name: '50 points', points: 50, price_twd: 150, price_usd_cents: 499, sort_order: 0 },
  { slug: 'points-120', name: '120 points', points: 120, price_twd: 300, price_usd_cents: 999, sort_order: 1 },
  { slug: 'points-300', name: '300 points', points: 300, price_twd: 690, price_usd_cents: 2299, sort_order: 2 },
];

export const up: MigrationFn = async ({ context: qi }) => {
  await qi.bulkInsert('plans', PLANS.map((p) => ({ ...p, features: JSON.stringify(p.features) })));
  await qi.bulkInsert('point_packs', PACKS);
};

export const down: MigrationFn = async ({ context: qi }) => {
  await qi.bulkDelete('point_packs', { slug: PACKS.map((p) => p.slug) });
  await qi.bulkDelete('plans', { slug: PLANS.map((p) => p.slug) });
};
