// Counting wrappers around ports and clients the composition root already builds: each answers exactly as the
// wrapped part does (same values, same errors) and only counts on the way through, so no area's code learns
// about metrics. Where core itself decides something worth counting (failover, consent, step durations) it
// reports through the Metrics port instead (core/ports.ts).
import type { Ledger } from '../../core/api.ts';
import type { Metrics, Moderator } from '../../core/ports.ts';
import { TERMINAL, type GenerationRow, type GenerationStore, type TierCatalog } from '../../core/generation/types.ts';
import type { InboxStore } from '../../bot/inbox.ts';
import type { PromMetrics } from './registry.ts';

/** Wraps the methods named in `hooks`; everything else (fields, other methods) is the target's own. */
type Hook = (call: () => Promise<unknown>, args: unknown[]) => Promise<unknown>;

function around<T extends object>(target: T, hooks: Record<string, Hook>): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver);
      if (typeof value !== 'function') return value;
      const hook = typeof key === 'string' ? hooks[key] : undefined;
      if (!hook) return value.bind(t);
      return (...args: unknown[]) => hook(() => value.apply(t, args), args);
    },
  });
}

const outcomeOf = async <R>(m: PromMetrics, operation: string, call: () => Promise<R>): Promise<R> => {
  try {
    const r = await call();
    m.ledgerOperations.inc({ operation, outcome: r === null ? 'refused' : 'ok' });
    return r;
  } catch (err) {
    m.ledgerOperations.inc({ operation, outcome: 'error' });
    throw err;
  }
};

/** Reserve (refused: not enough points), commit, release and the expiry sweep's releases. */
export function countLedger<L extends Ledger & { releaseExpired?: (now: Date) => Promise<number> }>(
  ledger: L,
  m: PromMetrics,
): L {
  return around(ledger, {
    reserve: (call) => outcomeOf(m, 'reserve', call),
    commit: (call) => outcomeOf(m, 'commit', call),
    release: (call) => outcomeOf(m, 'release', call),
    releaseExpired: async (call) => {
      const n = (await call()) as number;
      if (n > 0) m.ledgerOperations.inc({ operation: 'release_expired', outcome: 'ok' }, n);
      return n;
    },
  });
}

/** Every verdict by who decided it (gemini, keyword, gemini+keyword) and whether the prompt was allowed. */
export function countModerator(moderator: Moderator, m: PromMetrics): Moderator {
  return {
    async check(text, signal) {
      const v = await moderator.check(text, signal);
      m.moderationVerdicts.inc({ source: v.source, verdict: v.allowed ? 'allowed' : 'refused' });
      return v;
    },
  };
}

/** The inbox's accept(): a new event is 'accepted', one already stored (a platform's redelivery) 'duplicate'. */
export function countInbox<S extends InboxStore>(store: S, m: PromMetrics): S {
  const tally = (source: string, fresh: boolean) =>
    m.webhookEvents.inc({ platform: source, outcome: fresh ? 'accepted' : 'duplicate' });
  return around(store, {
    accept: async (call, args) => {
      const fresh = (await call()) as boolean;
      tally(args[0] as string, fresh);
      return fresh;
    },
    // The batched path (bot/inbox-batch.ts): the keys returned are the new ones.
    acceptMany: async (call, args) => {
      const fresh = (await call()) as { source: string; eventId: string }[];
      const items = args[0] as { source: string; eventId: string }[];
      const isNew = new Set(fresh.map((k) => `${k.source}\u0000${k.eventId}`));
      const seen = new Set<string>();
      for (const i of items) {
        const key = `${i.source}\u0000${i.eventId}`;
        tally(i.source, isNew.has(key) && !seen.has(key));
        seen.add(key);
      }
      return fresh;
    },
  });
}

/**
 * Generations started and finished, their queue wait and their delivery time, read off the store's conditional
 * writes: a won transition to 'running' is a start, a won transition to an end state a finish, a confirmed
 * delivery the platform's acceptance. Every path that ends a generation (runner, cancel, stuck sweep, admin)
 * goes through these writes, so none is missed or counted twice.
 */
export function countGenerations(
  store: GenerationStore,
  tiers: Pick<TierCatalog, 'tierOf'>,
  m: Metrics,
): GenerationStore {
  const tierOf = (gen: GenerationRow) => tiers.tierOf(gen.userId).then(String, () => 'unknown');
  const afterWrite = async (id: string, patch: Partial<GenerationRow>) => {
    const status = patch.status;
    const ended = status && (TERMINAL as readonly string[]).includes(status);
    if (status !== 'running' && !ended) return;
    const gen = await store.get(id);
    if (!gen) return;
    const tier = await tierOf(gen);
    // A run resumed after a consent answer starts again with its earlier attempts recorded: one start per generation.
    if (status === 'running' && gen.attempts.length === 0) {
      m.count('generation_started', {
        provider: gen.route[gen.stepIndex]?.provider ?? gen.provider ?? 'none',
        tier,
        kind: gen.kind,
      });
      if (gen.startedAt)
        m.observe('generation_queue_wait', (gen.startedAt.getTime() - gen.createdAt.getTime()) / 1000, { tier });
    } else if (ended) {
      m.count('generation_finished', { provider: gen.provider ?? 'none', tier, kind: gen.kind, outcome: gen.status });
    }
  };
  // A metric must never fail the write it watches.
  const quietly = (p: Promise<void>) => p.catch(() => {});
  return around(store, {
    transition: async (call, args) => {
      const won = (await call()) as boolean;
      if (won) await quietly(afterWrite(args[0] as string, args[2] as Partial<GenerationRow>));
      return won;
    },
    transitionAtStep: async (call, args) => {
      const won = (await call()) as boolean;
      if (won) await quietly(afterWrite(args[0] as string, args[3] as Partial<GenerationRow>));
      return won;
    },
    confirmDelivery: async (call, args) => {
      await call();
      await quietly(
        (async () => {
          const gen = await store.get(args[0] as string);
          const at = (args[1] as Date).getTime();
          if (gen?.completedAt)
            m.observe('generation_delivery', (at - gen.completedAt.getTime()) / 1000, {
              platform: gen.replyTarget.platform,
            });
        })(),
      );
    },
  });
}

/**
 * A chat client whose push a platform can refuse with 429: LINE says "You have reached your monthly limit." when
 * the month's push quota is used up (docs/operations.md), otherwise it is a rate limit. Counted, then rethrown.
 */
export function countPushRefusals<C extends object>(
  client: C,
  method: keyof C & string,
  platform: string,
  m: PromMetrics,
): C {
  return around(client, {
    [method]: async (call) => {
      try {
        return await call();
      } catch (err) {
        const e = err as { status?: number; body?: unknown };
        if (e?.status === 429)
          m.pushFailures.inc({
            platform,
            reason: /monthly limit/i.test(String(e.body ?? '')) ? 'quota' : 'rate_limited',
          });
        else if (typeof e?.status === 'number' && e.status >= 500)
          m.pushFailures.inc({ platform, reason: 'server_error' });
        throw err;
      }
    },
  });
}
