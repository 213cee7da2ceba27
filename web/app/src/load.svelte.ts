// One request a page depends on, as state the page can show: loading, ready (with its value) or failed (with a
// way to try again). A newer run wins over an older one still in flight.
export class Load<T> {
  value = $state<T | null>(null);
  state = $state<'loading' | 'ready' | 'failed'>('loading');
  /** The failure, for a page that tells one reason (a missing order) from another. */
  error = $state<unknown>(null);
  #run = 0;

  constructor(private readonly fetcher: () => Promise<T>) {
    void this.run();
  }

  run = async (): Promise<void> => {
    const mine = ++this.#run;
    this.state = 'loading';
    this.error = null;
    try {
      const value = await this.fetcher();
      if (mine !== this.#run) return;
      this.value = value;
      this.state = 'ready';
    } catch (err) {
      if (mine !== this.#run) return;
      this.error = err;
      this.state = 'failed';
    }
  };
}
