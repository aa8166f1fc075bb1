// The evidence store: write-once objects under keys of one layout (layout.ts), in a folder
// (`file://`) or an S3 bucket (`s3://`). The worker only puts; drsctl and readiness also read and list.
import { FileEvidenceStore } from './file-store';
import { S3EvidenceStore, type S3StoreOptions } from './s3-store';
import type { EvidenceStoreConfig } from './config';

export interface EvidenceStore {
  /** Where it is, for messages: the URL (it holds no secret: credentials never go in it). */
  readonly location: string;
  put(key: string, body: string | Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under `prefix` (a folder of the layout, ending in `/`, or '' for all). */
  list(prefix: string): Promise<string[]>;
  /** What an auditor would find wrong with the store's settings (worker start logs them as warnings). */
  settingsWarnings(): Promise<string[]>;
}

export function openEvidenceStore(
  config: EvidenceStoreConfig,
  s3?: Pick<S3StoreOptions, 'credentials' | 'region'>,
): EvidenceStore {
  const url = new URL(config.url);
  if (url.protocol === 'file:') return new FileEvidenceStore(config.url);
  if (url.protocol === 's3:')
    return new S3EvidenceStore({
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')),
      endpoint: config.s3Endpoint,
      kmsKeyId: config.kmsKeyId,
      retention: config.retention,
      ...s3,
    });
  throw new Error(`evidence store: unsupported URL scheme ${url.protocol} (file:// or s3://)`);
}
