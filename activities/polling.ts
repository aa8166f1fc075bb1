// Retry-as-poll: an activity that looks once and, when what it waits for is not there yet, fails
// with STILL_WAITING so Temporal retries it after the retry policy's backoff (the poll interval).
// The failure is BENIGN: an expected "not yet", logged at debug level rather than as a warning on
// every poll of a day-long wait.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { STILL_WAITING } from '../common/failures';

/** `nextPollMs` overrides the retry policy's backoff for this one retry (job waits compute theirs). */
export function stillWaiting(message: string, nextPollMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: STILL_WAITING,
    category: ApplicationFailureCategory.BENIGN,
    ...(nextPollMs === undefined ? {} : { nextRetryDelay: nextPollMs }),
  });
}
