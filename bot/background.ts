// Work done after a webhook has been answered. Tracked so tests and shutdown can wait for it.
export class Background {
  private readonly running = new Set<Promise<void>>();
  constructor(private readonly log?: { error(o: object, m: string): void }) {}

  run(name: string, fn: () => Promise<void>): void {
    const p = Promise.resolve()
      .then(fn)
      .catch((err) => this.log?.error({ err, work: name }, 'background work failed'))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
