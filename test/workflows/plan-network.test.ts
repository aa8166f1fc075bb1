// A drsPlan's network step on the time-skipping server against the DRS emulator: source networks
// recovered as CloudFormation stacks before the waves, a drill's stacks deleted at cleanup, a failed
// network recovery skipping every wave, and networks refused before any recovery. The emulator's
// audit (DRS and CloudFormation calls) is the witness.
import { strict as assert } from 'node:assert';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSourceNetworksCommand } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import { runFolders } from '../../common/evidence-store/runs';
import { emulatorAwsConfig } from '../../emulator';
import type { PlanInput } from '../../common/inputs-plan';
import type { ReadinessReport } from '../../common/readiness';
import type { PlanReport } from '../../common/types-plan';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, workflowId } from './lifecycle-support';
import { declaredDrills } from './visibility';

describe('drsPlan network step (time-skipping server + DRS emulator)', function () {
  this.timeout(180_000);
  let h: DrillHarness;
  // readiness reads last drills from visibility, which the time-skipping server lacks
  useDrillHarness((harness) => (h = harness), { listRuns: declaredDrills().listRuns });

  const startPlan = (input: PlanInput | Record<string, unknown>): Promise<WorkflowHandle> =>
    h.env.client.workflow.start('drsPlan', {
      args: [input],
      taskQueue: h.taskQueue,
      workflowId: workflowId('plan-network'),
    });

  /** Source network ids by their Name tag (prod-app, prod-data PROTECTED; analytics ERROR; sandbox STOPPED). */
  const networks = async (): Promise<Record<string, string>> => {
    await h.syncClock();
    const { items = [] } = await h.drsClient.send(new DescribeSourceNetworksCommand({}));
    return Object.fromEntries(items.map((n) => [n.tags?.Name as string, n.sourceNetworkID as string]));
  };

  const liveStacks = async () => {
    await h.syncClock();
    const cfn = new CloudFormationClient(
      emulatorAwsConfig(h.emulator.url, { region: REGION, maxAttempts: 1 }),
    );
    try {
      const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({}));
      return Stacks.map((s) => `${s.StackName} ${s.StackStatus}`);
    } finally {
      cfn.destroy();
    }
  };

  const twoWaves = [
    { name: 'web', tags: { Wave: '1' } },
    { name: 'db', sourceServerIds: [] as string[], dependsOn: ['web'] },
  ];
  const plan = async (network: Record<string, unknown>) => {
    const state = await h.emulator.control.state();
    const db = state.servers.find((s) => s.hostname === 'db-01' && s.accountId === '111122223333');
    return {
      region: REGION,
      network,
      waves: [twoWaves[0], { ...twoWaves[1], sourceServerIds: [db?.sourceServerID as string] }],
    };
  };

  it('a drill recovers its networks as new stacks before the waves and deletes them at cleanup', async () => {
    const ids = await networks();
    const handle = await startPlan(await plan({ sourceNetworkIds: [ids['prod-app'], ids['prod-data']] }));
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report?.network);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const step = report.network;
    assert.equal(step.mode, 'drill');
    assert.equal(step.status, 'SUCCEEDED', step.reason);
    assert.deepEqual(
      step.preflight.map((n) => n.replicationStatus),
      ['PROTECTED', 'PROTECTED'],
    );
    assert.match(step.jobId ?? '', /^drsjob-/);
    assert.ok((step.durationSeconds ?? 0) > 0);
    for (const n of step.networks) {
      assert.equal(n.launchStatus, 'LAUNCHED');
      assert.equal(n.result, 'SUCCESS');
      assert.match(n.stackName ?? '', /^drs-drill-[0-9a-f]{8}-[12]$/);
      assert.match(n.recoveredVpcId ?? '', /^vpc-/);
    }
    assert.deepEqual(
      step.cleanup?.map((c) => [c.stackName, c.status]),
      step.networks.map((n) => [n.stackName, 'DELETE_COMPLETE']),
    );
    // new stacks under the run's names; the first launch only after the networks were up
    const [start] = await h.executed('StartSourceNetworkRecovery');
    const request = start.request as {
      deployAsNew: boolean;
      sourceNetworks: { cfnStackName: string }[];
      tags: Record<string, string>;
    };
    assert.equal(request.deployAsNew, true);
    assert.deepEqual(
      request.sourceNetworks.map((n) => n.cfnStackName),
      step.networks.map((n) => n.stackName),
    );
    assert.equal(request.tags['temporal-drs:workflow-id'], handle.workflowId);
    const [firstLaunch] = await h.executed('StartRecovery');
    assert.ok(firstLaunch.time >= (step.finishedAt ?? '~'), `${firstLaunch.time} after ${step.finishedAt}`);
    assert.deepEqual(
      report.waves.map((w) => [w.name, w.status]),
      [
        ['web', 'SUCCEEDED'],
        ['db', 'SUCCEEDED'],
      ],
    );
    assert.ok((report.phaseDurations['recovering-networks'] ?? 0) > 0);
    assert.ok((report.phaseDurations['cleaning-up-networks'] ?? 0) > 0);
    // nothing left: no stack, no drill instance; DeleteStack named only the run's own stacks
    assert.deepEqual(await liveStacks(), []);
    assert.deepEqual(await h.drillInstancesLeft(), []);
    const deletes = await h.executed('cloudformation:DeleteStack');
    assert.equal(deletes.length, 2);
    for (const d of deletes)
      assert.match((d.request as { StackName: string }).StackName, /stack\/drs-drill-/);
  });

  it('a failed network recovery starts no wave, fails the plan and still deletes the rolled-back stack', async () => {
    const ids = await networks();
    await h.emulator.control.scenario({
      type: 'networkRecoveryFailure',
      sourceNetworkIds: [ids['prod-data']],
    });
    const handle = await startPlan(await plan({ sourceNetworkIds: [ids['prod-app'], ids['prod-data']] }));
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report?.network);
    assert.equal(report.outcome, 'FAILED');
    assert.equal(report.network.status, 'FAILED');
    assert.match(report.network.reason ?? '', new RegExp(`${ids['prod-data']} FAILED: .*CIDR conflicts`));
    for (const wave of report.waves) {
      assert.equal(wave.status, 'SKIPPED');
      assert.match(wave.reason ?? '', /network step failed/);
    }
    assert.deepEqual(await h.executed('StartRecovery'), []);
    assert.deepEqual(
      report.network.cleanup?.map((c) => c.status),
      ['DELETE_COMPLETE', 'DELETE_COMPLETE'],
    );
    assert.deepEqual(await liveStacks(), []);
    assert.match(report.summary, /^network: FAILED/);
  });

  it('refuses an unknown network naming the field, and a drill of an unprotected network, before any recovery', async () => {
    const ids = await networks();
    const unknown = await startPlan(
      await plan({ sourceNetworkIds: [ids['prod-app'], 'sn-0000000000000000a'] }),
    );
    const { failure } = await resultOf<PlanReport>(h, unknown);
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(
      failure?.message ?? '',
      /network\.sourceNetworkIds\.1: sn-0000000000000000a is not a source network in us-east-1/,
    );
    // the refusal leaves evidence, as every refused input does
    const [folder] = await runFolders(h.evidenceStore, unknown.workflowId);
    const stored = JSON.parse(((await h.evidenceStore.get(`${folder}report.json`)) as Buffer).toString()) as {
      endedWithoutReport?: string;
      errors: string[];
    };
    assert.equal(stored.endedWithoutReport, 'invalid-input');
    assert.match(stored.errors[0], /^network\.sourceNetworkIds\.1: /);
    const badId = await startPlan(await plan({ sourceNetworkIds: ['vpc-0123456789abcdef0'] }));
    const refused = await resultOf<PlanReport>(h, badId);
    assert.equal(refused.failure?.type, 'InvalidInput');
    assert.match(
      refused.failure?.message ?? '',
      /network\.sourceNetworkIds\.0: must be a DRS source network id/,
    );

    const unprotected = await startPlan(
      await plan({ sourceNetworkIds: [ids['prod-app'], ids.analytics, ids.sandbox] }),
    );
    const { result: report } = await resultOf<PlanReport>(h, unprotected);
    assert.ok(report?.network);
    assert.equal(report.outcome, 'FAILED');
    assert.equal(report.network.status, 'REFUSED');
    assert.match(
      report.network.reason ?? '',
      new RegExp(`${ids.analytics} replication ERROR \\(.*ec2:DescribeVpcs\\)`),
    );
    assert.match(report.network.reason ?? '', new RegExp(`${ids.sandbox} replication STOPPED`));
    assert.ok(report.waves.every((w) => w.status === 'SKIPPED'));
    assert.deepEqual(await h.executed('StartSourceNetworkRecovery'), []);
    assert.deepEqual(await h.executed('StartRecovery'), []);
  });

  it('a failover plan recovers the networks in place, warns of an unprotected one, and deletes no stack', async () => {
    const ids = await networks();
    const input = await plan({ sourceNetworkIds: [ids['prod-app'], ids.analytics] });
    const handle = await startPlan({
      ...input,
      confirm: true,
      waves: input.waves.map((w) => ({ ...w, action: 'recovery' })),
    });
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report?.network);
    assert.equal(report.network.mode, 'recovery');
    assert.equal(report.network.status, 'SUCCEEDED', report.network.reason);
    assert.deepEqual(report.network.warnings.length, 1);
    assert.match(report.network.warnings[0], new RegExp(`${ids.analytics} replication ERROR`));
    assert.equal(report.network.cleanup, undefined);
    const [start] = await h.executed('StartSourceNetworkRecovery');
    assert.equal((start.request as { deployAsNew: boolean }).deployAsNew, false);
    assert.deepEqual(await h.executed('cloudformation:DeleteStack'), []);
    assert.deepEqual(
      (await liveStacks()).sort(),
      [
        `drs-network-${ids.analytics} CREATE_COMPLETE`,
        `drs-network-${ids['prod-app']} CREATE_COMPLETE`,
      ].sort(),
    );
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
  });

  it('drsReadiness of a plan file with a network step shows unprotected and unknown networks', async () => {
    const ids = await networks();
    const input = await plan({ sourceNetworkIds: [ids['prod-app'], ids.analytics, 'sn-0000000000000000a'] });
    const handle = await h.env.client.workflow.start('drsReadiness', {
      args: [input],
      taskQueue: h.taskQueue,
      workflowId: workflowId('readiness-network'),
    });
    const { result: report, failure } = await resultOf<ReadinessReport>(h, handle);
    assert.ifError(failure);
    assert.ok(report?.networks);
    assert.deepEqual(
      report.networks.map((n) => [n.sourceNetworkId, n.status, n.replicationStatus]),
      [
        [ids['prod-app'], 'READY', 'PROTECTED'],
        [ids.analytics, 'AT_RISK', 'ERROR'],
        ['sn-0000000000000000a', 'NOT_READY', undefined],
      ],
    );
    assert.match(report.networks[1].reason ?? '', /replication ERROR: .*ec2:DescribeVpcs/);
    assert.equal(report.outcome, 'NOT_READY');
    assert.match(report.summary, /network sn-0000000000000000a: not a source network here/);
    // readiness only reads
    assert.deepEqual(await h.executed('StartSourceNetworkRecovery'), []);
  });

  it("without named networks, recovers those protecting the plan's servers, and refuses a plan whose servers have none", async () => {
    const ids = await networks();
    // db-01 (EC2-originated) runs in prod-data's VPC; web-01 and web-02 come from on premises
    const handle = await startPlan(await plan({}));
    const { result: report, failure } = await resultOf<PlanReport>(h, handle);
    assert.ifError(failure);
    assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
    assert.deepEqual(
      report?.network?.networks.map((n) => [n.sourceNetworkId, n.launchStatus]),
      [[ids['prod-data'], 'LAUNCHED']],
    );
    const none = await startPlan({ region: REGION, network: {}, waves: [twoWaves[0]] });
    const refused = await resultOf<PlanReport>(h, none);
    assert.equal(refused.failure?.type, 'InvalidInput');
    assert.match(
      refused.failure?.message ?? '',
      /network\.sourceNetworkIds: none of the plan's 2 servers is in a VPC protected by a source network/,
    );
  });
});
