// End to end, a disaster for servers that run in EC2 and the way home: a real Worker (all
// activities, real AWS SDK) on the shared dev server, the DRS emulator in process on its real clock
// (durations scaled down). drsRecovery fails two EC2-originated servers over (confirm), drsReprotect
// reverses them to CONTINUOUS in the origin region, drsFailback brings them home with confirmation
// and terminates the DR-region instances; every server ends replicating in its original direction,
// and each step's report is stored as evidence.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { AwsClientFactory } from '../../activities/drs-client';
import { openEvidenceStore } from '../../common/evidence-store/store';
import type { FailbackReport, RecoveryReport } from '../../common/types-lifecycle';
import type { ReprotectReport } from '../../common/types-reprotect';
import { emulatorCredentials, startEmulator } from '../../emulator';
import { drsFailback, drsRecovery, drsReprotect } from '../../workflows';
import { devServerEnv } from '../helpers/temporal';
import { productWorkflowBundle } from '../helpers/workflow-code';

describe('reprotect and failback of EC2 servers end to end (dev server + worker + emulator)', function () {
  this.timeout(300_000);

  it('fails over, reprotects to CONTINUOUS, fails back home: every server replicates in its original direction', async () => {
    const env = await devServerEnv();
    const emulator = await startEmulator({ timeScale: 0.1 });
    const evidence = mkdtempSync(path.join(tmpdir(), 'reprotect-e2e-'));
    const drsClients = new AwsClientFactory({
      endpoint: emulator.url,
      ec2Endpoint: emulator.url,
      ssmEndpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
    });
    const taskQueue = `reprotect-e2e-${Date.now()}`;
    const id = (name: string) => `${name}-e2e-${Date.now()}`;
    const region = 'us-east-1';
    const run = <I, R>(workflow: (input: I) => Promise<R>, name: string, input: I): Promise<R> =>
      env.client.workflow
        .start(workflow, { args: [input], taskQueue, workflowId: id(name) })
        .then((handle) => handle.result());
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await productWorkflowBundle(),
        activities: createActivities({
          drsClients,
          evidenceStore: openEvidenceStore({ url: pathToFileURL(evidence).href }),
        }),
      });
      await worker.runUntil(async () => {
        const servers = await emulator.control.addServers({ count: 2, ec2Origin: true });
        await emulator.control.scenario({ type: 'reverseReplication', seconds: 20 });

        // 1. the disaster: a confirmed failover into the DR region
        const recovery = await run(drsRecovery, 'recovery', {
          sourceServerIds: servers,
          region,
          confirm: true,
        });
        assert.equal(recovery.outcome, 'SUCCEEDED', recovery.summary);
        const jobId = (recovery as RecoveryReport).launchJobId as string;

        // 2. reprotect: the recovery instances replicate back to the origin region
        const reprotect: ReprotectReport = await run(drsReprotect, 'reprotect', {
          recoveryJobId: jobId,
          region,
          confirm: true,
        });
        assert.equal(reprotect.outcome, 'SUCCEEDED', reprotect.summary);
        for (const s of reprotect.servers) {
          assert.equal(s.result, 'PROTECTED');
          assert.match(s.reversedSourceServerArn ?? '', /^arn:aws:drs:us-west-2:/);
          assert.ok(s.timeToProtectedSeconds !== undefined);
        }

        // 3. failback: home to the origin region, the DR-region instances retired
        const failback: FailbackReport = await run(drsFailback, 'failback', {
          recoveryJobId: jobId,
          region,
          confirm: true,
          terminateRecoveryInstances: true,
        });
        assert.equal(failback.outcome, 'SUCCEEDED', failback.summary);
        assert.equal(failback.path, 'AWS');
        for (const s of failback.servers) {
          assert.equal(s.boot?.result, 'PASSED');
          assert.equal(s.drInstanceTerminated, true);
        }

        const state = await emulator.control.state();
        for (const sourceServerId of servers) {
          const original = state.servers.find((s) => s.sourceServerID === sourceServerId);
          assert.equal(original?.replicationDirection, 'FAILOVER');
          assert.equal(original?.replicationState, 'CONTINUOUS');
        }
        const running = state.recoveryInstances.filter((i) => i.ec2InstanceState !== 'TERMINATED');
        assert.deepEqual(
          running.map((i) => i.region),
          ['us-west-2', 'us-west-2'],
        );
        for (const report of [recovery, reprotect, failback])
          assert.equal(
            (report as { evidence?: { stored: boolean } }).evidence?.stored,
            true,
            report.operation,
          );
      });
    } finally {
      drsClients.destroy();
      await emulator.close();
      rmSync(evidence, { recursive: true, force: true });
    }
  });
});
