// DRS error classification. Every DRS call in an activity goes through `drsCall`, which turns an
// SDK error into a Temporal ApplicationFailure whose type is the DRS exception name and whose
// message is the service's own message:
//  - the caller's mistake or a state DRS refuses (validation, not found, conflict, uninitialized
//    account, access denied, quota) is non-retryable: retrying cannot change the answer, except a
//    job quota that is full when creating a job, which frees up as other jobs end;
//  - throttling, 5xx and network errors are retryable, with DRS's Retry-After honoured as the
//    next retry delay. The retry itself is Temporal's (the SDK makes one attempt, see
//    drs-client.ts), so the two layers never multiply;
//  - except for reads (Describe*, List*, Get*): `drsCall` tries a read that failed that way a few
//    times, a moment apart, before the activity fails. An activity makes several calls, and one
//    failed call fails the whole attempt: under a storm (30 % of calls throttled, 10 % 5xx) an
//    activity of five reads would succeed in 8 % of its attempts and wait out Temporal's growing
//    backoff between them. Retrying a read is safe (it changes nothing), and the number of
//    requests stays bounded (READ_ATTEMPTS per call, times the activity's attempts). Calls that
//    change something are never repeated here: a lost response may have created a job, and only a
//    new activity attempt, which looks that job up first, may try again.
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

/** Tries of one read before its failure fails the activity (a storm's 40 % faults: 1 % get through). */
export const READ_ATTEMPTS = 5;
/** The wait before a read's next try when DRS gives no Retry-After: doubling from this, with jitter. */
const READ_RETRY_BASE_MS = 200;
/** Reads never wait longer than this between tries, whatever Retry-After says: the activity's backoff takes over. */
const READ_RETRY_MAX_MS = 2000;

/** Reads change nothing, so a read that failed for a moment is tried again within the call. */
function isReadOperation(operation: string): boolean {
  return /^(?:[a-z0-9]+:)?(?:Describe|List|Get)[A-Z]/.test(operation);
}

/**
 * Runs one DRS (or EC2, SSM) call, classifying its failure. A read failing with a retryable error
 * is tried again up to READ_ATTEMPTS times (see the note at the top).
 */
export async function drsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const attempts = isReadOperation(operation) ? READ_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const failure = classifyDrsError(operation, err);
      if (failure.nonRetryable || attempt >= attempts || err instanceof ApplicationFailure) throw failure;
      await new Promise((resolve) => setTimeout(resolve, readRetryDelayMs(failure, attempt)));
    }
  }
}

/** Retry-After when DRS sent one, else full jitter over a doubling base; capped. */
function readRetryDelayMs(failure: ApplicationFailure, attempt: number): number {
  const retryAfter = failure.nextRetryDelay == null ? undefined : Number(failure.nextRetryDelay);
  const delay = retryAfter ?? Math.random() * READ_RETRY_BASE_MS * 2 ** (attempt - 1);
  return Math.min(delay, READ_RETRY_MAX_MS);
}
