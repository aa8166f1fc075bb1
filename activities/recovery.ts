// A real failover's launch: StartRecovery with isDrill=false, exactly once per workflow stage (the
// same lookup-before-issue as the drill's launch, activities/idempotency.ts), and the recovery
// instances it launched. Nothing here terminates anything: a recovery's instances are production.
import type { DrillInstance, DrsTarget, JobView } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { listRecoveryInstances } from './drs-reads';
import { startRecoveryOnce, toDrillInstance, type StartLaunchJobInput } from './jobs';
import { stillWaiting } from './polling';

type StartRecoveryJobInput = StartLaunchJobInput;

export function createRecoveryActivities(clients: AwsClientFactory) {
  /** StartRecovery isDrill=false; a job this stage already created is returned instead of launching twice. */
  async function startRecoveryJob(input: StartRecoveryJobInput): Promise<JobView> {
    return startRecoveryOnce(clients.drsClient(input.region, input.accountId), input, false);
  }

  /**
   * The recovery (non-drill) instances of `launchJobId`, from DescribeRecoveryInstances; retries as
   * a poll until every server in `launchedServerIds` has one (DRS may list it after LAUNCHED).
   */
  async function resolveRecoveryInstances(
    input: DrsTarget & { launchJobId: string; sourceServerIds: string[]; launchedServerIds: string[] },
  ): Promise<DrillInstance[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const instances = (await listRecoveryInstances(client, input.sourceServerIds))
      .filter((i) => i.isDrill !== true && i.jobID === input.launchJobId)
      .map(toDrillInstance);
    const missing = input.launchedServerIds.filter((id) => !instances.some((i) => i.sourceServerId === id));
    if (missing.length > 0) throw stillWaiting(`no recovery instance listed yet for ${missing.join(', ')}`);
    return instances;
  }

  return { startRecoveryJob, resolveRecoveryInstances };
}
