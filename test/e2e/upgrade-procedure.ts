// The upgrade procedure of docs/deployment.md, run against a Temporal server the caller provides
// (the dev server in upgrade.test.ts, the production-shaped stack in test/survival): real worker
// processes of one Worker Deployment; a drill started on the released build waits at its approval
// gate, the next build (the drill change of test/fixtures/drill-change.ts, behind patched())
// becomes the current version, and the drill finishes there on its old path, launching and
// cleaning up once. A drill started on the next build takes the change.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrsClient } from '@aws-sdk/client-drs';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger } from '@temporalio/worker';
import type { DrillReport } from '../../common/types';
import { emulatorClientConfig, pickHealthyServers, type EmulatorControl } from '../../emulator';
import { bundleWorkflows } from '../../worker/workflow-code';
import { runDrsctl } from '../cli/stack';
import { DRILL_CHANGE_PATCH, NEXT_RELEASE } from '../fixtures/drill-change';
import { WorkerProcess, workerEnv } from '../worker/worker-process';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Where the procedure runs; read once its `before` hooks ran. */
interface UpgradeTarget {
  client: Client;
  /** How a worker and drsctl reach that Temporal (TEMPORAL_ADDRESS, or an envconfig profile). */
  temporalEnv: NodeJS.ProcessEnv;
  emulatorUrl: string;
  emulator: EmulatorControl;
}

