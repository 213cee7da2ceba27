// The ledger's typed refusals. Callers branch on `code`, never on the message.
import { DomainError, type DomainErrorKind } from '../domain-error.ts';

export type LedgerErrorCode =
  | 'reservation_not_found'
  /** release refused: the reservation was already committed */
  | 'already_committed'
  /** commit refused: the reservation was already released (e.g. by the expiry cleanup) */
  | 'already_released'
  | 'invalid_argument'
  /** the idempotency key was used before with another user, amount, pool or bucket */
  | 'idempotency_conflict';

const LEDGER_KIND: Record<LedgerErrorCode, DomainErrorKind> = {
  reservation_not_found: 'not_found',
  already_committed: 'conflict',
  already_released: 'conflict',
  invalid_argument: 'invalid',
  idempotency_conflict: 'conflict',
};

export class LedgerError extends DomainError<LedgerErrorCode> {
  readonly kind: DomainErrorKind = LEDGER_KIND[this.code];
}
