// DRS launch actions on a launched instance: once its SSM agent registered, DRS records the
// discovery time on the job's participant and runs the server's active launch actions (its own
// and the account's launch template's, by `order`), each IN_PROGRESS, then SUCCEEDED or FAILED.
// As in DRS, actions run only where the launch configuration has postLaunchEnabled.
import type {
  GuestRecord,
  LaunchActionRecord,
  LaunchActionRunRecord,
  ParticipantRecord,
  Partition,
  SourceServerRecord,
} from './model';
import { ids } from './random';
import type { EmulatorStore } from './store';

/** The server's launch actions in run order: the account template's and its own, active ones only. */
function actionsFor(partition: Partition, server: SourceServerRecord): LaunchActionRecord[] {
  const resources = [...partition.launchConfigurationTemplates.keys(), server.id];
  return resources
    .flatMap((id) => [...(partition.launchActions.get(id)?.values() ?? [])])
    .filter((a) => a.active)
    .sort((a, b) => a.order - b.order || a.seq - b.seq);
}

/** The agent of `guest` registered: fill in launchActionsStatus and run the launch actions. */
export function agentRegistered(
  store: EmulatorStore,
  partition: Partition,
  participant: ParticipantRecord,
  server: SourceServerRecord,
  guest: GuestRecord,
): void {
  const at = guest.agentAt as number;
  const runs: LaunchActionRunRecord[] = [];
  participant.launchActions = { agentDiscoveredAt: at, runs };
  const configured = server.launchConfiguration.postLaunchEnabled ? actionsFor(partition, server) : [];
  const failure = store.scenarioFor('launchActionFailure', server.id);
  const fails = (a: LaunchActionRecord) =>
    !!failure &&
    (failure.actionName === undefined || a.name === failure.actionName) &&
    (failure.optional === undefined || a.optional === failure.optional);
  const actions = [...configured];
  if (failure && !actions.some(fails)) actions.push(emulatedAction(store, failure));
  let t = at;
  for (const record of actions) {
    const { seq: _seq, resourceId: _resource, ...action } = record;
    const run: LaunchActionRunRecord = { action, runId: ids.uuid(store.rng), status: 'IN_PROGRESS' };
    runs.push(run);
    t += store.duration((d) => d.commandRun);
    const failed = fails(record);
    store.schedule(t, () => {
      run.status = failed ? 'FAILED' : 'SUCCEEDED';
      if (failed)
        run.failureReason = `SSM document ${action.actionCode} failed on the instance: exit code 1 (emulated)`;
    });
  }
}

/** The launchActionFailure scenario's own action, where no configured action matches it. */
function emulatedAction(
  store: EmulatorStore,
  failure: { actionName?: string; optional?: boolean },
): LaunchActionRecord {
  return {
    seq: store.nextSeq(),
    resourceId: '',
    actionId: ids.uuid(store.rng),
    actionCode: 'AWS-RunShellScript',
    type: 'SSM_COMMAND',
    name: failure.actionName ?? 'emulated-check',
    active: true,
    order: 10000,
    actionVersion: '$DEFAULT',
    optional: failure.optional ?? false,
    parameters: {},
    description: 'Emulated launch action (launchActionFailure scenario)',
    category: 'VALIDATION',
  };
}
