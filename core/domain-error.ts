// The one base of every refusal core states to its callers. A caller branches on `code` (never on the message);
// the web maps the code's `kind` to an HTTP status in one place (web/errors.ts), so routes never catch.
export type DomainErrorKind =
  /** the thing asked for does not exist (404) */
  | 'not_found'
  /** the input is malformed or out of range (400) */
  | 'invalid'
  /** the state does not allow it now: already done, taken, conflicting (409) */
  | 'conflict'
  /** not allowed for this user (403) */
  | 'forbidden'
  /** too many attempts (429) */
  | 'rate_limited'
  /** an outside service failed (502) */
  | 'upstream';

export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
