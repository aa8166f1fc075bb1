// Evidence of runs that end without their report, on the time-skipping server against the emulator:
// every operation refused for bad input stores a minimal report (the problems naming their fields,
// the input scrubbed, filed where a valid region and account say) and still fails InvalidInput with
// no AWS call; cancelled failovers, failbacks, plans and replication runs store theirs as ABORTED;
// a drill and a readiness check that fail before their report store theirs as FAILED.
import assert from 'node:assert/strict';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { WorkflowHandle } from '@temporalio/client';
import { sha256 } from '../../common/evidence-store/manifest';
import { runFolders } from '../../common/evidence-store/runs';
import type { OperationReport } from '../../common/reports/report';
import {
  drsDrill,
  drsExtend,
  drsFailback,
  drsPlan,
  drsReadiness,
  drsRecovery,
  drsReplication,
  drsReprotect,
} from '../../workflows';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, serverId, startOn } from './lifecycle-support';

const WEBHOOK = 'https://hooks.example.com/services/T000/B000/very-secret-path';
const ACCESS_KEY = 'AKIAABCDEFGHIJKLMNOP';

/** The one run folder `workflowId` has in the store, and its report.json. */
async function storedRun(h: DrillHarness, workflowId: string) {
  const folders = await runFolders(h.evidenceStore, workflowId);
  assert.equal(folders.length, 1, `${workflowId}: ${folders.length} run folders`);
  const [folder] = folders;
  const text = ((await h.evidenceStore.get(`${folder}report.json`)) as Buffer).toString();
  return { folder, text, report: JSON.parse(text) as OperationReport };
}

/** How the run ended when it failed or was cancelled (undefined when it completed). */
const ended = (handle: WorkflowHandle) =>
  handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );

/** The memo's manifest hash equals the stored manifest's: the history vouches for the store. */
async function assertMemoMatches(h: DrillHarness, handle: WorkflowHandle, folder: string) {
  const memo = (await handle.describe()).memo ?? {};
  const manifest = (await h.evidenceStore.get(`${folder}manifest.json`)) as Buffer;
  assert.equal(memo.evidenceManifestSha256, sha256(manifest));
}

