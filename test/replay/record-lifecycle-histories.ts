// Records drsRecovery, drsFailback, drsReprotect, drsReplication, drsPlan, drsReadiness, drsReconcile and drsExtend histories for the
// replay test (the drsDrill ones come from record-drill-histories.ts): a few scenarios each on the
// time-skipping server against the emulator, written to test/histories/<workflowType>-<scenario>.json.
// Run it after changing a workflow's shape on purpose (and commit the new files):
//   npx tsc -p tsconfig.json && node dist/test/replay/record-lifecycle-histories.js [scenario ...]
import { DescribeSourceNetworksCommand, StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import { abortSignal, approveSignal } from '../../workflows/messages';
import { REGION, type DrillHarness } from '../helpers/drill-harness';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT } from '../../emulator';
import { serverId } from '../workflows/lifecycle-support';
import { declaredDrills } from '../workflows/visibility';
import { main } from './recorder';

const visibility = declaredDrills();

type Start = (
  h: DrillHarness,
  workflowType: string,
  input: Record<string, unknown>,
) => Promise<WorkflowHandle>;
type Scenario = (h: DrillHarness, start: Start) => Promise<WorkflowHandle>;

/** Launches outside any workflow and lets the job finish; the job id. */
async function launchedJob(h: DrillHarness, isDrill: boolean, count: number): Promise<string> {
  const servers = await h.healthyServers(count);
  const { job } = await h.drsClient.send(
    new StartRecoveryCommand({ isDrill, sourceServers: servers.map((id) => ({ sourceServerID: id })) }),
  );
  await h.sleep(180_000);
  await h.syncClock();
  return job?.jobID ?? '';
}

/** A failover of `count` new servers that ran in EC2 in us-west-2, outside any workflow; the job id. */
async function ec2RecoveryJob(h: DrillHarness, count: number): Promise<string> {
  const servers = await h.emulator.control.addServers({ count, ec2Origin: true });
  const { job } = await h.drsClient.send(
    new StartRecoveryCommand({ sourceServers: servers.map((id) => ({ sourceServerID: id })) }),
  );
  await h.sleep(180_000);
  await h.syncClock();
  return job?.jobID ?? '';
}

const awaitingApproval = (p: { awaitingApproval?: boolean | string[] }) =>
  Array.isArray(p.awaitingApproval) ? p.awaitingApproval.length > 0 : p.awaitingApproval === true;

/** A failover to a point in time a year back: no snapshot is that old, so preflight refuses. */
const pointInTimeRefused: Scenario = async (h, start) =>
  start(h, 'drsRecovery', {
    sourceServerIds: await h.healthyServers(1),
    region: REGION,
    confirm: true,
    pointInTime: { secondsAgo: 365 * 86400 },
  });

/** Reprotected EC2 servers failed back home, their DR instances terminated. */
const ec2Home: Scenario = async (h, start) => {
  await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 3600 });
  const recoveryJobId = await ec2RecoveryJob(h, 2);
  const reprotect = await h.env.client.workflow.start('drsReprotect', {
    args: [{ recoveryJobId, region: REGION, confirm: true }],
    taskQueue: h.taskQueue,
    workflowId: `drsFailback-ec2-home-reprotect-${Date.now()}`,
  });
  await reprotect.result();
  return start(h, 'drsFailback', {
    recoveryJobId,
    region: REGION,
    confirm: true,
    terminateRecoveryInstances: true,
  });
};

