// drsReadiness on the time-skipping server against the emulator through the real SDK clients, other
// accounts reached by AssumeRole at the emulator's STS as the worker does: READY (healthy, drilled
// two days ago), AT_RISK (never drilled, lag over the RPO target) and NOT_READY (STALLED
// replication); staging accounts are in readiness-estate.test.ts. Nothing is changed in DRS. Past
// drills come from declaredDrills(): the test server has no visibility.
import assert from 'node:assert/strict';
import { REGION, type DrillHarness } from '../helpers/drill-harness';
import { serverId } from './lifecycle-support';
import { useReadinessSuite } from './readiness-support';

describe('drsReadiness (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let h: DrillHarness;
  const { visibility, readiness, drilledDaysAgo } = useReadinessSuite((harness) => (h = harness));

  it('READY: replicating, a fresh point in time, a usable launch configuration, drilled two days ago', async () => {
    const servers = await h.healthyServers(2);
    for (const id of servers) await drilledDaysAgo(id, 2);
    const report = await readiness({ sourceServerIds: servers, region: REGION });
    assert.equal(report.outcome, 'READY', report.summary);
    for (const s of report.servers) {
      assert.deepEqual([s.status, s.errors, s.warnings], ['READY', [], []], s.sourceServerId);
      assert.equal(s.daysSinceDrill, 2);
      assert.equal(s.lastSucceededDrillWorkflowId, `drill-of-${s.sourceServerId}`);
    }
    assert.deepEqual(report.staleDrills, []);
    assert.equal(report.headroom?.short.length, 0);
    // only this task queue's SUCCEEDED drills of the server count
    assert.equal(visibility.queries.length, 2);
    for (const query of visibility.queries) {
      assert.match(query, new RegExp(`TaskQueue = '${h.taskQueue}'`));
      assert.match(query, /WorkflowType = 'drsDrill' .*DrsOutcome = 'SUCCEEDED'/);
    }
  });

  it('AT_RISK: a server never drilled, and one lagging over the RPO target', async () => {
    const [undrilled, lagging] = await h.healthyServers(2);
    await drilledDaysAgo(lagging, 1);
    const report = await readiness({ sourceServerIds: [undrilled, lagging], region: REGION, rpoSeconds: 1 });
    assert.equal(report.outcome, 'AT_RISK', report.summary);
    const byId = new Map(report.servers.map((s) => [s.sourceServerId, s]));
    assert.equal(byId.get(undrilled)?.status, 'AT_RISK');
    assert.match(byId.get(undrilled)?.warnings.join() ?? '', /no SUCCEEDED drill found within 30 days/);
    assert.deepEqual(report.staleDrills, [undrilled]);
    const lag = byId.get(lagging);
    assert.equal(lag?.status, 'AT_RISK', JSON.stringify(lag));
    assert.match(lag?.warnings.join() ?? '', /replication lag \d+s is above the RPO target of 1s/);
  });

  it('NOT_READY: STALLED replication, named with its error, beside a READY server', async () => {
    const [healthy] = await h.healthyServers(1);
    const stalled = await serverId(h, 'batch-01'); // seeded STALLED
    for (const id of [healthy, stalled]) await drilledDaysAgo(id, 1);
    const report = await readiness({ sourceServerIds: [healthy, stalled], region: REGION });
    assert.equal(report.outcome, 'NOT_READY', report.summary);
    const byId = new Map(report.servers.map((s) => [s.sourceServerId, s]));
    assert.equal(byId.get(healthy)?.status, 'READY');
    assert.equal(byId.get(stalled)?.status, 'NOT_READY');
    assert.match(byId.get(stalled)?.errors.join() ?? '', /replication is STALLED, not CONTINUOUS/);
    assert.match(
      report.summary,
      new RegExp(`^NOT_READY: 1 ready, 0 at risk, 1 not ready; ${stalled}: replication is STALLED`),
    );
  });
});
