// End to end, the DR lifecycle beside drills: a real Worker (all activities, real AWS SDK) on the
// shared dev server, the DRS emulator in process on its real clock (durations scaled down).
// drsReplication repairs a stalled server, drsRecovery fails two servers over after an `approve`,
// drsReplication refuses to disconnect them, drsFailback brings them back; search attributes and
// the emulator's audit are checked along the way.
import { strict as assert } from 'node:assert';
import { DrsClient } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { AwsClientFactory } from '../../activities/drs-client';
import type {
  FailbackReport,
  RecoveryProgress,
  RecoveryReport,
  ReplicationReport,
} from '../../common/types-lifecycle';
import { emulatorClientConfig, emulatorCredentials, pickHealthyServers, startEmulator } from '../../emulator';
import { drsFailback, drsRecovery, drsReplication } from '../../workflows';
import { recoveryProgressQuery } from '../../workflows/messages';
import { devServerEnv } from '../helpers/temporal';
import { productWorkflowBundle } from '../helpers/workflow-code';

describe('recovery, failback and replication end to end (dev server + worker + emulator)', function () {
  this.timeout(240_000);

  it('repairs, fails over on approval, refuses a disconnect, fails back', async () => {
    const env = await devServerEnv();
    const emulator = await startEmulator({ timeScale: 0.1 });
    const drsClients = new AwsClientFactory({
      endpoint: emulator.url,
      ec2Endpoint: emulator.url,
      ssmEndpoint: emulator.url,
      defaultRegion: 'us-east-1',
      credentialsFor: emulatorCredentials,
    });
    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const taskQueue = `lifecycle-e2e-${Date.now()}`;
    const id = (name: string) => `${name}-e2e-${Date.now()}`;
    const region = 'us-east-1';
    const attributes = async (handle: WorkflowHandle) => (await handle.describe()).searchAttributes;
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await productWorkflowBundle(),
        activities: createActivities({ drsClients }),
      });
      await worker.runUntil(async () => {
        // 1. repair the STALLED server
        const state = await emulator.control.state();
        const stalled = state.servers.find(
          (s) => s.hostname === 'batch-01' && s.accountId === '111122223333',
        );
        assert.ok(stalled);
        await emulator.control.scenario({ type: 'replicationCatchUp', seconds: 8 });
        const repair = await env.client.workflow.start(drsReplication, {
          args: [{ action: 'repair', region, sourceServerIds: [stalled.sourceServerID] }],
          taskQueue,
          workflowId: id('repair'),
        });
        const repaired: ReplicationReport = await repair.result();
        assert.equal(repaired.outcome, 'SUCCEEDED', repaired.summary);
        assert.equal(repaired.servers[0].stateAfter, 'CONTINUOUS');
        assert.deepEqual((await attributes(repair)).DrsOperation, ['replication-repair']);

        // 2. fail two servers over, once approved
        const servers = await pickHealthyServers(drsClient, 2);
        await emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 5 });
        const recovery = await env.client.workflow.start(drsRecovery, {
          args: [{ sourceServerIds: servers, region }],
          taskQueue,
          workflowId: id('recovery'),
        });
        for (;;) {
          const progress: RecoveryProgress = await recovery.query(recoveryProgressQuery);
          if (progress.awaitingApproval) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.deepEqual((await attributes(recovery)).DrsPhase, ['awaiting-approval']);
        assert.equal((await emulator.control.audit({ operation: 'StartRecovery' })).length, 0);
        await recovery.signal('approve', { by: 'e2e' });
        const recovered: RecoveryReport = await recovery.result();
        assert.equal(recovered.outcome, 'SUCCEEDED', recovered.summary);
        assert.equal(recovered.approvedBy, 'e2e');
        const attrs = await attributes(recovery);
        assert.deepEqual(attrs.DrsOutcome, ['SUCCEEDED']);
        assert.deepEqual([...(attrs.DrsSourceServers as string[])].sort(), [...servers].sort());

        // 3. a server with a recovery instance cannot be disconnected: refused, no call made
        const disconnect = await env.client.workflow.start(drsReplication, {
          args: [{ action: 'disconnect', confirm: true, region, sourceServerIds: [servers[0]] }],
          taskQueue,
          workflowId: id('disconnect'),
        });
        await assert.rejects(disconnect.result(), (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError);
          assert.match(err.cause?.message ?? '', /has recovery instance/);
          return true;
        });
        assert.equal((await emulator.control.audit({ operation: 'DisconnectSourceServer' })).length, 0);

        // 4. fail back everything the recovery launched
        const failback = await env.client.workflow.start(drsFailback, {
          args: [{ recoveryJobId: recovered.launchJobId, region }],
          taskQueue,
          workflowId: id('failback'),
        });
        const failedBack: FailbackReport = await failback.result();
        assert.equal(failedBack.outcome, 'SUCCEEDED', failedBack.summary);
        assert.deepEqual(failedBack.servers.map((s) => s.sourceServerId).sort(), [...servers].sort());
        for (const s of failedBack.servers) assert.equal(s.failbackState, 'FAILBACK_COMPLETED');
        assert.equal((await emulator.control.audit({ operation: 'StartFailbackLaunch' })).length, 1);
        assert.equal((await emulator.control.audit({ operation: 'TerminateRecoveryInstances' })).length, 0);
      });
    } finally {
      drsClient.destroy();
      drsClients.destroy();
      await emulator.close();
    }
  });
});
