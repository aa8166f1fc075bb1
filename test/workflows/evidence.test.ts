// Evidence on the time-skipping server against the emulator: a drill writes its evidence before it
// closes (the manifest's SHA-256 in its report and memo, the job logs it read, no webhook URL), a
// store that stays down costs the run its evidence but not its outcome (the report says so and a
// notification tells), and readiness finds the last drill in the store with no visibility at all.
import assert from 'node:assert/strict';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationTargets } from '../../activities/notifications';
import { sha256, verifyRun, type EvidenceManifest } from '../../common/evidence-store/manifest';
import { runFolders } from '../../common/evidence-store/runs';
import type { EvidenceStore } from '../../common/evidence-store/store';
import type { NotificationEvent } from '../../common/notifications';
import type { ReadinessReport } from '../../common/readiness';
import type { DrillReport } from '../../common/types';
import type { ReplicationReport } from '../../common/types-lifecycle';
import type { PlanReport } from '../../common/types-plan';
import { drsPlan, drsReadiness, drsReplication } from '../../workflows';
import type { EvidenceRecord } from '../../workflows/evidence';
import { startReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { REGION, useDrillHarness, type DrillHarness } from '../helpers/drill-harness';
import { resultOf, startOn } from './lifecycle-support';

type WithEvidence<R> = R & { evidence?: EvidenceRecord };

const handleMemo = async (handle: WorkflowHandle) => (await handle.describe()).memo ?? {};

/** A store whose every call fails, as an unreachable bucket does. */
const downStore: EvidenceStore = {
  location: 's3://unreachable/evidence',
  put: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')),
  get: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')),
  list: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')),
  settingsWarnings: async () => [],
};

describe('evidence (time-skipping, emulator)', function () {
  this.timeout(300_000);
  let receiver: WebhookReceiver;
  const targets: NotificationTargets = {};
  before(async () => {
    receiver = await startReceiver();
    targets.webhookUrl = `${receiver.url}/hook/secret-path`;
  });
  after(() => receiver?.server.close());

  describe('a store that answers', () => {
    let h: DrillHarness;
    // no visibility: readiness must find the drill in the store
    useDrillHarness((harness) => (h = harness), {
      notifications: targets,
      listRuns: async function* () {},
    });

    it('a drill stores its evidence before it closes; the manifest hash is in its report and memo', async () => {
      const servers = await h.healthyServers(2);
      const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
      const { report, error } = await h.outcome(handle);
      assert.ifError(error);
      assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
      const evidence = (report as WithEvidence<DrillReport>).evidence;
      assert.ok(evidence?.stored, JSON.stringify(evidence));

      const [folder] = await runFolders(h.evidenceStore, handle.workflowId);
      assert.equal(folder, evidence.folder);
      const manifestBytes = (await h.evidenceStore.get(`${folder}manifest.json`)) as Buffer;
      assert.equal(sha256(manifestBytes), evidence.manifestSha256);
      const description = await handle.describe();
      assert.equal(description.memo?.evidenceManifestSha256, evidence.manifestSha256);
      assert.deepEqual(await verifyRun(h.evidenceStore, folder), []);

      const manifest = JSON.parse(manifestBytes.toString()) as EvidenceManifest;
      assert.equal(manifest.outcome, 'SUCCEEDED');
      assert.deepEqual(manifest.sourceServerIds, servers);
      const logs = manifest.files.filter((f) => f.name.startsWith('job-logs/')).map((f) => f.name);
      assert.deepEqual(
        logs.sort(),
        [`job-logs/${report?.launchJobId}.json`, `job-logs/${report?.terminateJobId}.json`].sort(),
      );
      const launchLog = (await h.evidenceStore.get(
        `${folder}job-logs/${report?.launchJobId}.json`,
      )) as Buffer;
      assert.match(launchLog.toString(), /JOB_START/);
      for (const file of manifest.files) {
        const text = ((await h.evidenceStore.get(`${folder}${file.name}`)) as Buffer).toString();
        assert.ok(
          !text.includes('secret-path') && !text.includes(receiver.url),
          `${file.name} holds the webhook URL`,
        );
      }
    });

    it('a drill refused in preflight and a drill cancelled during its hold store their evidence too', async () => {
      const [healthy, stalled, held] = await h.healthyServers(3);
      await h.emulator.control.scenario({
        type: 'replicationState',
        sourceServerIds: [stalled],
        state: 'STALLED',
      });
      const refused = await h.startDrill({ sourceServerIds: [healthy, stalled], region: REGION });
      const { error } = await h.outcome(refused);
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure);
      const refusedReport = error.cause.details?.[0] as WithEvidence<DrillReport>;
      assert.equal(refusedReport.outcome, 'FAILED');
      assert.ok(refusedReport.evidence?.stored, 'the report in the failure names its evidence');
      assert.deepEqual(await verifyRun(h.evidenceStore, refusedReport.evidence.folder), []);

      const cancelled = await h.startDrill({
        sourceServerIds: [held],
        region: REGION,
        validation: { mode: 'hold', holdSeconds: 3600 },
      });
      await h.waitForProgress(cancelled, (p) => p.phase === 'validating');
      await cancelled.cancel();
      const ended = await h.outcome(cancelled);
      assert.ok(ended.error, 'the drill ends cancelled');
      const [folder] = await runFolders(h.evidenceStore, cancelled.workflowId);
      const stored = JSON.parse(
        ((await h.evidenceStore.get(`${folder}report.json`)) as Buffer).toString(),
      ) as DrillReport;
      assert.equal(stored.outcome, 'ABORTED');
      assert.equal(stored.servers[0].terminated, true, 'the evidence shows the cleanup');
      assert.equal(
        (await handleMemo(cancelled)).evidenceManifestSha256,
        sha256((await h.evidenceStore.get(`${folder}manifest.json`)) as Buffer),
      );
    });

    it('a replication run and a plan store theirs, the plan naming its drill children', async () => {
      const [stopped, drilled] = await h.healthyServers(2);
      const replication = await startOn(h, drsReplication, 'replication', {
        action: 'stop',
        sourceServerIds: [stopped],
        region: REGION,
        confirm: true,
      });
      const { result: stoppedReport } = await resultOf<WithEvidence<ReplicationReport>>(h, replication);
      assert.ok(stoppedReport?.evidence?.stored, JSON.stringify(stoppedReport?.evidence));
      assert.match(stoppedReport.evidence.folder, /^self\/us-east-1\/replication\//);

      const plan = await startOn(h, drsPlan, 'plan', {
        region: REGION,
        waves: [{ name: 'web', sourceServerIds: [drilled] }],
      });
      const { result: planReport } = await resultOf<WithEvidence<PlanReport>>(h, plan);
      assert.equal(planReport?.outcome, 'SUCCEEDED', planReport?.summary);
      assert.ok(planReport.evidence?.stored);
      const child = planReport.waves[0].children[0].workflowId;
      const [childFolder] = await runFolders(h.evidenceStore, child);
      const manifest = JSON.parse(
        ((await h.evidenceStore.get(`${childFolder}manifest.json`)) as Buffer).toString(),
      ) as EvidenceManifest;
      assert.equal(manifest.parentWorkflowId, plan.workflowId, 'the child names its plan (its application)');
    });

    it('readiness finds the last SUCCEEDED drill in the store, with visibility empty', async () => {
      const servers = await h.healthyServers(1);
      const drill = await h.startDrill({ sourceServerIds: servers, region: REGION });
      const { report: drilled } = await h.outcome(drill);
      assert.equal(drilled?.outcome, 'SUCCEEDED', drilled?.summary);
      const { result, failure } = await resultOf<WithEvidence<ReadinessReport>>(
        h,
        await startOn(h, drsReadiness, 'readiness', { sourceServerIds: servers, region: REGION }),
      );
      assert.ifError(failure);
      const [server] = result?.servers ?? [];
      assert.equal(server?.lastSucceededDrillWorkflowId, drill.workflowId);
      assert.equal(server?.lastSucceededDrillAt, drilled?.finishedAt);
      assert.ok(result?.evidence?.stored, 'readiness stores its own evidence too');
    });
  });

  describe('a store that stays down', () => {
    let h: DrillHarness;
    useDrillHarness((harness) => (h = harness), { notifications: targets, evidenceStore: downStore });

    it('the drill still ends with its outcome; the report says not stored, and a notification says so', async () => {
      const servers = await h.healthyServers(1);
      const handle = await h.startDrill({ sourceServerIds: servers, region: REGION });
      const { report, error } = await h.outcome(handle);
      assert.ifError(error);
      assert.equal(report?.outcome, 'SUCCEEDED', report?.summary);
      const evidence = (report as WithEvidence<DrillReport>).evidence;
      assert.equal(evidence?.stored, false);
      assert.match(
        evidence.stored ? '' : evidence.error,
        /evidence not written to s3:\/\/unreachable\/evidence/,
      );
      const notices = receiver.received
        .map((r) => r.body as unknown as NotificationEvent)
        .filter((e) => e.workflowId === handle.workflowId);
      assert.deepEqual(
        notices.map((e) => e.kind),
        ['evidence-not-stored', 'run-ended'],
      );
      assert.equal(notices[0].title, 'evidence of drill SUCCEEDED not stored');
      const description = await handle.describe();
      assert.equal(description.memo?.evidenceManifestSha256, undefined);
    });
  });
});
