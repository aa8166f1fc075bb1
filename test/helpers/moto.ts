// moto's S3-compatible server (installed from PyPI by scripts/install-tools.sh), started on
// 127.0.0.1 at a free port for the evidence store's s3:// tests, the way the Temporal servers are
// started: a real server over HTTP, driven by the real AWS SDK. useMotoS3: the suite hooks around it.
import { spawn } from 'node:child_process';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from '../../common/paths';
import { freePort } from '../../scripts/lib/ports';

interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** Any keys do for moto; they are fixed so no test reads the machine's own AWS credentials. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function startMoto(): Promise<MotoServer> {
  const bin = path.join(toolsDir(), 'bin', 'moto-server');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/install-tools.sh first`);
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`moto server did not answer on ${endpoint}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface MotoS3 {
  readonly endpoint: string;
  /** An S3 client on moto, for what the test checks or sets up beside the product's store. */
  readonly s3: S3Client;
  /** Creates `bucket`; `locked`: with Object Lock (which turns on versioning), as deploy/ documents. */
  createBucket(bucket: string, options?: { locked?: boolean }): Promise<string>;
}

/** moto started before the suite's tests and stopped after them (mocha hooks), with an S3 client. */
export function useMotoS3(): MotoS3 {
  let moto: MotoServer | undefined;
  let s3: S3Client | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('moto did not start');
    return value;
  };
  before(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: MOTO_CREDENTIALS,
    });
  });
  after(async () => {
    s3?.destroy();
    await moto?.stop();
  });
  return {
    get endpoint() {
      return started(moto).endpoint;
    },
    get s3() {
      return started(s3);
    },
    async createBucket(bucket, { locked = false } = {}) {
      await started(s3).send(
        new CreateBucketCommand({ Bucket: bucket, ...(locked ? { ObjectLockEnabledForBucket: true } : {}) }),
      );
      return bucket;
    },
  };
}
