// The real worker process with an s3:// evidence store on moto's S3 server: a bucket without
// versioning and Object Lock is a warning at start, not a failure (the worker goes on to poll), and
// a bucket with both starts without one; there a drill (the emulator behind the worker) writes its
// evidence encrypted and locked, and drsctl lists and verifies it from S3. Keys from the environment.
import { strict as assert } from 'node:assert';
import { DrsClient } from '@aws-sdk/client-drs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { emulatorClientConfig, pickHealthyServers, startEmulator } from '../../emulator';
import { runDrsctl } from '../cli/stack';
import { devServerEnv } from '../helpers/temporal';
import { MOTO_CREDENTIALS, useMotoS3 } from '../helpers/moto';
import { WorkerProcess, workerEnv } from './worker-process';

/** moto takes any secret; this one is findable in the log if it leaked. */
const SECRET = 'moto-secret-never-logged';

describe('worker start with an S3 evidence store (moto)', function () {
  this.timeout(180_000);
  const taskQueue = `evidence-s3-${Date.now()}`;
  const moto = useMotoS3();
  before(async () => {
    await moto.createBucket('plain-evidence');
    await moto.createBucket('locked-evidence', { locked: true });
  });

  async function startWorker(bucket: string, extra: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
    const env = await devServerEnv();
    const worker = new WorkerProcess(
      await workerEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DRS_EVIDENCE_URL: `s3://${bucket}/evidence`,
        DRS_EVIDENCE_ENDPOINT: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SECRET,
        ...extra,
      }),
    );
    await worker.waitForLog((l) => l.msg === 'worker polling', 120_000);
    return worker;
  }

  it('warns about a bucket without versioning or Object Lock, and polls anyway', async () => {
    const worker = await startWorker('plain-evidence');
    try {
      const warnings = worker.logs.filter((l) => l.level === 'warn' && l.msg.startsWith('evidence store:'));
      assert.deepEqual(
        warnings.map((l) => l.msg),
        [
          'evidence store: bucket plain-evidence has no versioning: an overwritten evidence object is lost',
          'evidence store: bucket plain-evidence has no Object Lock: evidence can be changed or deleted',
        ],
      );
      assert.equal(warnings[0].evidenceStore, 's3://plain-evidence/evidence');
      assert.ok(!worker.output.includes(SECRET), 'no secret in the log');
    } finally {
      await worker.stop();
    }
  });

  it('starts quietly on a locked bucket; a drill writes its evidence there, locked, and drsctl verifies it', async () => {
    const emulator = await startEmulator({ timeScale: 0.1, quiet: true });
    const worker = await startWorker('locked-evidence', {
      DRS_EMULATOR: 'true',
      DRS_ENDPOINT: emulator.url,
      DRS_EVIDENCE_KMS_KEY_ID: 'alias/drs-evidence',
      DRS_EVIDENCE_RETENTION_MODE: 'GOVERNANCE',
      DRS_EVIDENCE_RETENTION_DAYS: '30',
    });
    try {
      assert.deepEqual(
        worker.logs.filter((l) => l.msg.startsWith('evidence store:')),
        [],
      );
      const drs = new DrsClient(emulatorClientConfig(emulator.url));
      const [server] = await pickHealthyServers(drs, 1);
      drs.destroy();
      const env = await devServerEnv();
      const cli = {
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        AWS_REGION: 'us-east-1',
        DRS_EVIDENCE_URL: 's3://locked-evidence/evidence',
        DRS_EVIDENCE_ENDPOINT: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SECRET,
      };
      const drill = await runDrsctl(['drill', '--source-server', server, '--wait'], cli);
      assert.equal(drill.code, 0, drill.stdout + drill.stderr);
      const workflowId = /drill (\S+): SUCCEEDED/.exec(drill.stdout)?.[1] ?? '';
      const folder = /evidence stored: (\S+)/.exec(drill.stderr)?.[1] ?? '';
      const head = await moto.s3.send(
        new HeadObjectCommand({ Bucket: 'locked-evidence', Key: `evidence/${folder}report.json` }),
      );
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.equal(head.ObjectLockMode, 'GOVERNANCE');
      const verified = await runDrsctl(['evidence', 'verify', workflowId], cli);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const listed = await runDrsctl(['evidence', 'list', '--server', server], cli);
      assert.match(listed.stdout, new RegExp(`drill +SUCCEEDED +${workflowId}`));
    } finally {
      await worker.stop();
      await emulator.close();
    }
  });
});
