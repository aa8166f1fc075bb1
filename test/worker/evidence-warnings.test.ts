// The real worker process with an s3:// evidence store on moto's S3 server: a bucket without
// versioning and Object Lock is a warning at start, not a failure (the worker goes on to poll), and
// a bucket with both starts without one. The keys are moto's test keys, from the environment.
import { strict as assert } from 'node:assert';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { devServerEnv } from '../helpers/temporal';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto';
import { WorkerProcess, workerEnv } from './worker-process';

/** moto takes any secret; this one is findable in the log if it leaked. */
const SECRET = 'moto-secret-never-logged';

describe('worker start with an S3 evidence store (moto)', function () {
  this.timeout(180_000);
  let moto: MotoServer;
  let s3: S3Client;
  before(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-evidence' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'locked-evidence', ObjectLockEnabledForBucket: true }));
  });
  after(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  async function startWorker(bucket: string): Promise<WorkerProcess> {
    const env = await devServerEnv();
    const worker = new WorkerProcess(
      await workerEnv({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: `evidence-warnings-${Date.now()}`,
        DRS_EVIDENCE_URL: `s3://${bucket}/evidence`,
        DRS_EVIDENCE_ENDPOINT: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SECRET,
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

  it('starts without a warning on a bucket with Object Lock (and so versioning)', async () => {
    const worker = await startWorker('locked-evidence');
    try {
      assert.deepEqual(
        worker.logs.filter((l) => l.msg.startsWith('evidence store:')),
        [],
      );
    } finally {
      await worker.stop();
    }
  });
});
