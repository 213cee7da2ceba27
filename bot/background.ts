// Work done after a webhook has been answered. Tracked so tests and shutdown can wait for it. Work that failed on
// our own infrastructure (the database or Redis away) is retried by the inbox: said once per spell, not as an error.
export class Background {
  private readonly running = new Set<Promise<void>>();
  private lastOutageNote = 0;
  constructor(
    private readonly log?: { error(o: object, m: string): void; warn?(o: object, m: string): void },
    private readonly isInfrastructureError?: (err: unknown) => boolean,
  ) {}

  run(name: string, fn: () => Promise<void>): void {
    const p = Promise.resolve()
      .then(fn)
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
