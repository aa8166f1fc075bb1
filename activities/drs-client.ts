// One DRS (and MGN) client per (account, region), created on first use and reused: the SDK keeps a
// connection pool per client, and credentials per account are resolved once.
//
// Retries: the SDK's own retries are OFF (maxAttempts 1) by default. Every retry happens in
// Temporal's activity retry policy instead, for two reasons:
//  - StartRecovery and TerminateRecoveryInstances are not idempotent; an SDK retry after a lost
//    response would launch twice. A Temporal retry re-runs the whole activity, which looks up
//    the job the first attempt may have created before reissuing (activities/idempotency.ts).
//  - SDK retries inside Temporal retries multiply (3 x N attempts) into a storm against an
//    account that is already throttling us. One layer, with backoff, keeps the count bounded.
import { DrsClient, type DrsClientConfig } from '@aws-sdk/client-drs';
import { MgnClient } from '@aws-sdk/client-mgn';

/** Credentials for one account: static ones or a provider (e.g. an assumed role). */
export type DrsCredentials = NonNullable<DrsClientConfig['credentials']>;

export interface DrsClientFactoryOptions {
  /** DRS endpoint override (DRS_ENDPOINT: a VPC interface or FIPS endpoint, or the emulator). */
  endpoint?: string;
  /** Region when a call names none (AWS_REGION). */
  defaultRegion: string;
  /**
   * Credentials per account. `accountId` is undefined for the worker's own account. Return
   * undefined to use the SDK's default credential chain, whatever the endpoint. This is the seam
   * for assumed-role credentials per staging account, and for the emulator's keys.
   */
  credentialsFor?: (accountId: string | undefined) => DrsCredentials | undefined;
  /** SDK attempts per call; keep 1 (see the note at the top) unless you know the call is idempotent. */
  maxAttempts?: number;
}

export class DrsClientFactory {
  private readonly drsClients = new Map<string, DrsClient>();
  private readonly mgnClients = new Map<string, MgnClient>();

  constructor(private readonly options: DrsClientFactoryOptions) {}

  get defaultRegion(): string {
    return this.options.defaultRegion;
  }

  /** The DRS client for `accountId` (undefined = own account) in `region`. */
  drsClient(region: string | undefined, accountId?: string): DrsClient {
    return this.cached(this.drsClients, region, accountId, (config) => new DrsClient(config));
  }

  /** The MGN client (StartReplication for SNAPSHOT_SHIPPING agents), same caching. */
  mgnClient(region: string | undefined, accountId?: string): MgnClient {
    return this.cached(this.mgnClients, region, accountId, (config) => new MgnClient(config));
  }

  /** One client per account and region, made on first use. */
  private cached<C>(
    cache: Map<string, C>,
    region: string | undefined,
    accountId: string | undefined,
    make: (config: ReturnType<DrsClientFactory['clientConfig']>) => C,
  ): C {
    const key = `${accountId ?? ''}/${region ?? this.options.defaultRegion}`;
    let client = cache.get(key);
    if (!client) {
      client = make(this.clientConfig(region, accountId));
      cache.set(key, client);
    }
    return client;
  }

  /** Closes every cached client's sockets (worker shutdown, tests). */
  destroy(): void {
    for (const client of [...this.drsClients.values(), ...this.mgnClients.values()]) client.destroy();
    this.drsClients.clear();
    this.mgnClients.clear();
  }

  private clientConfig(region: string | undefined, accountId: string | undefined) {
    const { endpoint, credentialsFor, maxAttempts } = this.options;
    const credentials = credentialsFor?.(accountId);
    return {
      region: region ?? this.options.defaultRegion,
      maxAttempts: maxAttempts ?? 1,
      ...(endpoint ? { endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }
}
