// Survival on the production-shaped stack (scripts/lib/stack.ts), which this file starts itself in a
// folder of its own on free ports: PostgreSQL, the Temporal server built from its Go module with
// mTLS on its frontend, the standalone UI, the DRS emulator and two worker processes from the
// prebuilt bundle. A drill through mTLS started by drsctl; the Temporal server killed (kill -9) and
// restarted in the middle of a drill; PostgreSQL restarted in the middle of a drill: each drill
// SUCCEEDED with one launch, one terminate and no recovery instance left, as the emulator's audit
// and state say. Then the upgrade procedure of docs/deployment.md on this server. The drills'
// durations (server time, start to close) go to test-artifacts/survival-timings.json, which
// docs/benchmarks.md reads its figures from.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrsClient } from '@aws-sdk/client-drs';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { DrillReport } from '../../common/types';
import { repoRoot } from '../../common/paths';
import { EmulatorControl, emulatorClientConfig, pickHealthyServers } from '../../emulator';
import { freePorts, Stack } from '../../scripts/lib/stack';
import { runDrsctl } from '../cli/stack';
import { upgradeProcedureTests } from '../e2e/upgrade-procedure';

const TASK_QUEUE = 'drs-orchestrator';

describe('survival on the production-shaped stack (PostgreSQL, mTLS, Temporal server from Go)', function () {
  // the stack starts in well under a minute once built; the budget covers a loaded 2-core machine
  this.timeout(600_000);
  let dataDir: string;
  let stack: Stack;
  let client: Client;
  let emulator: EmulatorControl;
  let drs: DrsClient;
  /** Seconds from start to close of each drill, as the server recorded them. */
  const durations: Record<string, number> = {};
  /** Seconds each disturbance kept Temporal or its database away (for docs/benchmarks.md, not asserted). */
  const outages: Record<string, number> = {};
  const since = (start: number) => +((Date.now() - start) / 1000).toFixed(1);

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'drs-stack-'));
    stack = new Stack({ dataDir, ports: await freePorts(2), workers: 2, emulatorTimeScale: 0.1 });
    await stack.up();
    client = await stack.client();
    emulator = new EmulatorControl(stack.emulatorUrl);
    drs = new DrsClient(emulatorClientConfig(stack.emulatorUrl));
  });

  after(async () => {
    drs?.destroy();
    await client?.connection.close();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (Object.keys(durations).length > 0) {
      const dir = path.join(repoRoot(), 'test-artifacts');
      mkdirSync(dir, { recursive: true });
      const undisturbed = durations.undisturbed;
      const extra = Object.fromEntries(
        Object.entries(durations)
          .filter(([name]) => name !== 'undisturbed')
          .map(([name, s]) => [name, undisturbed === undefined ? undefined : +(s - undisturbed).toFixed(1)]),
      );
      writeFileSync(
        path.join(dir, 'survival-timings.json'),
        JSON.stringify(
          { drillSeconds: durations, extraSecondsOverUndisturbed: extra, outageSeconds: outages },
          null,
          2,
        ),
      );
    }
  });

  /** Successful audited calls of `operation` whose request names one of `ids` (workflow, instance ids). */
  async function calls(operation: string, ids: string[]): Promise<number> {
    const entries = await emulator.audit({ operation });
    return entries.filter(
      (e) => e.statusCode < 300 && ids.some((id) => JSON.stringify(e.request).includes(id)),
    ).length;
  }

  /** SUCCEEDED, one launch, one terminate, no recovery instance of these servers left; records the duration. */
  async function assertCleanDrill(
    name: string,
    handle: WorkflowHandle,
    sourceServerIds: string[],
  ): Promise<void> {
    const report = (await handle.result()) as DrillReport;
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);
    const instances = report.servers.flatMap((s) => s.recoveryInstanceId ?? []);
    assert.equal(instances.length, sourceServerIds.length, 'every server launched');
    // the launch job carries the run's workflow id as a tag; the servers recur across drills
    assert.equal(await calls('StartRecovery', [handle.workflowId]), 1, 'one launch');
    assert.equal(await calls('TerminateRecoveryInstances', instances), 1, 'one terminate');
    const state = await emulator.state();
    const left = state.recoveryInstances.filter((i) => sourceServerIds.includes(i.sourceServerID));
    assert.deepEqual(left, [], 'no recovery instance left');
    const { startTime, closeTime } = await handle.describe();
    assert.ok(closeTime, 'the run closed');
    durations[name] = +((closeTime.getTime() - startTime.getTime()) / 1000).toFixed(1);
  }

  /** The same drill every time, so the durations compare: a short hold keeps it mid-drill long enough to disturb. */
  async function startDrill(workflowId: string, sourceServerIds: string[]): Promise<WorkflowHandle> {
    return client.workflow.start('drsDrill', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ sourceServerIds, region: 'us-east-1', validation: { mode: 'hold', holdSeconds: 5 } }],
    });
  }

  /** Resolves once the drill's StartRecovery reached DRS: the launch job runs, the run is mid-drill. */
  async function launched(handle: WorkflowHandle): Promise<void> {
    for (let i = 0; (await calls('StartRecovery', [handle.workflowId])) === 0; i++) {
      assert.ok(i < 600, 'the drill launched within 2 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('refuses a caller without a client certificate (the frontend requires mTLS)', async () => {
    const ca = readFileSync(path.join(stack.dataDir, 'certs', 'ca.pem'));
    const plain = Connection.connect({ address: stack.address, connectTimeout: 3000 }).then((c) =>
      c.workflowService.getSystemInfo({}).finally(() => c.close()),
    );
    await assert.rejects(plain, 'plain gRPC is refused');
    const noClientCert = Connection.connect({
      address: stack.address,
      connectTimeout: 3000,
      tls: { serverNameOverride: 'localhost', serverRootCACertificate: ca },
    }).then((c) => c.workflowService.getSystemInfo({}).finally(() => c.close()));
    await assert.rejects(noClientCert, 'TLS without a client certificate is refused');
  });

  it('runs a drill started by drsctl through the envconfig profile the workers use', async () => {
    const sourceServerIds = await pickHealthyServers(drs, 2);
    const workflowId = `survival-drsctl-${Date.now()}`;
    const args = ['drill', ...sourceServerIds.flatMap((id) => ['--source-server', id])];
    const result = await runDrsctl(
      [...args, '--hold', '5', '--workflow-id', workflowId, '--wait'],
      stack.temporalEnv(),
      300_000,
    );
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    // the stack's first drill: cold workers and capacity queue, so not the baseline
    await assertCleanDrill('firstByDrsctl', client.workflow.getHandle(workflowId), sourceServerIds);
  });

  it('finishes an undisturbed drill, the baseline of the two below', async () => {
    const sourceServerIds = await pickHealthyServers(drs, 2);
    const handle = await startDrill(`survival-undisturbed-${Date.now()}`, sourceServerIds);
    await assertCleanDrill('undisturbed', handle, sourceServerIds);
  });

  it('finishes a drill SUCCEEDED when the Temporal server is killed (kill -9) and restarted mid-drill', async () => {
    const sourceServerIds = await pickHealthyServers(drs, 2);
    const handle = await startDrill(`survival-server-killed-${Date.now()}`, sourceServerIds);
    await launched(handle);
    const killedAt = Date.now();
    stack.killServer();
    for (let i = 0; stack.alive('temporal-server'); i++) {
      assert.ok(i < 100, 'the server died');
      await new Promise((r) => setTimeout(r, 100));
    }
    await stack.startServer();
    outages.serverKilled = since(killedAt);
    await assertCleanDrill('serverKilled', handle, sourceServerIds);
  });

  it('finishes a drill SUCCEEDED when PostgreSQL restarts mid-drill', async () => {
    const sourceServerIds = await pickHealthyServers(drs, 2);
    const handle = await startDrill(`survival-postgres-restarted-${Date.now()}`, sourceServerIds);
    await launched(handle);
    const stoppedAt = Date.now();
    stack.restartPostgres();
    outages.postgresRestarted = since(stoppedAt);
    await assertCleanDrill('postgresRestarted', handle, sourceServerIds);
  });

  describe('the upgrade procedure of docs/deployment.md, on this server', () => {
    upgradeProcedureTests(() => ({
      client,
      temporalEnv: stack.temporalEnv(),
      emulatorUrl: stack.emulatorUrl,
      emulator,
    }));
  });
});
