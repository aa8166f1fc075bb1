// Evidence that outlives Temporal, on the local stack: the real worker process (no DRS_EVIDENCE_URL:
// the default store under the project's data folder, here TEMPORAL_DRS_DATA) on the dev server with
// the emulator, and the real drsctl. A drill writes its evidence; after `temporal workflow delete`
// drsctl still writes its report page from the store and verifies it, readiness still finds the
// drill, and one byte changed in report.json fails `verify`, naming the file.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sha256 } from '../../common/evidence-store/manifest';
import { temporalCliPath } from '../../common/paths';
import type { ReadinessReport } from '../../common/readiness';
import type { RunningEmulator } from '../../emulator';
import { pickHealthyServers } from '../../emulator/inventory';
import { emulatorClientConfig } from '../../emulator';
import { DrsClient } from '@aws-sdk/client-drs';
import { runDrsctl, type CliResult } from '../cli/stack';
import { startWorkerStack, type WorkerStack } from '../helpers/worker-stack';

describe('evidence outlives Temporal (dev server, worker process, emulator, drsctl)', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let stack: WorkerStack | undefined;
  const tmp = mkdtempSync(path.join(tmpdir(), 'evidence-e2e-'));
  const data = path.join(tmp, 'data');
  const taskQueue = `evidence-e2e-${Date.now()}`;
  let cliEnv: NodeJS.ProcessEnv;
  const drsctl = (args: string[]): Promise<CliResult> => runDrsctl(args, cliEnv);
  const output = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

  before(async () => {
    stack = await startWorkerStack(taskQueue, { DRS_EMULATOR: 'true', TEMPORAL_DRS_DATA: data });
    ({ env, emulator } = stack);
    cliEnv = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      AWS_REGION: 'us-east-1',
      TEMPORAL_DRS_DATA: data,
    };
  });
  after(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a drill stores its evidence; deleted from Temporal, its report and readiness still come from the store', async () => {
    const drs = new DrsClient(emulatorClientConfig(emulator.url));
    const [server] = await pickHealthyServers(drs, 1);
    drs.destroy();
    const drill = await drsctl(['drill', '--source-server', server, '--wait']);
    assert.equal(drill.code, 0, output(drill));
    const workflowId = /drill (\S+): SUCCEEDED/.exec(drill.stdout)?.[1] ?? '';

    // in the default store: <data>/evidence/self/us-east-1/drill/yyyy/mm/dd/<workflowId>/<runId>/
    const handle = env.client.workflow.getHandle(workflowId);
    const { runId, memo } = await handle.describe();
    const report = (await handle.result()) as {
      finishedAt: string;
      evidence: { folder: string; manifestSha256: string };
    };
    const day = report.finishedAt.slice(0, 10).split('-').join('/');
    const folder = path.join(
      data,
      'evidence',
      'self',
      'us-east-1',
      'drill',
      day,
      encodeURIComponent(workflowId),
      runId,
    );
    assert.equal(
      report.evidence.folder.replace(/\/$/, ''),
      path.relative(path.join(data, 'evidence'), folder),
    );
    const manifest = readFileSync(path.join(folder, 'manifest.json'));
    assert.equal(sha256(manifest), report.evidence.manifestSha256);
    assert.equal(memo?.evidenceManifestSha256, report.evidence.manifestSha256);
    for (const file of ['report.json', 'report.html', 'report.md'])
      assert.ok(existsSync(path.join(folder, file)), file);

    await promisify(execFile)(temporalCliPath(), [
      'workflow',
      'delete',
      '--workflow-id',
      workflowId,
      '--yes', // CLI 1.9 asks to confirm a delete and would wait on stdin
      '--address',
      env.address,
    ]);
    for (let i = 0; ; i++) {
      const gone = await handle.describe().then(
        () => false,
        (err) => err instanceof WorkflowNotFoundError,
      );
      if (gone) break;
      assert.ok(i < 120, 'the workflow is deleted within a minute');
      await new Promise((r) => setTimeout(r, 500));
    }

    const page = path.join(tmp, 'x.html');
    const fromStore = await drsctl(['report', workflowId, '--report-html', page]);
    assert.equal(fromStore.code, 0, output(fromStore));
    assert.match(fromStore.stderr, /no longer has .*evidence store/);
    const html = readFileSync(page, 'utf8');
    assert.ok(html.includes(workflowId) && html.includes('SUCCEEDED'), 'the stored evidence page');
    const verified = await drsctl(['evidence', 'verify', workflowId]);
    assert.equal(verified.code, 0, output(verified));

    const readiness = path.join(tmp, 'readiness.json');
    const ready = await drsctl([
      'readiness',
      '--source-server',
      server,
      '--wait',
      '--report-json',
      readiness,
    ]);
    assert.ok(ready.code === 0 || ready.code === 1, output(ready));
    const [assessed] = (JSON.parse(readFileSync(readiness, 'utf8')) as ReadinessReport).servers;
    assert.equal(assessed.lastSucceededDrillWorkflowId, workflowId);
    assert.equal(assessed.lastSucceededDrillAt, report.finishedAt);

    const reportJson = path.join(folder, 'report.json');
    const bytes = readFileSync(reportJson);
    bytes[20] ^= 1;
    writeFileSync(reportJson, bytes);
    const tampered = await drsctl(['evidence', 'verify', workflowId]);
    assert.equal(tampered.code, 1, output(tampered));
    assert.match(tampered.stderr, /CHANGED: report\.json/);
  });
});
