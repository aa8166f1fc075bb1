// DRS error classification. Every DRS call in an activity goes through `drsCall`, which turns an
// SDK error into a Temporal ApplicationFailure whose type is the DRS exception name and whose
// message is the service's own message:
//  - the caller's mistake or a state DRS refuses (validation, not found, conflict, uninitialized
//    account, access denied, quota) is non-retryable: retrying cannot change the answer, except a
//    job quota that is full when creating a job, which frees up as other jobs end;
//  - throttling, 5xx and network errors are retryable, with DRS's Retry-After honoured as the
//    next retry delay. The retry itself is Temporal's (the SDK makes one attempt, see
//    drs-client.ts), so the two layers never multiply.
import {
  isRetryableByTrait,
  isThrottlingError,
  isTransientError,
} from '@smithy/service-error-classification';
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_DRS_ERRORS } from '../common/failures';

type SdkError = Parameters<typeof isThrottlingError>[0] & {
  code?: string;
  retryAfterSeconds?: number | string;
};

// Beyond smithy's transient list (timeouts, ECONNRESET/ECONNREFUSED/EPIPE/ETIMEDOUT): DNS and
// routing failures and an aborted request also mean DRS may never have seen the call.
const UNREACHABLE_ERROR_CODES = new Set(['EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Calls that create a DRS job, and so count against the account's job quotas. */
const JOB_CREATING_OPERATIONS = new Set([
  'StartRecovery',
  'StartFailbackLaunch',
  'TerminateRecoveryInstances',
  'StartSourceNetworkRecovery',
]);

/** Classifies any error thrown by an SDK call of `operation` as a Temporal ApplicationFailure. */
export function classifyDrsError(operation: string, err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = `${operation}: ${e.message || name}`;

  // Another tool filled the account's job quota after this run took its capacity place: the job
  // will fit once theirs end, so wait it out with the retry policy's backoff (the start is
  // idempotent, so a retry never launches twice).
  if (name === 'ServiceQuotaExceededException' && JOB_CREATING_OPERATIONS.has(operation)) {
    return ApplicationFailure.create({ message, type: name });
  }
  if ((NON_RETRYABLE_DRS_ERRORS as readonly string[]).includes(name)) {
    return ApplicationFailure.nonRetryable(message, name);
  }
  // Throttled (429, ThrottlingException) or a server fault (any 5xx; InternalServerException is
  // modelled with $fault "server"): the same request may succeed later.
  if (isThrottlingError(e) || (status ?? 0) >= 500 || e.$fault === 'server') {
    const retryAfterSeconds = Number(e.retryAfterSeconds);
    const nextRetryDelay = retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : undefined;
    return ApplicationFailure.create({ message, type: name, nextRetryDelay });
  }
  if (status === undefined) {
    if (isTransientError(e) || UNREACHABLE_ERROR_CODES.has(e.code ?? '') || name === 'AbortError') {
      return ApplicationFailure.create({ message, type: 'NetworkError' });
    }
    if (isRetryableByTrait(e)) return ApplicationFailure.create({ message, type: name });
  }
  // Any other 4xx, or an error we cannot place: retrying the same request will not help.
  return ApplicationFailure.nonRetryable(message, name);
}

/** Runs one DRS call, classifying its failure. */
export async function drsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classifyDrsError(operation, err);
  }
}
