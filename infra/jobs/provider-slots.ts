// Per-provider concurrency across every worker instance, on the app's PostgreSQL (whichever backend
// holds the Agenda jobs): numbered slots with expiring leases, taken and renewed in one statement each
// (provider_slot_acquire, migrations/20261125-0402). Core decides a generation's provider when the run starts
// (generations.route[step_index], core/generation/runner.ts); that provider's cap applies to the whole run, a
// mid-run failover to another provider included (it keeps the slot it started with).
import { QueryTypes, type Sequelize } from 'sequelize';
import { PROVIDERS, type ProviderName } from '../../core/model.ts';

/** Generations per provider running at once across all instances (0 = no cap). Paid APIs limit parallel jobs. */
export const PROVIDER_CONCURRENCY_DEFAULTS: Record<ProviderName, number> = {
  leonardo: 4,
  runway: 2,
  pollo: 2,
  goenhance: 2,
  local: 2,
};

export type ProviderCaps = Partial<Record<ProviderName, number>>;

/** "leonardo=4,runway=1" → { leonardo: 4, runway: 1 }; unknown names and non-integers are errors. */
export function parseProviderConcurrency(text: string | undefined): ProviderCaps {
  const caps: ProviderCaps = {};
  for (const part of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+)$/.exec(part);
    if (!m || !(PROVIDERS as readonly string[]).includes(m[1]!))
      throw new Error(`provider concurrency: expected name=number, got "${part}"`);
    caps[m[1] as ProviderName] = Number(m[2]);
  }
  return caps;
}

export interface SlotClaim {
  provider: ProviderName;
  /** Extends the lease; false when it had run out and another generation took the slot. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** What a generate-video job gets before it runs: a slot, 'full' (wait), or null (no provider to cap). */
export type SlotOutcome = SlotClaim | 'full' | null;

export class ProviderSlots {
  readonly caps: Record<ProviderName, number>;
  constructor(
    private readonly db: Sequelize,
    caps: ProviderCaps = {},
    private readonly leaseMs = 60_000,
  ) {
    this.caps = { ...PROVIDER_CONCURRENCY_DEFAULTS, ...caps };
  }

  /** The provider the run will start on, or null when the run will not call one (finished, awaiting consent). */
  async providerOf(generationId: string): Promise<ProviderName | null> {
    const [row] = await this.db.query<{ provider: ProviderName | null }>(
      `SELECT CASE WHEN kind = 'demo' THEN 'local' ELSE coalesce(route -> step_index ->> 'provider', provider) END AS provider
       FROM generations WHERE id = $1::uuid AND status IN ('queued', 'running')`,
      { bind: [generationId], type: QueryTypes.SELECT },
    );
    return row?.provider ?? null;
  }

  async acquire(provider: ProviderName, holder: string): Promise<boolean> {
    const [row] = await this.db.query<{ slot: number | null }>(`SELECT provider_slot_acquire($1, $2, $3, $4) AS slot`, {
      bind: [provider, holder, this.caps[provider], this.leaseMs],
      type: QueryTypes.SELECT,
    });
    return row?.slot !== null && row?.slot !== undefined;
  }

  async release(provider: ProviderName, holder: string): Promise<void> {
    await this.db.query(`DELETE FROM provider_slots WHERE provider = $1 AND holder = $2`, { bind: [provider, holder] });
  }

  /** Live leases of a provider (for /admin and tests). */
  async inUse(provider: ProviderName): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM provider_slots WHERE provider = $1 AND lease_until > clock_timestamp()`,
      { bind: [provider], type: QueryTypes.SELECT },
    );
    return row!.n;
  }

  /** Claims a slot for the generation's provider, if it has one with a cap. */
  async claim(generationId: string): Promise<SlotOutcome> {
    const provider = await this.providerOf(generationId);
    if (!provider || !(this.caps[provider] > 0)) return null;
    if (!(await this.acquire(provider, generationId))) return 'full';
    // renew() is acquire(), which re-inserts a missing lease: one still in flight when release() deletes the
    // row (a heartbeat under load) would take the slot back for a whole lease after the job ended. So release
    // waits for renewals in flight, and none starts after it.
    let released = false;
    let renewing: Promise<unknown> = Promise.resolve();
    return {
      provider,
      renew: () => {
        if (released) return Promise.resolve(false);
        const r = this.acquire(provider, generationId);
        renewing = Promise.allSettled([renewing, r]);
        return r;
      },
      release: async () => {
        released = true;
        await renewing;
        await this.release(provider, generationId);
      },
    };
  }
}
