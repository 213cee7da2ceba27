// The ledger's rules. Points are integers in three buckets per user: monthly_pollo, monthly_goenhance (the plan's
// allowance for the current period) and purchased. The rules are enforced in PostgreSQL, by PL/pgSQL functions
// that are the only writers of the point tables (infra/db/sql-ledger.ts calls each as one statement, under the
// user's balance row lock):
//
// - Append-only history: point_ledger rows are never updated or deleted (a trigger refuses it); for every user
//   and bucket, the balance row equals the sum of that bucket's entries, always.
// - Never below zero: no bucket goes negative (CHECK), whatever the concurrency. A reserve the balance does not
//   cover writes nothing; a clawback (refund, chargeback) takes at most what is there and records the shortfall.
// - Reserve → commit | release: points for a charged generation step are first held (negative 'reserve'
//   entries), spending the pool's monthly bucket first, then purchased; pools are 'pollo' (video) and
//   'goenhance' (style, upscale). A reservation is settled exactly once: commit keeps the points spent, release
//   gives them back. A second commit or release is a no-op returning the same reservation; releasing a committed
//   one (already_committed) or committing a released one (already_released) is refused.
// - Expiry: a reservation still held past its expiry (2 h by default, a crashed job) is released by the periodic
//   cleanup. The monthly part of a reservation belongs to the period it was held in: released after a reset it
//   comes back and expires at once; purchased points always come back.
// - Idempotency keys: every credit, reserve, clawback and plan start carries a key. The same key with the same
//   parameters replays the first result (nothing is written twice); with other parameters (user, amount, pool,
//   bucket) it is refused (idempotency_conflict). Generation steps use `gen:<id>:step:<n>:<provider>`
//   (point-charger.ts), so a retried step holds the same points.
// - Periods: a monthly allocation happens once per user and period ("YYYY-MM" in the service's timezone,
//   period.ts); leftover monthly points expire, then the plan's allowance is credited. A plan start (purchase or
//   change) does the same once per order.
//
// The refusals come back as LedgerError codes (errors.ts). Points move for a generation only through the
// PointCharger (point-charger.ts), which asks for the user's consent or auto-pay first.

/** The pools a reservation is paid from: which monthly bucket it spends first (then purchased). */
export type PointPool = 'pollo' | 'goenhance';
