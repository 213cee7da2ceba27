import pLimit, { type LimitFunction } from 'p-limit';

export interface BackgroundOptions {
  /** Pieces of work running at once; the rest wait in arrival order (default: unbounded). */
  concurrency?: number;
  /**
   * Work that waited longer than this before starting asks its `stillOurs` check first (see run): an inbox event
   * queued that long may have been claimed by a resume sweep meanwhile (default: never asks).
   */
  recheckAfterMs?: number;
}

// Work done after a webhook has been answered, at most `concurrency` at once and first come first started: a burst
// of events then answers its first users early instead of all of them together, and leaves the event loop and the
// database pool to the webhook answers. Tracked (waiting and running) so tests and shutdown can wait for it. Work
// that failed on our own infrastructure (the database or Redis away) is retried by the inbox: said once per spell,
// not as an error.
export class Background {
  private readonly running = new Set<Promise<void>>();
  private readonly limit: LimitFunction | undefined;
  private lastOutageNote = 0;
  constructor(
    private readonly log?: { error(o: object, m: string): void; warn?(o: object, m: string): void },
    private readonly isInfrastructureError?: (err: unknown) => boolean,
    private readonly opts: BackgroundOptions = {},
  ) {
    this.limit = opts.concurrency ? pLimit(opts.concurrency) : undefined;
  }

  /** Waiting to start / started and not yet settled. */
  get waiting(): number {
    return this.limit?.pendingCount ?? 0;
  }
  get active(): number {
    return this.limit ? this.limit.activeCount : this.running.size;
  }

  /**
   * stillOurs: asked before starting work that waited longer than recheckAfterMs; false skips the work (it was
   * taken over elsewhere).
   */
  run(name: string, fn: () => Promise<void>, stillOurs?: () => Promise<boolean>): void {
    const queuedAt = Date.now();
    const recheck = this.opts.recheckAfterMs;
    const work = async () => {
      if (stillOurs && recheck !== undefined && Date.now() - queuedAt >= recheck && !(await stillOurs())) return;
      await fn();
    };
    const p = (this.limit ? this.limit(work) : Promise.resolve().then(work))
      .catch((err) => this.failed(name, err))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private failed(name: string, err: unknown): void {
    if (!this.isInfrastructureError?.(err) || !this.log?.warn)
      return void this.log?.error({ err, work: name }, 'background work failed');
    if (Date.now() - this.lastOutageNote < 30_000) return;
    this.lastOutageNote = Date.now();
    this.log.warn(
      { work: name, err: String(err) },
      'chat events wait for the database or Redis: the inbox handles them again',
    );
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
