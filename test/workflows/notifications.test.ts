// Notifications on the time-skipping server, sent by the real delivery activity to a webhook
// receiver on 127.0.0.1: the end of a failback and of a replication run, a run refused for bad
// input, a drill waiting at its approval gate. The receiver's URL is in no history.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { NotificationEvent } from '../../common/notifications';
import type { DrillReport } from '../../common/types';
import type { FailbackReport, ReplicationReport } from '../../common/types-lifecycle';
import { drsFailback, drsReplication } from '../../workflows';
import { approveUpdate } from '../../workflows/messages';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { useWebhookReceiver } from '../helpers/webhook-receiver';
import { launchedOutside, mutatingCalls, resultOf, startOn } from './lifecycle-support';

describe('notifications (time-skipping, emulator, loopback receiver)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  const receiver = useWebhookReceiver();
  useDrillHarness((harness) => (h = harness), { notifications: receiver.targets });

  const eventsOf = (handle: WorkflowHandle, kind: NotificationEvent['kind']) =>
    receiver.notices(handle.workflowId).filter((e) => e.kind === kind);

  async function assertUrlNotInHistory(handle: WorkflowHandle): Promise<void> {
    const history = JSON.stringify(await handle.fetchHistory());
    assert.ok(history.includes('sendNotification'), 'the history has the delivery');
    for (const secret of [receiver.url, new URL(receiver.url).host, '/hook'])
      assert.ok(!history.includes(secret), `history must not contain ${secret}`);
  }

  it('a failback that ends sends its outcome and instances', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 600 });
    const [server] = await h.healthyServers(1);
    const { jobId } = await launchedOutside(h, [server], false);
    const handle = await startOn(h, drsFailback, 'failback', { recoveryJobId: jobId, region: REGION });
    const { result } = await resultOf<FailbackReport>(h, handle);
    assert.equal(result?.outcome, 'SUCCEEDED', result?.summary);

    const [ended, ...more] = eventsOf(handle, 'run-ended');
    assert.deepEqual(more, [], 'one run-end notification');
    assert.equal(ended?.title, 'failback SUCCEEDED');
    assert.equal(ended.workflowType, 'drsFailback');
    assert.equal(ended.summary, result?.summary);
    assert.deepEqual(ended.sourceServerIds, [server]);
    await assertUrlNotInHistory(handle);
  });

  it('a refused failback sends FAILED with the reason', async () => {
    const handle = await startOn(h, drsFailback, 'failback', {
      recoveryJobId: 'drsjob-00000000000000000',
      region: REGION,
    });
    const { failure } = await resultOf<FailbackReport>(h, handle);
    assert.equal(failure?.type, 'Refused');
    const [ended] = eventsOf(handle, 'run-ended');
    assert.equal(ended?.title, 'failback FAILED');
    assert.match(ended.summary ?? '', /no recovery instances of this job/);
  });

  it('a replication run that ends sends its outcome, action summary and servers', async () => {
    const servers = await h.healthyServers(2);
    const handle = await startOn(h, drsReplication, 'replication', {
      action: 'stop',
      sourceServerIds: servers,
      region: REGION,
      confirm: true,
    });
    const { result } = await resultOf<ReplicationReport>(h, handle);
    assert.equal(result?.outcome, 'SUCCEEDED', result?.summary);
    const [ended] = eventsOf(handle, 'run-ended');
    assert.equal(ended?.title, 'replication SUCCEEDED');
    assert.equal(ended.workflowType, 'drsReplication');
    assert.match(ended.summary ?? '', /^stop: 2 done/);
    assert.deepEqual(ended.sourceServerIds, servers);
    await assertUrlNotInHistory(handle);
  });

  it('a run refused for bad input says so, naming the bad fields, and calls DRS not at all', async () => {
    const handle = await h.startDrill({ sourceServerIds: ['not-a-server'], region: REGION, hold: 5 });
    const { failure } = await resultOf<DrillReport>(h, handle);
    assert.equal(failure?.type, 'InvalidInput');
    const [refused, ...more] = eventsOf(handle, 'run-ended');
    assert.deepEqual(more, [], 'one notification');
    assert.equal(refused?.title, 'drill refused: invalid input');
    assert.equal(refused.outcome, 'FAILED');
    assert.equal(refused.summary, failure?.message);
    assert.match(refused.summary ?? '', /sourceServerIds\.0/);
    assert.match(refused.summary ?? '', /hold/);
    assert.deepEqual(await h.emulator.control.audit(), [], 'no DRS call');
    assert.deepEqual(await mutatingCalls(h), []);
    await assertUrlNotInHistory(handle);
  });

  it('a drill at its approval gate sends "waiting for approve" while it waits, then its end', async () => {
    const [server] = await h.healthyServers(1);
    const handle = await h.startDrill({
      sourceServerIds: [server],
      region: REGION,
      validation: { mode: 'approval', timeoutSeconds: 3600, onTimeout: 'abort' },
    });
    await h.waitForProgress(handle, () => eventsOf(handle, 'awaiting-approval').length > 0);
    const [waiting] = eventsOf(handle, 'awaiting-approval');
    assert.equal(waiting.title, 'waiting for approve at the validation gate');
    assert.deepEqual(waiting.sourceServerIds, [server]);
    assert.equal(eventsOf(handle, 'run-ended').length, 0, 'still waiting: the run has not ended');

    await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice' }] });
    const report = await h.result<DrillReport>(handle);
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(eventsOf(handle, 'awaiting-approval').length, 1, 'sent once');
    assert.equal(eventsOf(handle, 'run-ended')[0]?.title, 'drill SUCCEEDED');
    await assertUrlNotInHistory(handle);
  });
});
