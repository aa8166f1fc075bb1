// Failure types shared by activities (which throw them) and workflows (whose retry policies and
// error handling name them). Safe in workflow code.

/** Retry-as-poll: "not there yet"; the activity retry policy's backoff is the poll interval. */
export const STILL_WAITING = 'StillWaiting';

/** DRS exceptions that retrying cannot fix: the workflow fails with DRS's own message. */
export const NON_RETRYABLE_DRS_ERRORS = [
  'ValidationException',
  'ResourceNotFoundException',
  'ConflictException',
  'UninitializedAccountException',
  'AccessDeniedException',
  'ServiceQuotaExceededException',
] as const;

/** Bad workflow input (names every bad field); raised before any DRS call. */
export const INVALID_INPUT = 'InvalidInput';
/** A drill's preflight refused to launch; the message lists each server and why. */
export const PREFLIGHT_FAILED = 'PreflightFailed';
/** drsReplication / drsFailback refused the request before any mutating call; the message names each server and why. */
export const REFUSED = 'Refused';
/** drsRecovery: no `confirm: true` and no `approve` message before the deadline; nothing was launched. */
export const CONFIRMATION_REQUIRED = 'ConfirmationRequired';
/** An `approve` or `abort` update with nothing to act on, refused by its validator (nothing is recorded). */
export const REQUEST_REJECTED = 'RequestRejected';
