// "Exactly one instance at a time" work (Telegram long polling: Telegram answers a second getUpdates consumer
// with 409 Conflict) held by a PostgreSQL session-level advisory lock on a dedicated connection. The lock lives as
// long as that connection: when the holder dies, or the database restarts, it is released by the server itself and
// another instance takes it over at its next try. A lost connection tells the holder to stop at once, since
// another instance may hold the lock a moment later. Source: PostgreSQL docs, "Advisory Locks" (session-level
// locks are held until released or the session ends) and pg_try_advisory_lock(key1 int, key2 int).
import pg from 'pg';

const NAMESPACE = 725_002; // "vidgo exclusive leases"; the second key is hashtext(name)

export interface LeaseLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

export interface LeaseHolder {
  /** Called once the lock is ours; resolve when the work is running. */
  onHeld(): Promise<void>;
  /** The lock is gone (connection lost, or stop()): end the work now. */
  onLost(): Promise<void>;
}

export interface ExclusiveLease {
  /** True while this process holds the lock. */
  readonly held: boolean;
  stop(): Promise<void>;
}

export function holdExclusive(o: {
  databaseUrl: string;
  name: string;
  holder: LeaseHolder;
  log: LeaseLog;
  retryMs?: number;
}): ExclusiveLease {
  const retryMs = o.retryMs ?? 5_000;
  let stopped = false;
  let held = false;
  let client: pg.Client | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });

  async function loop() {
    while (!stopped) {
      const c = new pg.Client({ connectionString: o.databaseUrl, keepAlive: true });
      client = c;
      let lost!: () => void;
      const gone = new Promise<void>((r) => (lost = r));
      c.on('error', () => lost());
      c.on('end', () => lost());
      try {
        await c.connect();
        const { rows } = await c.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [NAMESPACE, o.name]);
        if (!rows[0]?.ok) {
          await c.end().catch(() => {});
          await pause(retryMs);
          continue;
        }
      } catch {
        await c.end().catch(() => {});
        await pause(retryMs);
        continue;
      }
      held = true;
      o.log.info({ lease: o.name }, 'holding the exclusive lease: this instance does it');
      try {
        await o.holder.onHeld();
      } catch (err) {
        o.log.warn({ lease: o.name, err: String(err) }, 'could not start the work under the lease; giving it back');
        lost();
      }
      // A connection that went silent (no error event) is found by a query every retryMs.
      const beat = setInterval(() => void c.query('SELECT 1').catch(() => lost()), retryMs);
      await Promise.race([gone, new Promise<void>((r) => (wake = r))]);
      clearInterval(beat);
      held = false;
      await o.holder.onLost().catch(() => {});
      await c.end().catch(() => {}); // the session ends: the server releases the lock
      if (!stopped) {
        o.log.warn({ lease: o.name }, 'exclusive lease lost; trying to take it again');
        await pause(retryMs);
      }
    }
  }
  const running = loop();
  return {
    get held() {
      return held;
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await client?.end().catch(() => {});
    },
  };
}
