// Provider health, shared by every instance through SharedState (Redis when configured). A provider is down after
// `failureThreshold` consecutive failures (errors or timeouts) for `coolDownMs`; after the cool-down it is tried
// again (one more failure marks it down again at once, since the count is kept until a success). A success, real
// or a probe's, brings it back immediately. Admins can force a provider on or off ('auto' returns to the above).
import { ProviderError, type Clock, type SharedState, type VideoProvider } from '../ports.ts';
import { PROVIDERS, type ProviderName } from '../model.ts';
import type { HealthMap } from './route.ts';

export type HealthOverride = 'on' | 'off' | 'auto';

export interface ProviderHealthOptions {
  /** Consecutive failures that mark a provider down (default 3). */
  failureThreshold?: number;
  /** How long a provider stays down before it is tried again (default 60 s). */
  coolDownMs?: number;
  /** How long a failure streak is remembered without a new failure or success (default 10 min). */
  failureMemoryMs?: number;
  /** The providers snapshot() reports (default: all but 'local'). */
  providers?: readonly ProviderName[];
}

export interface ProviderStatus {
  provider: ProviderName;
  up: boolean;
  override: HealthOverride;
  consecutiveFailures: number;
  /** When the current cool-down ends (null when not cooling down). */
  downUntil: Date | null;
  lastError: string | null;
}

/** Outcomes that say nothing about the provider's health (the request's fault, or ours). */
const NOT_THE_PROVIDERS_FAULT = new Set<ProviderError['code']>(['bad_request', 'rejected_content', 'canceled']);

/** Whether an error from a provider call should count against the provider's health. */
export function countsAgainstProvider(err: unknown): boolean {
  return !(err instanceof ProviderError && NOT_THE_PROVIDERS_FAULT.has(err.code));
}

export class ProviderHealth {
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly memoryMs: number;
  readonly providers: readonly ProviderName[];

  constructor(
    private readonly state: SharedState,
    private readonly clock: Clock,
    opts: ProviderHealthOptions = {},
  ) {
    this.threshold = Math.max(1, opts.failureThreshold ?? 3);
    this.coolDownMs = opts.coolDownMs ?? 60_000;
    this.memoryMs = opts.failureMemoryMs ?? 10 * 60_000;
    this.providers = opts.providers ?? PROVIDERS.filter((p) => p !== 'local');
  }

  private key(p: ProviderName, what: 'fails' | 'down' | 'override' | 'error') {
    return `health:${p}:${what}`;
  }

  /** A real call or a probe succeeded: the provider is up and its failure streak is over. */
  async recordSuccess(p: ProviderName): Promise<void> {
    await Promise.all([this.state.del(this.key(p, 'fails')), this.state.del(this.key(p, 'down'))]);
  }

  /**
   * A call or probe failed (`err`: a ProviderError, a timeout, anything thrown). Errors that are not the
   * provider's fault (bad request, refused content, canceled) are ignored. Resolves true when the provider is
   * now down.
   */
  async recordFailure(p: ProviderName, err?: unknown): Promise<boolean> {
    if (err !== undefined && !countsAgainstProvider(err)) return false;
    const message =
      err === undefined
        ? 'failure'
        : err instanceof Error
          ? `${(err as { code?: string }).code ?? err.name}: ${err.message}`
          : String(err);
    const [n] = await Promise.all([
      this.state.incr(this.key(p, 'fails'), this.memoryMs),
      this.state.set(this.key(p, 'error'), message.slice(0, 300), this.memoryMs),
    ]);
    if (n < this.threshold) return false;
    const now = this.clock.now();
    await this.state.set(
      this.key(p, 'down'),
      JSON.stringify({ since: now.toISOString(), until: new Date(now.getTime() + this.coolDownMs).toISOString() }),
      this.coolDownMs,
    );
    return true;
  }

  async setOverride(p: ProviderName, override: HealthOverride): Promise<void> {
    if (override === 'auto') await this.state.del(this.key(p, 'override'));
    else await this.state.set(this.key(p, 'override'), override);
  }

  async isUp(p: ProviderName): Promise<boolean> {
    const [override, down] = await Promise.all([
      this.state.get(this.key(p, 'override')),
      this.state.get(this.key(p, 'down')),
    ]);
    return override === 'on' || (override !== 'off' && down === null);
  }

  /** Up/down for every provider, as planRoute takes it. */
  async healthMap(): Promise<HealthMap> {
    const entries = await Promise.all(this.providers.map(async (p) => [p, await this.isUp(p)] as const));
    return Object.fromEntries(entries);
  }

  /** Everything /health and /admin health show. */
  async snapshot(): Promise<ProviderStatus[]> {
    return Promise.all(
      this.providers.map(async (p) => {
        const [override, down, fails, error] = await Promise.all([
          this.state.get(this.key(p, 'override')),
          this.state.get(this.key(p, 'down')),
          this.state.get(this.key(p, 'fails')),
          this.state.get(this.key(p, 'error')),
        ]);
        const o: HealthOverride = override === 'on' || override === 'off' ? override : 'auto';
        return {
          provider: p,
          up: o === 'on' || (o !== 'off' && down === null),
          override: o,
          consecutiveFailures: Number(fails ?? 0),
          downUntil: down ? new Date((JSON.parse(down) as { until: string }).until) : null,
          lastError: error,
        };
      }),
    );
  }

  /**
   * Probes each provider (cheap reachability, never a paid job) and records the outcome; a probe that does not
   * answer within `timeoutMs` counts as a timeout. For the periodic health job.
   */
  async probeAll(providers: readonly VideoProvider[], timeoutMs = 10_000): Promise<Record<string, boolean>> {
    const out: Record<string, boolean> = {};
    await Promise.all(
      providers.map(async (prov) => {
        const ac = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`probe timed out after ${timeoutMs} ms`));
            ac.abort();
          }, timeoutMs);
        });
        try {
          const ok = await Promise.race([prov.probe(ac.signal), timeout]);
          out[prov.name] = ok;
          if (ok) await this.recordSuccess(prov.name);
          else await this.recordFailure(prov.name, new Error('probe answered not ok'));
        } catch (err) {
          out[prov.name] = false;
          await this.recordFailure(prov.name, err);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return out;
  }
}
