// End to end: a real Worker (all activities, real AWS SDK) on the shared dev server, the DRS
// emulator in process on its real clock. A three-server drill completes and leaves no drill
// instances behind.
import { strict as assert } from 'node:assert';
import { DrsClient } from '@aws-sdk/client-drs';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { AwsClientFactory } from '../../activities/drs-client';
import { emulatorClientConfig, emulatorCredentials, pickHealthyServers, startEmulator } from '../../emulator';
import { drsDrill } from '../../workflows';
import { drillProgressQuery } from '../../workflows/messages';
import { devServerEnv } from '../helpers/temporal';
import { productWorkflowBundle } from '../helpers/workflow-code';

describe('drill end to end (dev server + worker + emulator)', function () {
  this.timeout(180_000);

  it('runs a three-server drill to SUCCEEDED and leaves no drill instances', async () => {
    const env = await devServerEnv();
    // a fifth of the demo durations: launch and terminate jobs take a few seconds each
    const emulator = await startEmulator({ timeScale: 0.2 });
    const drsClients = new AwsClientFactory({
      endpoint: emulator.url,
      ec2Endpoint: emulator.url,
      ssmEndpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
    });
    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const taskQueue = `drill-e2e-${Date.now()}`;
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await productWorkflowBundle(),
        activities: createActivities({ drsClients }),
      });
      const servers = await pickHealthyServers(drsClient, 3);
      const workflowId = `drill-e2e-${Date.now()}`;
      const phases = new Set<string>();
      const report = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(drsDrill, {
          args: [
            { sourceServerIds: servers, region: 'us-east-1', validation: { mode: 'hold', holdSeconds: 2 } },
          ],
          taskQueue,
          workflowId,
        });
        const result = handle.result();
        const watching = (async () => {
          for (;;) {
            const progress = await handle.query(drillProgressQuery).catch(() => undefined);
            if (progress) phases.add(progress.phase);
            if (progress?.phase === 'done') return;
            await new Promise((r) => setTimeout(r, 500));
          }
        })();
        const done = await result;
        await watching;
        return done;
      });

      assert.equal(report.outcome, 'SUCCEEDED', report.summary);
      assert.deepEqual(report.servers.map((s) => s.sourceServerId).sort(), [...servers].sort());
      for (const s of report.servers) {
        assert.equal(s.launchStatus, 'LAUNCHED');
        assert.equal(s.terminated, true);
        assert.ok((s.timeToLaunchSeconds ?? 0) > 0);
      }
      assert.ok(phases.has('launching') && phases.has('cleaning-up'), `phases seen: ${[...phases]}`);

      const state = await emulator.control.state();
      assert.deepEqual(
        state.recoveryInstances.filter((i) => i.isDrill),
        [],
        'no drill instances remain',
      );
      const executed = async (operation: string) =>
        (await emulator.control.audit({ operation })).filter((e) => e.statusCode < 300 || e.dropped).length;
      assert.equal(await executed('StartRecovery'), 1);
      assert.equal(await executed('TerminateRecoveryInstances'), 1);

      const { searchAttributes } = await env.client.workflow.getHandle(workflowId).describe();
      assert.deepEqual(searchAttributes.DrsOutcome, ['SUCCEEDED']);
      assert.deepEqual(searchAttributes.DrsPhase, ['done']);
      assert.deepEqual(searchAttributes.DrsOperation, ['drill']);
    } finally {
      drsClient.destroy();
      drsClients.destroy();
      await emulator.close();
    }
  });
});
