// Shipping changed workflow code while runs are in flight (docs/deployment.md), with real worker
// processes of one Worker Deployment on the dev server: a drill started on the released build
// waits at its approval gate, the next build (the drill change of test/fixtures/drill-change.ts,
// behind patched()) becomes the current version, and the drill finishes there on its old path,
// launching and cleaning up once. A drill started on the next build takes the change.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrsClient } from '@aws-sdk/client-drs';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { DrillReport } from '../../common/types';
import {
  emulatorClientConfig,
  pickHealthyServers,
  startEmulator,
  type RunningEmulator,
} from '../../emulator';
import { bundleWorkflows } from '../../worker/workflow-code';
import { runDrsctl } from '../cli/stack';
import { DRILL_CHANGE_PATCH, NEXT_RELEASE } from '../fixtures/drill-change';
import { devServerEnv } from '../helpers/temporal';
import { WorkerProcess, workerEnv } from '../worker/worker-process';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

describe('upgrading the worker while a drill is in flight (Worker Versioning + patched())', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
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
    const worker = new WorkerProcess(
      await workerEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_DEPLOYMENT_NAME: deploymentName,
        DRS_ENDPOINT: emulator.url,
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
        await env.client.workflowService.setWorkerDeploymentCurrentVersion({
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

  async function calls(operation: string): Promise<number> {
    return (await emulator.control.audit({ operation })).filter((e) => e.statusCode < 300).length;
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
    env = await devServerEnv();
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
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
    await emulator?.close();
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  let next: { worker: WorkerProcess; buildId: string; codeLine: string };

  it('a drill waiting for approval on the released build finishes on the next build without the change, launching once', async () => {
    // the released build: the build's own code (dist/workflow-bundle.js, which `npm test` builds as
    // `npm run bundle` does; bundled at start when missing or stale)
    const released = await startWorker({});
    await makeCurrent(released.buildId);

    const drsClient = new DrsClient(emulatorClientConfig(emulator.url));
    const sourceServerIds = await pickHealthyServers(drsClient, 2);
    drsClient.destroy();
    const workflowId = `drill-upgrade-${stamp}`;
    const handle = await env.client.workflow.start('drsDrill', {
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
    const approved = await runDrsctl(['approve', workflowId], { TEMPORAL_ADDRESS: env.address });
    assert.equal(approved.code, 0, approved.stderr);

    const report = (await handle.result()) as DrillReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    assert.equal(await calls('StartRecovery'), 1, 'one launch across both builds');
    assert.equal(await calls('TerminateRecoveryInstances'), 1, 'one cleanup');

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
    const handle = await env.client.workflow.start('drsDrill', {
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
});
