// Admin use cases behind /admin … (the dispatcher writes the audit log). Replies are Msg keys like the rest.
import type { Reply } from '../model.ts';
import type { GenerationAdmin } from '../api.ts';
import { OPEN } from './types.ts';
import { text, type GenerationDeps } from './deps.ts';
import { deliverFinal, settleMoney } from './finish.ts';

/**
 * What one provider job costs us, in US cents, for the daily spend report. Estimates from the vendors' public
 * price pages (docs/outside-contracts.md): Leonardo ≈ $0.20 per 5 s Motion clip on the API plan, Runway gen4_turbo
 * 5 credits/s × 5 s at $0.01 = $0.25, Pollo ≈ $0.40, GoEnhance ≈ $0.30; the local renderer costs nothing.
 */
export const PROVIDER_UNIT_COST_CENTS: Record<string, number> = {
  leonardo: 20,
  runway: 25,
  pollo: 40,
  goenhance: 30,
  local: 0,
};

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export function createGenerationAdmin(d: GenerationDeps): GenerationAdmin {
  return {
    async refund(generationId) {
      const gen = await d.store.findByPrefix(generationId.trim());
      if (!gen) return [text('core.admin.not_found', { id: generationId })];
      if (OPEN.includes(gen.status)) {
        // Stop it first: whoever wins the status change is the one who settles the points.
        if (
          await d.store.transition(gen.id, OPEN, {
            status: 'canceled',
            completedAt: d.clock.now(),
            errorMessage: 'core.failed.refunded',
          })
        ) {
          const fresh = (await d.store.get(gen.id))!;
          await settleMoney(d, fresh);
          await d.jobs
            .cancelGeneration(gen.id)
            .catch((err) => d.log.warn({ err: String(err), id: gen.id }, 'dequeue after a refund failed'));
          // The refund stands either way; the admin's reply says so and the user can ask /status.
          await deliverFinal(d, fresh).catch((err) =>
            d.log.warn({ err: String(err), id: gen.id }, 'refund notice to the user failed'),
          );
          await d.store.claimRefund(gen.id, d.clock.now());
          return [
            text('core.admin.refunded', { id: gen.id.slice(0, 8), points: fresh.reservationId ? fresh.pointsCost : 0 }),
          ];
        }
      }
      const fresh = (await d.store.get(gen.id))!;
      const split = fresh.chargeSplit ?? {};
      const total = Object.values(split).reduce((a, b) => a + (b ?? 0), 0);
      if (fresh.status !== 'succeeded' || total === 0)
        return [text('core.admin.refund_nothing', { id: gen.id.slice(0, 8) })];
      if (!(await d.store.claimRefund(gen.id, d.clock.now())))
        return [text('core.admin.refund_already', { id: gen.id.slice(0, 8) })];
      for (const [bucket, amount] of Object.entries(split)) {
        // A credit back into the bucket it came from; the key makes a repeated refund one credit.
        if (amount)
          await d.ledger.credit(
            gen.userId,
            bucket as keyof typeof split,
            amount,
            'refund',
            `generation:${gen.id}:refund:${bucket}`,
            gen.id,
          );
      }
      return [text('core.admin.refunded', { id: gen.id.slice(0, 8), points: total })];
    },

    async queue() {
      const open = await d.store.openAll(20);
      if (!open.length) return [text('core.admin.queue_empty')];
      const now = d.clock.now().getTime();
      return open.map((g) =>
        text('core.admin.queue_item', {
          id: g.id.slice(0, 8),
          status: g.status,
          kind: g.kind,
          provider: g.provider ?? g.route[g.stepIndex]?.provider ?? '-',
          minutes: Math.floor((now - g.createdAt.getTime()) / 60_000),
          priority: g.priority,
        }),
      );
    },

    async stats() {
      const since = new Date(d.clock.now().getTime() - 24 * 3600_000);
      const c = await d.store.countsByStatus(since);
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      const open = (c.queued ?? 0) + (c.running ?? 0) + (c.awaiting_consent ?? 0);
      const avg = await d.store.averageDurationMs();
      return [
        text('core.admin.stats', {
          total,
          succeeded: c.succeeded ?? 0,
          failed: c.failed ?? 0,
          canceled: c.canceled ?? 0,
          open,
          seconds: avg ? Math.round(avg / 1000) : 0,
        }),
      ];
    },

    async spend(day) {
      // The UTC calendar day containing `day`.
      const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
      const to = new Date(from.getTime() + 24 * 3600_000);
      const counts = await d.store.submissionsByProvider(from, to);
      const lines: Reply[] = [];
      let totalCents = 0;
      for (const [provider, count] of Object.entries(counts).sort()) {
        const cents = count * (PROVIDER_UNIT_COST_CENTS[provider] ?? 0);
        totalCents += cents;
        lines.push(text('core.admin.spend_line', { provider, count, amount: dollars(cents) }));
      }
      return [
        text('core.admin.spend_total', { day: from.toISOString().slice(0, 10), amount: dollars(totalCents) }),
        ...lines,
      ];
    },
  };
}
