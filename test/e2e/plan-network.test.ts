// A plan with a network step on the local stack: the real worker process (DRS_EMULATOR, its
// CloudFormation calls to the emulator by default) on the dev server with the emulator. A failover
// plan recovers two source networks, then fails over EC2-originated servers in two waves; a drill
// plan with a network step leaves no stack and no drill instance behind. Each run's report, network
// step included, is in the evidence store.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeRecoveryInstancesCommand,
  DescribeSourceNetworksCommand,
  DrsClient,
} from '@aws-sdk/client-drs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PlanReport } from '../../common/types-plan';
import { emulatorAwsConfig, emulatorClientConfig, type RunningEmulator } from '../../emulator';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

/** Every file named `name` under `dir`. */
function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesNamed(full, name);
    return entry.name === name ? [full] : [];
  });
}

describe('plan with a network step end to end (dev server, worker process, emulator)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  let drs: DrsClient;
  let cfn: CloudFormationClient;
  const data = mkdtempSync(path.join(tmpdir(), 'plan-network-e2e-'));
  const taskQueue = `plan-network-e2e-${Date.now()}`;

  before(async () => {
    stack = await startWorkerStack(taskQueue, { DRS_EMULATOR: 'true', TEMPORAL_DRS_DATA: data });
    ({ env, emulator } = stack);
    drs = new DrsClient(emulatorClientConfig(emulator.url));
    cfn = new CloudFormationClient(emulatorAwsConfig(emulator.url, { region: 'us-east-1', maxAttempts: 1 }));
  });
  after(async () => {
    drs?.destroy();
    cfn?.destroy();
    await stack?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const protectedNetworks = async () => {
    const { items = [] } = await drs.send(new DescribeSourceNetworksCommand({}));
    return items.filter((n) => n.replicationStatus === 'PROTECTED').map((n) => n.sourceNetworkID as string);
  };

  const runPlan = async (input: Record<string, unknown>): Promise<PlanReport> => {
    const handle = await env.client.workflow.start('drsPlan', {
      args: [input],
      taskQueue,
      workflowId: `plan-network-e2e-${Date.now()}`,
    });
    return (await handle.result()) as PlanReport;
  };

  /** The report.json the run stored, as the evidence store keeps it. */
  const storedReport = (workflowId: string): PlanReport =>
    JSON.parse(storedFile(workflowId, 'report.json')) as PlanReport;

  /** A file of the run's evidence folder. */
  const storedFile = (workflowId: string, name: string): string => {
    // <store>/<account>/<region>/plan/<yyyy>/<mm>/<dd>/<workflowId>/<runId>/report.json (children have their own)
    const [file] = filesNamed(path.join(data, 'evidence'), 'report.json').filter(
      (f) =>
        f.includes(`${path.sep}plan${path.sep}`) &&
        f.includes(`${path.sep}${encodeURIComponent(workflowId)}${path.sep}`),
    );
    assert.ok(file, `evidence of ${workflowId}`);
    return readFileSync(path.join(path.dirname(file), name), 'utf8');
  };

  it('fails over EC2-originated servers in two waves after recovering their networks', async () => {
    const state = await emulator.control.state();
    const db = state.servers.find((s) => s.hostname === 'db-01' && s.accountId === '111122223333');
    const wave2 = await emulator.control.addServers({ count: 2, ec2Origin: true, tags: { Wave: 'ec2-2' } });
    // no ids named: the networks protecting the plan's servers (db-01's prod-data, the others' prod-app)
    const networks = await protectedNetworks();
    const report = await runPlan({
      region: 'us-east-1',
      confirm: true,
      network: {},
      waves: [
        { name: 'data', action: 'recovery', sourceServerIds: [db?.sourceServerID] },
        { name: 'apps', action: 'recovery', tags: { Wave: 'ec2-2' }, dependsOn: ['data'] },
      ],
    });
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(report.network?.mode, 'recovery');
    assert.equal(report.network?.status, 'SUCCEEDED');
    assert.deepEqual(
      report.network?.networks.map((n) => [n.sourceNetworkId, n.launchStatus, n.result]),
      [...networks].sort().map((id) => [id, 'LAUNCHED', 'SUCCESS']),
    );
    assert.deepEqual(
      report.waves.map((w) => [w.name, w.status]),
      [
        ['data', 'SUCCEEDED'],
        ['apps', 'SUCCEEDED'],
      ],
    );
    const launched = report.servers.map((s) => s.sourceServerId).sort();
    assert.deepEqual(launched, [db?.sourceServerID as string, ...wave2].sort());
    // every server came from EC2 and now has a (non-drill) recovery instance
    const { items = [] } = await drs.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: launched } }),
    );
    assert.deepEqual(
      items.map((i) => [i.originEnvironment, i.isDrill]),
      launched.map(() => ['AWS', false]),
    );
    // a failover keeps its stacks: the recovered networks stay
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({}));
    assert.equal(Stacks.filter((s) => s.StackStatus === 'CREATE_COMPLETE').length, networks.length);
    const stored = storedReport(report.workflowId);
    assert.equal(stored.network?.jobId, report.network?.jobId);
    assert.deepEqual(stored.network?.networks, report.network?.networks);
  });

  it('a drill plan with a network step leaves no stack and no drill instance behind', async () => {
    await emulator.control.reset();
    const before = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    assert.deepEqual(before, []);
    const report = await runPlan({
      region: 'us-east-1',
      network: { sourceNetworkIds: await protectedNetworks() },
      waves: [{ name: 'web', tags: { Wave: '1' } }],
    });
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(report.network?.mode, 'drill');
    assert.deepEqual(
      report.network?.cleanup?.map((c) => c.status),
      ['DELETE_COMPLETE', 'DELETE_COMPLETE'],
    );
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({}));
    assert.deepEqual(Stacks, []);
    const state = await emulator.control.state();
    assert.deepEqual(
      state.recoveryInstances.filter((i) => i.isDrill && i.ec2InstanceState !== 'TERMINATED'),
      [],
    );
    assert.deepEqual(storedReport(report.workflowId).network?.cleanup, report.network?.cleanup);
    // the evidence page and the Markdown report show the step, a row per network
    const markdown = storedFile(report.workflowId, 'report.md');
    assert.match(markdown, new RegExp(`Network step \\(drill\\): SUCCEEDED, job ${report.network?.jobId}`));
    for (const n of report.network?.networks ?? [])
      assert.match(
        markdown,
        new RegExp(
          `\\| ${n.sourceNetworkId} \\| PROTECTED \\| LAUNCHED \\| SUCCESS \\| ${n.stackName} .*DELETE_COMPLETE`,
        ),
      );
    assert.match(storedFile(report.workflowId, 'report.html'), /<h2>Network step<\/h2>/);
  });
});
