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
export function actionsFor(partition: Partition, server: SourceServerRecord): LaunchActionRecord[] {
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
  const actions = server.launchConfiguration.postLaunchEnabled ? actionsFor(partition, server) : [];
  let t = at;
  for (const { seq: _seq, resourceId: _resource, ...action } of actions) {
    const run: LaunchActionRunRecord = { action, runId: ids.uuid(store.rng), status: 'IN_PROGRESS' };
    runs.push(run);
    t += store.duration((d) => d.commandRun);
    store.schedule(t, () => {
      run.status = 'SUCCEEDED';
    });
  }
}