/** Defines the procedure's tests in the calling `describe` (with its own timeout). */
export function upgradeProcedureTests(target: () => UpgradeTarget): void {
  let bundleDir: string;
  let nextBundle: string;
  const workers: WorkerProcess[] = [];
  const stamp = Date.now();
  const taskQueue = `drs-upgrade-${stamp}`;
  const deploymentName = `drs-upgrade-${stamp}`;

  /** A worker of the test's deployment; resolves with the build id it announced once it polls. */
  async function startWorker(
    extra: NodeJS.ProcessEnv,
  ): Promise<{ worker: WorkerProcess; buildId: string; codeLine: string }> {
    const t = target();
    const worker = new WorkerProcess(
      await workerEnv({
        ...t.temporalEnv,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_DEPLOYMENT_NAME: deploymentName,
        DRS_ENDPOINT: t.emulatorUrl,
        AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
        AWS_SECRET_ACCESS_KEY: 'test',
        ...extra,
      }),
    );
    workers.push(worker);
    const code = await worker.waitForLog((l) => l.msg.startsWith('workflow code'), 120_000);
    await worker.waitForLog((l) => l.msg === 'worker polling');
    const versioning = code.versioning as { deploymentName: string; buildId: string };
    assert.equal(versioning.deploymentName, deploymentName);
    return { worker, buildId: versioning.buildId, codeLine: code.msg };
  }

  /** What an operator does after deploying a build: make it the current version (once it polls). */
  async function makeCurrent(buildId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await target().client.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: 'default',
          deploymentName,
          buildId,
          identity: 'upgrade-test',
        });
        return;
      } catch (err) {
        // the server learns of a version from its first poll, shortly after the worker starts
        if (attempt >= 60) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Successful calls of `operation` whose request names one of `ids` (workflow or instance ids). */
  async function calls(operation: string, ids: string[]): Promise<number> {
    const entries = await target().emulator.audit({ operation });
    return entries.filter(
      (e) => e.statusCode < 300 && ids.some((id) => JSON.stringify(e.request).includes(id)),
    ).length;
  }

  const builds = (events: HistoryEvent[]) =>
    events.flatMap((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? []);
  /** The markers patched(DRILL_CHANGE_PATCH) recorded (the SDK's `core_patch` marker, `{ id, deprecated }`). */
  const patchMarkers = (events: HistoryEvent[]) =>
    events.filter((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_patch') return false;
      const payloads = Object.values(marker.details ?? {}).flatMap((p) => p.payloads ?? []);
      return payloads.some((p) => JSON.parse(Buffer.from(p.data ?? []).toString()).id === DRILL_CHANGE_PATCH);
    });

  before(async () => {
    // the next release, built ahead of time as `npm run bundle` builds the released one
    bundleDir = mkdtempSync(path.join(tmpdir(), 'drs-upgrade-'));
    nextBundle = path.join(bundleDir, 'next-workflow-bundle.js');
    const code = await bundleWorkflows(
      require.resolve('../fixtures/drill-change-patched'),
      new DefaultLogger('WARN'),
    );
    writeFileSync(nextBundle, code);
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  let next: { worker: WorkerProcess; buildId: string; codeLine: string };

  it('a drill waiting for approval on the released build finishes on the next build without the change, launching once', async () => {
    const { client, temporalEnv, emulatorUrl } = target();
    // the released build: the build's own code (dist/workflow-bundle.js, which `npm test` builds as
    // `npm run bundle` does; bundled at start when missing or stale)
    const released = await startWorker({});
    await makeCurrent(released.buildId);

    const drsClient = new DrsClient(emulatorClientConfig(emulatorUrl));
    const sourceServerIds = await pickHealthyServers(drsClient, 2);
    drsClient.destroy();
    const workflowId = `drill-upgrade-${stamp}`;
    const handle = await client.workflow.start('drsDrill', {
      taskQueue,
      workflowId,
      args: [
        { sourceServerIds, region: 'us-east-1', validation: { mode: 'approval', timeoutSeconds: 3600 } },
      ],
    });
    for (let i = 0; ; i++) {
      const phase = (await handle.describe()).searchAttributes.DrsPhase as string[] | undefined;
      if (phase?.[0] === 'validating') break;
      assert.ok(i < 300, `drill at its approval gate within 60 s (phase ${phase?.[0]})`);
      await new Promise((r) => setTimeout(r, 200));
    }

    next = await startWorker({ WORKER_WORKFLOW_BUNDLE: nextBundle });
    assert.equal(next.codeLine, 'workflow code: prebuilt bundle');
    assert.notEqual(next.buildId, released.buildId, 'different workflow code, different build id');
    await makeCurrent(next.buildId);
    // the released build still runs: the version rules, not its absence, send the drill on
    const approved = await runDrsctl(['approve', workflowId], temporalEnv);
    assert.equal(approved.code, 0, approved.stderr);

    const report = (await handle.result()) as DrillReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const instances = report.servers.flatMap((s) => s.recoveryInstanceId ?? []);
    // the launch job carries the run's workflow id as a tag (the servers may have run drills before)
    assert.equal(await calls('StartRecovery', [workflowId]), 1, 'one launch across both builds');
    assert.equal(await calls('TerminateRecoveryInstances', instances), 1, 'one cleanup');

    const events = (await handle.fetchHistory()).events ?? [];
    const taskBuilds = builds(events);
    assert.equal(taskBuilds[0], released.buildId, 'started on the released build');
    assert.equal(taskBuilds.at(-1), next.buildId, 'finished on the next build');
    assert.deepEqual(patchMarkers(events), [], 'the old run kept its old path');
    const description = await handle.describe();
    assert.equal(description.memo?.startedOnRelease, undefined);
    const versioning = description.raw.workflowExecutionInfo?.versioningInfo;
    assert.equal(versioning?.deploymentVersion?.buildId, next.buildId);

    // the old build has nothing left to do: it drains and exits cleanly
    released.worker.signal('SIGTERM');
    assert.equal((await released.worker.exited).code, 0, released.worker.output);
  });

  it('a drill started on the next build takes the change', async () => {
    assert.ok(next, 'the next build from the previous test');
    // bad input: the change comes first, then the drill fails InvalidInput before any DRS call
    const handle = await target().client.workflow.start('drsDrill', {
      taskQueue,
      workflowId: `drill-upgraded-${stamp}`,
      args: [{}],
    });
    await assert.rejects(handle.result());
    const events = (await handle.fetchHistory()).events ?? [];
    assert.equal(patchMarkers(events).length, 1, 'the patch marker is recorded');
    assert.ok(builds(events).every((b) => b === next.buildId));
    assert.equal((await handle.describe()).memo?.startedOnRelease, NEXT_RELEASE);
  });
}
