// SSM Run Command on the emulator's instances. Nothing is executed: each invocation's timeline and
// result are fixed when the command is sent (by default Success, exit code 0, stdout "active\n",
// which is what `systemctl is-active <unit>` prints), and reads compute where it stands at `now`.
import type { CommandRecord, GuestRecord, InvocationRecord, InvocationStatus } from './model';
import type { EmulatorStore } from './store';

/** SSM is eventually consistent: an invocation is unknown this long after SendCommand. */
const INVOCATION_VISIBLE_AFTER_MS = 1000;
/** Then Pending this long before it starts running. */
const PENDING_MS = 1000;
const STDOUT_MAX = 24_000;
const STDERR_MAX = 8_000;
const DEFAULT_STDOUT = 'active\n';

/** When the invocation on `guest` starts and ends, and how it ends. */
export function planInvocation(
  store: EmulatorStore,
  guest: GuestRecord,
  requestedAt: number,
  executionTimeoutSeconds: number,
): InvocationRecord {
  const visibleAt = requestedAt + INVOCATION_VISIBLE_AFTER_MS;
  const startAt = visibleAt + PENDING_MS;
  const source = guest.sourceServerID;
  if (store.scenarioFor('commandTimeout', source)) {
    return {
      instanceId: guest.instanceId,
      visibleAt,
      startAt,
      endAt: startAt + executionTimeoutSeconds * 1000,
      outcome: { status: 'TimedOut', responseCode: -1, stdout: '', stderr: 'Command execution timed out.\n' },
    };
  }
  const endAt = startAt + store.duration((d) => d.commandRun);
  const failure = store.scenarioFor('commandFailure', source);
  const exitCode = failure?.exitCode ?? 3;
  const outcome: InvocationRecord['outcome'] = failure
    ? {
        status: 'Failed',
        responseCode: exitCode,
        stdout: failure.output ?? 'inactive\n',
        stderr: `failed to run commands: exit status ${exitCode}\n`,
      }
    : { status: 'Success', responseCode: 0, stdout: DEFAULT_STDOUT, stderr: '' };
  return { instanceId: guest.instanceId, visibleAt, startAt, endAt, outcome };
}

interface InvocationView {
  status: InvocationStatus;
  statusDetails: string;
  responseCode: number;
  startedAt?: number;
  endedAt?: number;
  stdout: string;
  stderr: string;
}

/** Where an invocation stands at `now` (only asked once it is visible). */
export function invocationAt(invocation: InvocationRecord, now: number): InvocationView {
  if (now < invocation.startAt) {
    return { status: 'Pending', statusDetails: 'Pending', responseCode: -1, stdout: '', stderr: '' };
  }
  if (now < invocation.endAt) {
    return {
      status: 'InProgress',
      statusDetails: 'InProgress',
      responseCode: -1,
      startedAt: invocation.startAt,
      stdout: '',
      stderr: '',
    };
  }
  const { outcome } = invocation;
  return {
    status: outcome.status,
    statusDetails: outcome.status === 'TimedOut' ? 'ExecutionTimedOut' : outcome.status,
    responseCode: outcome.responseCode,
    startedAt: invocation.startAt,
    endedAt: invocation.endAt,
    stdout: outcome.stdout.slice(0, STDOUT_MAX),
    stderr: outcome.stderr.slice(0, STDERR_MAX),
  };
}

/** The overall status of a command: the worst of its invocations, as SSM reports it. */
export function commandStatus(command: CommandRecord, now: number): InvocationStatus {
  const statuses = command.invocations.map((i) =>
    now < i.visibleAt ? 'Pending' : invocationAt(i, now).status,
  );
  for (const s of ['InProgress', 'Pending', 'TimedOut', 'Failed'] as const) {
    if (statuses.includes(s)) return s;
  }
  return 'Success';
}
