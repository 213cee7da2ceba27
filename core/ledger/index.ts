// Points: the ledger's rules (rules.ts), the one gate between a charged route step and the ledger
// (point-charger.ts), periods and typed errors. The SQL implementation of the Ledger port lives in
// infra/db/sql-ledger.ts.
export { periodOf, isPeriod } from './period.ts';
export { LedgerError, type LedgerErrorCode } from './errors.ts';
export type { PointPool } from './rules.ts';
export {
  PointCharger,
  authorizeCharge,
  chargingPorts,
  stepKey,
  type ChargeAuthorization,
  type ChargeContext,
  type Charger,
  type ConsentGrant,
  type HoldResult,
  type LedgerView,
} from './point-charger.ts';
