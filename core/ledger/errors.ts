// The ledger's typed refusals. Callers branch on `code`, never on the message.
export type LedgerErrorCode =
  | 'reservation_not_found'
  /** release refused: the reservation was already committed */
  | 'already_committed'
  /** commit refused: the reservation was already released (e.g. by the expiry cleanup) */
  | 'already_released'
  | 'invalid_argument'
  /** the idempotency key was used before with another user, amount, pool or bucket */
  | 'idempotency_conflict';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
