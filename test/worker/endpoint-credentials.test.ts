// The real worker process with DRS_ENDPOINT set and no DRS_EMULATOR, as in a VPC with an interface
// endpoint: its credentials come from the AWS SDK's default chain, here the container credentials
// endpoint (ECS task role, EKS Pod Identity), stood in for by a loopback server. The emulator reads
// the account from the access key id, so the drill must act in the role's account only; a role in
// another account is assumed through STS_ENDPOINT.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DrillReport } from '../../common/types';
import { DEFAULT_ACCOUNT, STAGING_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { devServerEnv } from '../helpers/temporal';
import { WorkerProcess, workerEnv } from './worker-process';

/** The task role's key: the emulator maps it to the staging account, not its default one. */
const ROLE_ACCESS_KEY_ID = `ASIA${STAGING_ACCOUNT}CONTAINER`;
const ROLE_SESSION_TOKEN = 'container-session-token';
const AUTHORIZATION = 'pod-identity-token';

/** The container credentials endpoint: the role's temporary keys, for callers showing the token. */
async function startContainerCredentials(): Promise<{ url: string; requests: number; server: Server }> {
  const endpoint = { url: '', requests: 0, server: createServer() };
  endpoint.server.on('request', (req, res) => {
    endpoint.requests++;
    if (req.headers.authorization !== AUTHORIZATION) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        AccessKeyId: ROLE_ACCESS_KEY_ID,
        SecretAccessKey: 'container-secret',
        Token: ROLE_SESSION_TOKEN,
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.server.address() as AddressInfo;
  endpoint.url = `http://127.0.0.1:${port}/v1/credentials`;
  return endpoint;
}

describe('worker process: credentials with an endpoint override (no DRS_EMULATOR)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let emulator: RunningEmulator;
  let credentials: Awaited<ReturnType<typeof startContainerCredentials>>;
  let worker: WorkerProcess;
  const taskQueue = `drs-endpoint-credentials-${Date.now()}`;

  before(async () => {
    env = await devServerEnv();
    emulator = await startEmulator({ timeScale: 0.1, quiet: true });
    credentials = await startContainerCredentials();
    const dir = mkdtempSync(path.join(tmpdir(), 'drs-container-credentials-'));
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, AUTHORIZATION);
    worker = new WorkerProcess(
      await workerEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DRS_ENDPOINT: emulator.url,
        STS_ENDPOINT: emulator.url,
        DRS_ACCOUNT_ROLE_NAME: 'temporal-drs',
        // the only credentials there are (workerEnv passes no AWS_* variable of this process)
        AWS_CONTAINER_CREDENTIALS_FULL_URI: credentials.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        AWS_CONFIG_FILE: path.join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      }),
    );
    await worker.waitForLog((l) => l.msg === 'worker polling');
  });

  after(async () => {
    await worker?.stop();
    await emulator?.close();
    credentials?.server.close();
  });

  beforeEach(() => emulator.control.clearAudit());

  async function drill(input: Record<string, unknown>, name: string): Promise<DrillReport> {
    const handle = await env.client.workflow.start('drsDrill', {
      taskQueue,
      workflowId: `${name}-${Date.now()}`,
      args: [{ region: 'us-east-1', ...input }],
    });
    return (await handle.result()) as DrillReport;
  }

  it("drills in the container role's account and never touches the emulator's default account", async () => {
    const servers = await emulator.control.addServers({ count: 2, accountId: STAGING_ACCOUNT });
    const report = await drill({ sourceServerIds: servers }, 'drill-container-role');
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);

    const audit = await emulator.control.audit();
    const accepted = (operation: string) =>
      audit.filter((e) => e.operation === operation && e.statusCode < 300).length;
    assert.equal(accepted('StartRecovery'), 1);
    assert.equal(accepted('TerminateRecoveryInstances'), 1);
    assert.deepEqual(
      audit.filter((e) => e.accountId !== STAGING_ACCOUNT).map((e) => `${e.operation} in ${e.accountId}`),
      [],
      "every call in the role's account",
    );
    const state = await emulator.control.state();
    assert.deepEqual(
      state.jobs.filter((j) => j.accountId === DEFAULT_ACCOUNT),
      [],
      'no job in the default account',
    );
    assert.ok(credentials.requests >= 1, 'the keys came from the container credentials endpoint');
    assert.doesNotMatch(worker.output, new RegExp(`container-secret|${ROLE_SESSION_TOKEN}|${AUTHORIZATION}`));
  });

  it('assumes the role of another account through STS_ENDPOINT with the container role', async () => {
    const servers = await emulator.control.addServers({ count: 1, accountId: DEFAULT_ACCOUNT });
    const report = await drill(
      { sourceServerIds: servers, accountId: DEFAULT_ACCOUNT },
      'drill-assumed-role',
    );
    assert.equal(report.outcome, 'SUCCEEDED', report.summary);

    const audit = await emulator.control.audit();
    const assumed = audit.filter((e) => e.operation === 'sts:AssumeRole');
    assert.equal(assumed.length, 1, 'one AssumeRole, its credentials reused');
    assert.equal(assumed[0].accountId, STAGING_ACCOUNT, 'called with the container role');
    assert.equal(
      (assumed[0].request as { RoleArn: string }).RoleArn,
      `arn:aws:iam::${DEFAULT_ACCOUNT}:role/temporal-drs`,
    );
    const drsCalls = audit.filter((e) => !e.operation.startsWith('sts:'));
    assert.ok(drsCalls.some((e) => e.operation === 'StartRecovery'));
    for (const call of drsCalls) assert.equal(call.accountId, DEFAULT_ACCOUNT, call.operation);
  });
});
