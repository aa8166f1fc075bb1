// drsReconcile on the time-skipping server against the emulator through the real SDK: a drill
// terminated mid-validation leaves its drill instances (nothing in that run comes back for them);
// the reconciler terminates exactly those, keeps a running drill's, and only reports a drill
// instance launched outside this product (no tags). A dry run and a long grace period terminate nothing.
import assert from 'node:assert/strict';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { ReconcileInput, ReconcileReport } from '../../common/reconcile';
import type { DrillProgress } from '../../common/types';
import { drsReconcile, type drsDrill } from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { useWebhookReceiver } from '../helpers/webhook-receiver';
import { launchedOutside, resultOf, startOn } from './lifecycle-support';

const HOUR_MS = 3600 * 1000;

describe('drsReconcile (time-skipping, emulator)', function () {
  this.timeout(600_000);
  let h: DrillHarness;
  const receiver = useWebhookReceiver();
  useDrillHarness((harness) => (h = harness), { notifications: receiver.targets });

  const notices = receiver.notices;

  /**
   * Runs the reconciler and waits for its report without skipping time: a skipping wait would
   * jump to the next timer of the drill kept running (its hold), which would then end and clean up.
   * The terminate job takes seconds of the emulator's clock, which follows the server's.
   */
  async function reconcile(input: ReconcileInput): Promise<ReconcileReport> {
    const handle = await startOn(h, drsReconcile, 'reconcile', input);
    const client = new Client({ connection: h.env.connection, namespace: h.env.namespace });
    return client.workflow.getHandle<typeof drsReconcile>(handle.workflowId).result();
  }

  /** A drill holding in validation, and the ids of its drill instances. */
  async function drillInValidation(
    servers: string[],
  ): Promise<{ handle: WorkflowHandle<typeof drsDrill>; instanceIds: string[] }> {
    const handle = await h.startDrill({
      sourceServerIds: servers,
      region: REGION,
      validation: { mode: 'hold', holdSeconds: 48 * 3600 },
    });
    const progress = await h.waitForProgress<DrillProgress>(handle, (p) => p.phase === 'validating');
    const instanceIds = progress.servers.map((s) => s.recoveryInstanceId ?? '').sort();
    assert.equal(instanceIds.filter(Boolean).length, servers.length, 'every server launched');
    return { handle, instanceIds };
  }

  const terminateRequests = async () =>
    (await h.executed('TerminateRecoveryInstances')).map((e) =>
      [...(e.request as { recoveryInstanceIDs: string[] }).recoveryInstanceIDs].sort(),
    );

  const row = (report: ReconcileReport, id: string) =>
    report.servers.find((i) => i.recoveryInstanceId === id);

  it('terminates exactly the instances of a drill terminated mid-validation; reports, never touches, an untagged one', async () => {
    const [a1, a2, b1, outside] = await h.healthyServers(4);
    const leaked = await drillInValidation([a1, a2]);
    const running = await drillInValidation([b1]);
    await leaked.handle.terminate('operator terminated the drill from the CLI');
    const untagged = await launchedOutside(h, [outside], true);
    assert.deepEqual(
      (await h.drillInstancesLeft()).sort(),
      [...leaked.instanceIds, ...running.instanceIds, ...untagged.instanceIds].sort(),
      'the terminated drill left its instances running',
    );
    await h.sleep(HOUR_MS); // past the grace period and the untagged age below

    const options = { region: REGION, graceSeconds: 1800, untaggedMaxAgeSeconds: 1800 };
    const dry = await reconcile({ ...options, dryRun: true });
    assert.deepEqual(await terminateRequests(), [], 'a dry run terminates nothing');
    assert.equal(dry.outcome, 'SUCCEEDED', dry.summary);
    for (const id of leaked.instanceIds) assert.equal(row(dry, id)?.action, 'would-terminate', id);
    assert.deepEqual(notices(dry.workflowId), [], 'a run that terminated nothing stays quiet');

    const waiting = await reconcile({ ...options, graceSeconds: 4 * 3600 });
    assert.deepEqual(await terminateRequests(), [], 'nothing is terminated within the grace period');
    for (const id of leaked.instanceIds) {
      assert.equal(row(waiting, id)?.action, 'keep');
      assert.match(row(waiting, id)?.reason ?? '', /within the grace period/);
    }

    const report = await reconcile(options);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.deepEqual(
      await terminateRequests(),
      [leaked.instanceIds],
      'one TerminateRecoveryInstances, naming only the terminated drill instances',
    );
    assert.deepEqual(
      (await h.drillInstancesLeft()).sort(),
      [...running.instanceIds, ...untagged.instanceIds].sort(),
    );
    for (const id of leaked.instanceIds) {
      const r = row(report, id);
      assert.equal(r?.action, 'terminate');
      assert.equal(r?.workflowId, leaked.handle.workflowId);
      assert.equal(r?.workflowState, 'TERMINATED');
      assert.equal(r?.terminated, true);
      assert.ok(r?.terminateJobId && report.terminateJobIds.includes(r.terminateJobId));
    }
    assert.equal(row(report, running.instanceIds[0]), undefined, 'a running drill’s instance is not listed');
    assert.equal(report.runningDrillInstances, 1, '…but counted');
    const reported = row(report, untagged.instanceIds[0]);
    assert.equal(reported?.action, 'report');
    assert.match(reported?.reason ?? '', /no temporal-drs tag .* never touched/);
    assert.match(
      report.summary,
      /^2 leaked drill instance\(s\) terminated; 0 kept; 1 reported .*; 1 of running drills/,
    );
    const [notice, ...more] = notices(report.workflowId);
    assert.deepEqual(more, [], 'one notification');
    assert.equal(notice?.title, 'reconcile SUCCEEDED: 2 leaked drill instance(s) terminated');
    assert.equal(notice.summary, report.summary);
    assert.deepEqual(notice.sourceServerIds?.sort(), [a1, a2].sort());

    await running.handle.terminate('end of test');
  });

  it('refuses bad input naming the field, before any DRS call', async () => {
    const { failure } = await resultOf(
      h,
      await startOn(h, drsReconcile, 'reconcile', { region: REGION, graceSeconds: -5 }),
    );
    assert.equal(failure?.type, 'InvalidInput');
    assert.match(failure?.message ?? '', /graceSeconds/);
    assert.deepEqual(await h.emulator.control.audit(), []);
  });
});
