// Wakes the run waiting on a provider job when that job's verified completion callback arrives, in this process or
// another instance: the callback may land on any instance behind the load balancer, the run polls on one of them.
// Across instances the wake travels by PostgreSQL LISTEN/NOTIFY on a dedicated connection (every instance already
// shares the database; PostgreSQL docs, NOTIFY: delivered to every session listening on the channel). A wake that
// is lost (no connection at that moment, nobody waiting yet) costs only time: the slower fallback poll finds the job.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { CompletionSignals, ProviderJob } from '../../core/ports.ts';
import type { ProviderName } from '../../core/model.ts';

export const CALLBACK_CHANNEL = 'vidgo_provider_callbacks';

export const jobKey = (provider: ProviderName, jobId: string) => `job:${provider}:${jobId}`;
export const generationKey = (generationId: string) => `gen:${generationId}`;

export interface CompletionHubOptions {
  callsBack: (provider: ProviderName) => boolean;
  /** Instances on one PostgreSQL hear each other's wakes; without it wakes stay in this process. */
  databaseUrl?: string;
  log: { warn(o: object, m: string): void };
  /** A wake that came before its wait began is kept this long (the callback raced the poll before the wait). */
  keepMs?: number;
  reconnectMs?: number;
}

export class CompletionHub implements CompletionSignals {
  private readonly local = new EventEmitter().setMaxListeners(0);
  private readonly early = new Map<string, number>();
  private readonly instance = randomUUID();
  private client?: pg.Client;
  private listening = false;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: CompletionHubOptions) {}

  callsBack(provider: ProviderName): boolean {
    return this.o.callsBack(provider);
  }

  wait(job: ProviderJob, generationId: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    const keys = [jobKey(job.provider, job.jobId), generationKey(generationId)];
    if (keys.some((k) => this.early.delete(k))) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        for (const k of keys) this.local.off(k, onWake);
        signal?.removeEventListener('abort', onAbort);
        resolve(woken);
      };
      const onWake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      for (const k of keys) this.local.on(k, onWake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A verified callback: wakes the wait here and on every listening instance. */
  async wake(key: string): Promise<void> {
    this.deliver(key);
    if (!this.client || !this.listening) return;
    await this.client
      .query('SELECT pg_notify($1, $2)', [CALLBACK_CHANNEL, `${this.instance} ${key}`])
      .catch((err: Error) => this.o.log.warn({ err: err.message }, 'provider callback not passed to other instances'));
  }

  private deliver(key: string): void {
    if (this.local.listenerCount(key) > 0) return void this.local.emit(key);
    const now = Date.now();
    const keep = this.o.keepMs ?? 60_000;
    for (const [k, at] of this.early) if (now - at > keep) this.early.delete(k);
    this.early.set(key, now);
  }

  async start(): Promise<void> {
    if (!this.o.databaseUrl || this.stopped) return;
    const client = new pg.Client({ connectionString: this.o.databaseUrl });
    const again = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      client.end().catch(() => {});
      if (this.stopped) return;
      if (err) this.o.log.warn({ err: err.message }, 'provider callback listener lost; reconnecting');
      this.retry = setTimeout(() => void this.start(), this.o.reconnectMs ?? 1_000);
    };
    this.client = client;
    client.on('error', again);
    client.on('end', () => again());
    client.on('notification', (n) => {
      if (n.channel !== CALLBACK_CHANNEL || !n.payload) return;
      const space = n.payload.indexOf(' ');
      if (space < 0 || n.payload.slice(0, space) === this.instance) return;
      this.deliver(n.payload.slice(space + 1));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CALLBACK_CHANNEL}`);
      this.listening = true;
    } catch (err) {
      again(err as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    this.listening = false;
    await c?.end().catch(() => {});
  }
}