const scenarios: Record<string, Record<string, Scenario>> = {
  drsRecovery: {
    confirmed: async (h, start) =>
      start(h, 'drsRecovery', { sourceServerIds: await h.healthyServers(2), region: REGION, confirm: true }),
    approved: async (h, start) => {
      const handle = await start(h, 'drsRecovery', {
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
      });
      await h.waitForProgress(handle, awaitingApproval);
      await handle.signal(approveSignal, { by: 'recorder' });
      return handle;
    },
    'not-confirmed': async (h, start) =>
      start(h, 'drsRecovery', {
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
        approvalTimeoutSeconds: 60,
      }),
    // the same run before and after the point in time was chosen once (workflows/patches.ts
    // pointInTimeOnce): the first file was recorded when the refusal named the server twice
    'point-in-time-refused': pointInTimeRefused,
    'point-in-time-refused-once': pointInTimeRefused,
    // since runs that end without their report store a minimal one (PATCHES.evidenceEveryEnd)
    'cancelled-at-gate': async (h, start) => {
      const handle = await start(h, 'drsRecovery', {
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
      });
      await h.waitForProgress(handle, awaitingApproval);
      await handle.cancel();
      return handle;
    },
  },
  drsFailback: {
    'ready-after-hours': async (h, start) => {
      await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 2 * 3600 });
      return start(h, 'drsFailback', { recoveryJobId: await launchedJob(h, false, 2), region: REGION });
    },
    'drill-instance-refused': async (h, start) => {
      const jobId = await launchedJob(h, true, 1);
      const state = await h.emulator.control.state();
      const ids = state.recoveryInstances.filter((i) => i.jobID === jobId).map((i) => i.recoveryInstanceID);
      return start(h, 'drsFailback', { recoveryInstanceIds: ids, region: REGION });
    },
    // since failbacks notify: the run-end notice of a refusal
    'unknown-job-refused': (h, start) =>
      start(h, 'drsFailback', { recoveryJobId: 'drsjob-00000000000000000', region: REGION }),
    // the EC2 path (patched 'failback-ec2-path'): reprotected servers home, DR instances terminated
    // (recorded before PATCHES.failbackRetireQueued: the terminate job took no capacity place)
    'ec2-home': ec2Home,
    // since the terminate job takes a place in the DR region's capacity queue (failbackRetireQueued)
    'ec2-home-retire-queued': ec2Home,
  },
  drsReprotect: {
    'reversed-after-hours': async (h, start) => {
      await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 3 * 3600 });
      return start(h, 'drsReprotect', {
        recoveryJobId: await ec2RecoveryJob(h, 2),
        region: REGION,
        confirm: true,
      });
    },
    'stopped-by-abort': async (h, start) => {
      await h.emulator.control.scenario({ type: 'reverseReplication', seconds: 6 * 3600 });
      const handle = await start(h, 'drsReprotect', {
        recoveryJobId: await ec2RecoveryJob(h, 1),
        region: REGION,
        confirm: true,
      });
      await h.sleep(2 * 3600_000);
      await handle.signal(abortSignal, { reason: 'recorder: origin region not ready' });
      return handle;
    },
  },
  drsReplication: {
    // an extended server stalled in its staging account: repaired there (patch replication-in-staging-account)
    'repair-extended': async (h, start) => {
      const staged = await serverId(h, 'stg-app-01', '444455556666');
      await h.emulator.control.scenario({
        type: 'replicationState',
        sourceServerIds: [staged],
        state: 'STALLED',
      });
      return start(h, 'drsReplication', {
        action: 'repair',
        region: REGION,
        sourceServerIds: [await serverId(h, 'stg-app-01')],
      });
    },
    repair: async (h, start) =>
      start(h, 'drsReplication', {
        action: 'repair',
        sourceServerIds: [await serverId(h, 'batch-01')],
        region: REGION,
      }),
    'stop-confirmed': async (h, start) =>
      start(h, 'drsReplication', {
        action: 'stop',
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
        confirm: true,
      }),
    // since replication runs notify: the run-end notice, and the notice of a run refused for bad input
    'disconnect-confirmed': async (h, start) =>
      start(h, 'drsReplication', {
        action: 'disconnect',
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
        confirm: true,
      }),
    'stop-unconfirmed': async (h, start) =>
      start(h, 'drsReplication', {
        action: 'stop',
        sourceServerIds: await h.healthyServers(1),
        region: REGION,
      }),
    // since a run refused for bad input stores its evidence (PATCHES.evidenceEveryEnd)
    'bad-input-evidence': (h, start) =>
      start(h, 'drsReplication', {
        action: 'repair',
        sourceServerIds: ['web-01'],
        region: REGION,
      }),
    'bad-input': (h, start) =>
      start(h, 'drsReplication', {
        action: 'disconnect',
        sourceServerIds: ['s-00000000000000000'],
        region: REGION,
      }),
  },
  drsPlan: {
    'two-waves': (h, start) =>
      start(h, 'drsPlan', {
        region: REGION,
        waves: [
          { name: 'web', tags: { Wave: '1' } },
          { name: 'app', tags: { Wave: '2' }, maxServersPerChild: 1, maxChildrenAtOnce: 2 },
        ],
      }),
    'abort-at-gate': async (h, start) => {
      const handle = await start(h, 'drsPlan', {
        region: REGION,
        waves: [
          { name: 'web', tags: { Wave: '1' } },
          { name: 'app', tags: { Wave: '2' }, pauseBefore: true },
        ],
      });
      await h.waitForProgress(handle, awaitingApproval);
      await handle.signal(abortSignal, { reason: 'recorded abort' });
      return handle;
    },
    'failed-wave-skips': async (h, start) =>
      start(h, 'drsPlan', {
        region: REGION,
        waves: [
          { name: 'legacy', sourceServerIds: [await serverId(h, 'legacy-01')] },
          { name: 'web', tags: { Wave: '1' } },
        ],
      }),
    'bad-input': (h, start) =>
      start(h, 'drsPlan', { region: REGION, waves: [{ name: 'a', tags: { Wave: '1' }, dependsOn: ['a'] }] }),
    // since plans store their evidence (PATCHES.evidenceStore): its drill child stores its own
    'evidence-stored': async (h, start) =>
      start(h, 'drsPlan', {
        region: REGION,
        waves: [{ name: 'web', sourceServerIds: await h.healthyServers(1) }],
      }),
    // a drill with a network step: two networks recovered as new stacks, one wave, the stacks deleted
    'network-drill': async (h, start) => {
      await h.syncClock();
      const { items = [] } = await h.drsClient.send(new DescribeSourceNetworksCommand({}));
      const protectedIds = items
        .filter((n) => n.replicationStatus === 'PROTECTED')
        .map((n) => n.sourceNetworkID);
      return start(h, 'drsPlan', {
        region: REGION,
        network: { sourceNetworkIds: protectedIds },
        waves: [{ name: 'web', tags: { Wave: '1' } }],
      });
    },
    'pre-check-fails': async (h, start) =>
      start(h, 'drsPlan', {
        region: REGION,
        waves: [
          {
            name: 'app',
            sourceServerIds: [await serverId(h, 'app-01')],
            // nothing listens on port 1: the check fails until its deadline
            preChecks: { checks: [{ type: 'tcp', port: 1 }], hosts: ['127.0.0.1'], timeoutSeconds: 120 },
          },
          { name: 'web', sourceServerIds: [await serverId(h, 'web-01')] },
        ],
      }),
    // waves in the staging account and in another region, and one selected by staging account
    'across-accounts': async (h, start) => {
      await h.emulator.control.addServers({ count: 1, region: 'us-west-2' }); // seeds us-west-2
      const west = (await h.emulator.control.state()).servers.find(
        (s) => s.hostname === 'web-01' && s.region === 'us-west-2' && s.accountId === DEFAULT_ACCOUNT,
      );
      return start(h, 'drsPlan', {
        region: REGION,
        waves: [
          { name: 'db', sourceServerIds: [await serverId(h, 'db-01')] },
          {
            name: 'staging',
            accountId: STAGING_ACCOUNT,
            sourceServerIds: [await serverId(h, 'stg-app-02', STAGING_ACCOUNT)],
          },
          {
            name: 'west',
            sourceServers: [{ sourceServerId: west?.sourceServerID ?? '', region: 'us-west-2' }],
          },
          { name: 'extended', stagingAccountIds: [STAGING_ACCOUNT] },
        ],
      });
    },
  },
  drsReadiness: {
    // the staging accounts read too (patch readiness-estate): an extension broken by the scenario
    'estate-extension-error': async (h, start) => {
      const extended = await serverId(h, 'stg-app-01');
      await h.emulator.control.scenario({ type: 'extensionError', sourceServerIds: [extended] });
      return start(h, 'drsReadiness', { region: REGION, sourceServerIds: [extended] });
    },
    // a plan file: a tagged wave (web-01, web-02) drilled a day ago, and a wave with a STALLED server
    'not-ready-plan': async (h, start) => {
      const web = await Promise.all(['web-01', 'web-02'].map((host) => serverId(h, host)));
      const closeTime = new Date((await h.env.currentTimeMs()) - 24 * 3600 * 1000);
      for (const id of web) visibility.declare(id, { workflowId: `drill-of-${id}`, closeTime });
      return start(h, 'drsReadiness', {
        region: REGION,
        waves: [
          { name: 'web', tags: { Wave: '1' } },
          { name: 'batch', sourceServerIds: [await serverId(h, 'batch-01')] },
        ],
      });
    },
    // since readiness stores its evidence and reads the last drill from the store
    'evidence-stored': async (h, start) => {
      const servers = await h.healthyServers(1);
      await h.result(
        await h.startDrill({ sourceServerIds: servers, region: REGION }, 'drsReadiness-evidence-drill'),
      );
      return start(h, 'drsReadiness', { sourceServerIds: servers, region: REGION });
    },
  },
  drsExtend: {
    // the staging account's two extensible servers extended into the default account
    'staging-account': (h, start) =>
      start(h, 'drsExtend', { region: REGION, stagingAccountIds: ['444455556666'], confirm: true }),
  },
  drsReconcile: {
    // a drill terminated mid-validation leaves two drill instances; an hour later they are terminated
    'terminated-drill': async (h, start) => {
      const drill = await h.startDrill(
        {
          sourceServerIds: await h.healthyServers(2),
          region: REGION,
          validation: { mode: 'hold', holdSeconds: 6 * 3600 },
        },
        'drsReconcile-terminated-drill-leaked',
      );
      await h.waitForProgress(drill, (p: { phase: string }) => p.phase === 'validating');
      await drill.terminate('recorder: a drill terminated from the CLI');
      await h.sleep(3600_000);
      return start(h, 'drsReconcile', { region: REGION });
    },
  },
};

// the file name is the workflow id: the replay test replays under it (drsPlan's child ids derive from it)
main(
  Object.entries(scenarios).flatMap(([workflowType, byName]) =>
    Object.entries(byName).map(([name, run]) => ({
      name,
      file: `${workflowType}-${name}.json`,
      run: (h: DrillHarness) =>
        run(h, (harness, type, input) =>
          harness.env.client.workflow.start(type, {
            args: [input],
            taskQueue: harness.taskQueue,
            workflowId: `${workflowType}-${name}`,
          }),
        ),
    })),
  ),
  { listRuns: visibility.listRuns },
);
