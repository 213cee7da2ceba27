// Group commit for the webhook inbox. Every accepted event must be on disk before its 200, which costs one WAL
// flush per commit; under load most of a request's time was that flush and the statement around it. Here the
// accepts of concurrent requests share one multi-row INSERT (one commit, one flush): a request arriving while a
// flush is in flight joins the next batch, so a lone request never waits for company and a busy route sends
// few, full statements. Each request still learns whether ITS event was new and is answered only after the
// statement holding its row has committed. The 'done' marks (committed without the flush) are batched the same
// way, to save statements.
import type { InboxStore } from './inbox.ts';

type Key = { source: string; eventId: string };
type Item = Key & { payload: unknown };

/** A store that can take many events in one statement (SqlChatStore). */
export interface BatchableInboxStore extends InboxStore {
  acceptMany(events: Item[]): Promise<Key[]>;
  finishMany(events: Key[]): Promise<void>;
}

export interface BatchOptions {
  /** Most events in one statement (default 100). */
  maxBatch?: number;
  /** Statements of one kind in flight at once (default 1: the next batch gathers while one flushes). */
  maxInFlight?: number;
}

/**
 * Runs `flush` over the items submitted while earlier flushes were busy. Items submitted in the same tick go
 * together even when nothing is in flight (a LINE body with several events).
 */
export class Coalescer<T, R> {
  private queue: { item: T; resolve: (r: R | Promise<R>) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** flush answers item i with entry i: a value, or a promise (a rejected one fails that item alone). */
  constructor(
    private readonly flush: (items: T[]) => Promise<(R | Promise<R>)[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      Promise.resolve()
        .then(() => this.flush(batch.map((b) => b.item)))
        .then(
          (rs) => {
            for (const [i, b] of batch.entries()) b.resolve(rs[i]!);
          },
          (err) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

const keyOf = (e: Key) => `${e.source}\u0000${e.eventId}`;

/** The inbox with accept() and finish() batched; everything else goes straight to the store. */
export class BatchedInbox implements InboxStore {
  private readonly accepts: Coalescer<Item, boolean>;
  private readonly finishes: Coalescer<Key, void>;

  constructor(
    private readonly store: BatchableInboxStore,
    opts: BatchOptions = {},
  ) {
    const max = opts.maxBatch ?? 100;
    const inFlight = opts.maxInFlight ?? 1;
    this.accepts = new Coalescer((items) => this.acceptBatch(items), max, inFlight);
    this.finishes = new Coalescer((items) => this.finishBatch(items), max, inFlight);
  }

  accept(source: string, eventId: string, payload: unknown): Promise<boolean> {
    return this.accepts.submit({ source, eventId, payload });
  }

  finish(source: string, eventId: string): Promise<void> {
    return this.finishes.submit({ source, eventId });
  }

  attemptFailed(...a: Parameters<InboxStore['attemptFailed']>) {
    return this.store.attemptFailed(...a);
  }
  claimStale(...a: Parameters<InboxStore['claimStale']>) {
    return this.store.claimStale(...a);
  }
  savedResponse(...a: Parameters<InboxStore['savedResponse']>) {
    return this.store.savedResponse(...a);
  }
  saveResponse(...a: Parameters<InboxStore['saveResponse']>) {
    return this.store.saveResponse(...a);
  }
  renewFresh(source: string, eventId: string) {
    return this.store.renewFresh ? this.store.renewFresh(source, eventId) : Promise.resolve(true);
  }

  /**
   * One INSERT for the batch. Of several requests carrying the same event, only the first can be told "new"
   * (as when they race on separate statements). If the statement fails (say one payload PostgreSQL refuses),
   * each event is retried alone so only the bad one's request fails.
   */
  private async acceptBatch(items: Item[]): Promise<(boolean | Promise<boolean>)[]> {
    let fresh: Set<string>;
    try {
      fresh = new Set((await this.store.acceptMany(items)).map(keyOf));
    } catch {
      return alone(items.map((i) => this.store.accept(i.source, i.eventId, i.payload)));
    }
    return items.map((i) => fresh.delete(keyOf(i)));
  }

  private async finishBatch(items: Key[]): Promise<(void | Promise<void>)[]> {
    try {
      await this.store.finishMany(items);
      return items.map(() => undefined);
    } catch {
      return alone(items.map((i) => this.store.finish(i.source, i.eventId)));
    }
  }
}

/** The fallback's single statements, settled before the batch counts as flushed; each request gets its own outcome. */
async function alone<R>(ps: Promise<R>[]): Promise<Promise<R>[]> {
  await Promise.allSettled(ps);
  return ps;
}

/** Batches a store that supports it (SqlChatStore); any other store (or one already batched) is returned as is. */
export function batchedInbox(store: InboxStore, opts?: BatchOptions): InboxStore {
  if (store instanceof BatchedInbox || !('acceptMany' in store) || !('finishMany' in store)) return store;
  return new BatchedInbox(store as BatchableInboxStore, opts);
}
