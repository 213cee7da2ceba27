// The one Redis connection of an instance and what its availability means. Redis holds only fast shared state
// (rate limits, provider health, short-lived dedupe keys), so losing it degrades the instance rather than failing
// it: while the connection is not ready every caller uses in-process state, and the change is logged once each
// way ("degraded", "back"), not once per failed command. ioredis reconnects by itself (its default retryStrategy
// backs off to 2 s and never gives up), and the ready event ends the degraded spell.
import { Redis } from 'ioredis';

export interface RedisLinkLog {
  warn(o: object, m: string): void;
  info(o: object, m: string): void;
}

export class RedisLink {
  readonly client: Redis;
  private degradedSince: number | null = null;
  private quitting = false;

  constructor(
    url: string,
    private readonly log: RedisLinkLog,
  ) {
    // No offline queue: a command while disconnected fails at once (callers fall back) instead of waiting for a
    // reconnect that may take minutes.
    this.client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.client.on('error', (err: Error) => this.degrade(err.message));
    this.client.on('close', () => this.degrade('connection closed'));
    this.client.on('ready', () => {
      if (this.degradedSince === null) return;
      this.log.info(
        { after_ms: Date.now() - this.degradedSince },
        'Redis is back: shared rate limits and provider health again',
      );
      this.degradedSince = null;
    });
  }

  /** Connects once; an unreachable Redis at start-up is the same degraded state (ioredis keeps trying). */
  async connect(): Promise<void> {
    await this.client.connect().catch((err: Error) => this.degrade(err.message));
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  get degraded(): boolean {
    return this.degradedSince !== null || !this.ready;
  }

  /** Marks the spell (logged once); called on connection events and by callers whose command failed. */
  degrade(reason: string): void {
    if (this.degradedSince !== null || this.quitting) return;
    this.degradedSince = Date.now();
    this.log.warn(
      { reason },
      'Redis unavailable: degraded to in-process rate limits, provider health and dedupe until it is back',
    );
  }

  async close(): Promise<void> {
    this.quitting = true;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