describe('evidence of runs that end without their report (time-skipping, emulator)', function () {
  this.timeout(600_000);
  let h: DrillHarness;
  useDrillHarness((harness) => (h = harness));

  it('every operation refused for bad input stores a minimal report and still fails InvalidInput, with no AWS call', async () => {
    const secrets = { webhookUrl: WEBHOOK, note: `key ${ACCESS_KEY}` };
    const cases = [
      {
        workflow: drsDrill,
        input: { sourceServerIds: ['web-01'], region: REGION, ...secrets },
        folder: /^self\/us-east-1\/drill\//,
        field: /^sourceServerIds\.0: /,
      },
      {
        workflow: drsRecovery,
        input: { sourceServerIds: ['s-00000000000000001'], region: 'moon-1', ...secrets },
        folder: /^self\/unknown-region\/recovery\//,
        field: /^region: /,
      },
      {
        workflow: drsFailback,
        input: { region: REGION, accountId: '12', recoveryJobId: 'drsjob-1', ...secrets },
        folder: /^unknown-account\/us-east-1\/failback\//,
        field: /^accountId: /,
      },
      {
        workflow: drsReplication,
        input: { action: 'explode', sourceServerIds: ['s-00000000000000001'], region: REGION },
        folder: /^self\/us-east-1\/replication\//,
        field: /^action: /,
      },
      {
        workflow: drsPlan,
        input: { region: REGION, accountId: '111122223333', waves: [] },
        folder: /^111122223333\/us-east-1\/plan\//,
        field: /^waves: /,
      },
      {
        workflow: drsReadiness,
        input: { region: REGION, sourceServerIds: [], ...secrets },
        folder: /^self\/us-east-1\/readiness\//,
        field: /^sourceServerIds/,
      },
      {
        workflow: drsReprotect,
        input: { region: 'moon-1', recoveryInstanceIds: ['i-0123456789abcdef0'], confirm: true, ...secrets },
        folder: /^self\/unknown-region\/reprotect\//,
        field: /^region: /,
      },
      {
        workflow: drsExtend,
        input: { region: 'moon-1', stagingAccountIds: ['111122223333'], ...secrets },
        folder: /^self\/unknown-region\/extend\//,
        field: /^region: /,
      },
    ];
    for (const { workflow, input, folder, field } of cases) {
      const handle = await startOn(h, workflow as (i: unknown) => Promise<unknown>, workflow.name, input);
      const { failure } = await resultOf(h, handle);
      assert.equal(failure?.type, 'InvalidInput', `${workflow.name}: ${failure?.message}`);
      const problems = (failure?.details?.[0] as { problems: string[] }).problems;

      const stored = await storedRun(h, handle.workflowId);
      assert.match(stored.folder, folder, workflow.name);
      assert.equal(stored.report.outcome, 'FAILED');
      assert.equal(stored.report.endedWithoutReport, 'invalid-input');
      assert.deepEqual(stored.report.errors, problems, 'the problems, each naming its field');
      assert.ok(
        problems.some((p) => field.test(p)),
        `${workflow.name}: ${problems.join('; ')}`,
      );
      assert.equal(
        (stored.report.input as { region?: string }).region,
        input.region,
        'the input is kept (scrubbed)',
      );
      assert.ok(!stored.text.includes('very-secret-path'), `${workflow.name}: webhook URL stored`);
      assert.ok(!stored.text.includes(ACCESS_KEY), `${workflow.name}: access key stored`);
      await assertMemoMatches(h, handle, stored.folder);
    }
    assert.deepEqual(await h.emulator.control.audit(), [], 'no AWS call for refused input');
  });

  it('a failover cancelled at its confirmation gate stores ABORTED evidence', async () => {
    const [id] = await h.healthyServers(1);
    const handle = await startOn(h, drsRecovery, 'recovery', { sourceServerIds: [id], region: REGION });
    await h.waitForProgress<{ awaitingApproval?: boolean }>(handle, (p) => p.awaitingApproval === true);
    await handle.cancel();
    await ended(handle);
    const { report, folder } = await storedRun(h, handle.workflowId);
    assert.equal(report.outcome, 'ABORTED');
    assert.equal(report.endedWithoutReport, 'cancelled');
    assert.deepEqual(
      report.servers.map((s) => s.sourceServerId),
      [id],
    );
    await assertMemoMatches(h, handle, folder);
  });

  it('a failback cancelled while it waits for readiness stores ABORTED evidence', async () => {
    await h.emulator.control.scenario({ type: 'failbackReadyAfter', seconds: 2 * 3600 });
    const servers = await h.healthyServers(1);
    const { job } = await h.drsClient.send(
      new StartRecoveryCommand({
        isDrill: false,
        sourceServers: servers.map((id) => ({ sourceServerID: id })),
      }),
    );
    await h.sleep(180_000);
    await h.syncClock();
    const handle = await startOn(h, drsFailback, 'failback', { recoveryJobId: job?.jobID, region: REGION });
    await h.waitForProgress<{ phase: string }>(handle, (p) => p.phase === 'awaiting-readiness');
    await handle.cancel();
    await ended(handle);
    const { report, folder } = await storedRun(h, handle.workflowId);
    assert.equal(report.outcome, 'ABORTED');
    assert.equal(report.recoveryJobId, job?.jobID);
    assert.equal(report.servers.length, 1);
    await assertMemoMatches(h, handle, folder);
  });

  it('a plan cancelled at a wave gate and a replication repair cancelled while it waits store ABORTED evidence', async () => {
    const [first, second] = await h.healthyServers(2);
    const plan = await startOn(h, drsPlan, 'plan', {
      region: REGION,
      waves: [
        { name: 'web', sourceServerIds: [first] },
        { name: 'app', sourceServerIds: [second], pauseBefore: true },
      ],
    });
    await h.waitForProgress<{ awaitingApproval?: string[] }>(
      plan,
      (p) => (p.awaitingApproval?.length ?? 0) > 0,
    );
    await plan.cancel();
    await ended(plan);
    const stored = await storedRun(h, plan.workflowId);
    assert.equal(stored.report.outcome, 'ABORTED');
    assert.deepEqual(
      (stored.report.waves as { name: string }[]).map((w) => w.name),
      ['web', 'app'],
    );
    assert.deepEqual(stored.report.servers.map((s) => s.sourceServerId).sort(), [first, second].sort());
    await assertMemoMatches(h, plan, stored.folder);

    await h.emulator.control.scenario({ type: 'replicationCatchUp', seconds: 10 * 3600 });
    const stalled = await serverId(h, 'batch-01');
    const repair = await startOn(h, drsReplication, 'replication', {
      action: 'repair',
      region: REGION,
      sourceServerIds: [stalled],
    });
    await h.waitForProgress<{ phase: string }>(repair, (p) => p.phase === 'waiting', 60_000);
    await repair.cancel();
    await ended(repair);
    const repaired = await storedRun(h, repair.workflowId);
    assert.equal(repaired.report.outcome, 'ABORTED');
    assert.equal(repaired.report.action, 'repair');
    assert.deepEqual(
      repaired.report.servers.map((s) => s.sourceServerId),
      [stalled],
    );
  });

  it('a readiness check cancelled while DRS throttles it stores ABORTED evidence', async () => {
    const servers = await h.healthyServers(1);
    await h.emulator.control.faults({ operation: 'DescribeJobs', throttleRate: 1 });
    const readiness = await startOn(h, drsReadiness, 'readiness', {
      sourceServerIds: servers,
      region: REGION,
    });
    for (
      let i = 0;
      i < 300 && (await h.emulator.control.audit({ operation: 'DescribeJobs' })).length === 0;
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    await readiness.cancel();
    assert.ok(await ended(readiness), 'the readiness check ends cancelled');
    const { report, folder } = await storedRun(h, readiness.workflowId);
    assert.equal(report.outcome, 'ABORTED');
    assert.equal(report.endedWithoutReport, 'cancelled');
    assert.deepEqual(
      report.servers.map((s) => s.sourceServerId),
      servers,
    );
    await assertMemoMatches(h, readiness, folder);
  });

  it('a drill denied its launch and a readiness check denied a read store FAILED evidence naming the failure', async () => {
    const servers = await h.healthyServers(1);
    await h.emulator.control.accessDenied({ operations: ['StartRecovery'] });
    const drill = await h.startDrill({ sourceServerIds: servers, region: REGION });
    const { error } = await h.outcome(drill);
    assert.ok(error, 'the drill fails');
    const drilled = await storedRun(h, drill.workflowId);
    assert.equal(drilled.report.outcome, 'FAILED');
    assert.equal(drilled.report.endedWithoutReport, 'failed');
    assert.equal(drilled.report.failureType, 'AccessDeniedException');
    assert.match(drilled.report.summary ?? '', /drs:StartRecovery/);
    assert.deepEqual(
      drilled.report.servers.map((s) => s.sourceServerId),
      servers,
    );

    await h.emulator.control.accessDenied({ operations: ['DescribeJobs'] });
    const readiness = await startOn(h, drsReadiness, 'readiness', {
      sourceServerIds: servers,
      region: REGION,
    });
    assert.ok(await ended(readiness), 'the readiness check fails');
    const checked = await storedRun(h, readiness.workflowId);
    assert.equal(checked.report.outcome, 'FAILED');
    assert.equal(checked.report.failureType, 'AccessDeniedException');
    assert.deepEqual(
      checked.report.servers.map((s) => s.sourceServerId),
      servers,
    );
    await assertMemoMatches(h, readiness, checked.folder);
  });
});
