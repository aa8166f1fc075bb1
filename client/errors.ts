// Exit codes are drsctl's contract with CI: a pipeline tells "the drill failed" (1) apart from
// "the job definition is wrong" (2), "Temporal could not be reached, retry later" (3) and "the run
// refused the approve / abort: nothing to act on" (4).

export const ExitCode = {
  SUCCEEDED: 0,
  OPERATION_FAILED: 1,
  BAD_INPUT: 2,
  UNREACHABLE: 3,
  REJECTED: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Something drsctl can explain in one line and map to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A CliError class whose errors always exit with `exitCode`. */
function exitingWith(exitCode: ExitCode) {
  return class extends CliError {
    constructor(message: string) {
      super(message, exitCode);
    }
  };
}

/** The input (flags, --input file, connection options) is wrong; nothing was started. */
export class BadInputError extends exitingWith(ExitCode.BAD_INPUT) {}

/** The Temporal frontend did not answer (connection refused, timeout, TLS handshake). */
export class UnreachableError extends exitingWith(ExitCode.UNREACHABLE) {}

/** The operation ran and did not succeed (or the workflow / schedule it names does not exist). */
export class OperationFailedError extends exitingWith(ExitCode.OPERATION_FAILED) {}

/** The run refused an `approve` or `abort` (no gate open, already approved, already finished…); nothing changed. */
export class RejectedError extends exitingWith(ExitCode.REJECTED) {}
