// Points: the pure parts core needs (periods, typed errors). The SQL implementation of the Ledger port lives in
// infra/db/sql-ledger.ts.
export { periodOf, isPeriod } from './period.ts';
export { LedgerError, type LedgerErrorCode } from './errors.ts';
