// An S3 bucket as the evidence store: every object encrypted with SSE-KMS and, when configured,
// locked by Object Lock retention, so a year of evidence cannot be edited or deleted (COMPLIANCE:
// not even by the account's root). The worker needs only s3:PutObject on the prefix (and GetObject
// on its last-drill index, for readiness); drsctl's role reads (deploy/iam-policy.json).
import {
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { EvidenceStore } from './store';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix without slashes at either end ('' for the bucket's root). */
  prefix: string;
  endpoint?: string;
  kmsKeyId?: string;
  retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
  /** Default: the AWS SDK's default chain. */
  credentials?: S3ClientConfig['credentials'];
  region?: string;
}

const DAY_MS = 86_400_000;

export class S3EvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = new S3Client({
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // the activity's retry policy retries a failed write (one retry layer, as for DRS)
      maxAttempts: 1,
    });
  }

  private keyOf(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  async put(key: string, body: string | Buffer, contentType: string): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const { retention, kmsKeyId } = this.options;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.keyOf(key),
        Body: bytes,
        ContentType: contentType,
        // Object Lock requires an integrity header on the request
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        ServerSideEncryption: 'aws:kms',
        ...(kmsKeyId ? { SSEKMSKeyId: kmsKeyId } : {}),
        ...(retention
          ? {
              ObjectLockMode: retention.mode,
              ObjectLockRetainUntilDate: new Date(Date.now() + retention.days * DAY_MS),
            }
          : {}),
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
    } catch (err) {
      if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const strip = this.options.prefix ? this.options.prefix.length + 1 : 0;
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.options.bucket, Prefix: this.keyOf(prefix) },
    );
    for await (const page of pages)
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(strip));
    return keys.sort();
  }

  /**
   * Versioning and Object Lock, which make stored evidence immutable; a missing one is a warning. The
   * worker's policy grants no bucket reads (deploy/iam-policy.json), so a denied read says what to check.
   */
  async settingsWarnings(): Promise<string[]> {
    const warnings: string[] = [];
    const Bucket = this.options.bucket;
    try {
      const versioning = await this.client.send(new GetBucketVersioningCommand({ Bucket }));
      if (versioning.Status !== 'Enabled')
        warnings.push(`bucket ${Bucket} has no versioning: an overwritten evidence object is lost`);
    } catch (err) {
      warnings.push(
        `bucket ${Bucket}: versioning not readable (${(err as Error).name}): check it is Enabled`,
      );
    }
    try {
      const lock = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket }));
      if (lock.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled')
        warnings.push(`bucket ${Bucket} has no Object Lock: evidence can be changed or deleted`);
    } catch (err) {
      const name = (err as Error).name;
      warnings.push(
        name === 'ObjectLockConfigurationNotFoundError'
          ? `bucket ${Bucket} has no Object Lock: evidence can be changed or deleted`
          : `bucket ${Bucket}: Object Lock not readable (${name}): check it is Enabled, with a default retention`,
      );
    }
    return warnings;
  }
}
