// One DRS (and MGN, EC2, SSM) client per (account, region), created on first use and reused: the
// SDK keeps a connection pool per client, and credentials per account are resolved once. EC2 and SSM
// (boot evidence) use the same credentials and role per account as DRS; only their endpoint
// overrides are their own.
//
// Retries: the SDK's own retries are OFF (maxAttempts 1) by default. Retries happen in Temporal's
// activity retry policy instead (and, for reads only, a few tries within drsCall: errors.ts), for
// two reasons:
//  - StartRecovery and TerminateRecoveryInstances are not idempotent; an SDK retry after a lost
//    response would launch twice. A Temporal retry re-runs the whole activity, which looks up
//    the job the first attempt may have created before reissuing (activities/idempotency.ts).
//  - SDK retries inside Temporal retries multiply (3 x N attempts) into a storm against an
//    account that is already throttling us. One layer, with backoff, keeps the count bounded.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DrsClient, type DrsClientConfig } from '@aws-sdk/client-drs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { MgnClient } from '@aws-sdk/client-mgn';
import { SSMClient } from '@aws-sdk/client-ssm';

/** No endpoint override: the region's public endpoint. */
const PUBLIC_ENDPOINT = '';

/** Credentials for one account: static ones or a provider (e.g. an assumed role). */
export type DrsCredentials = NonNullable<DrsClientConfig['credentials']>;

interface DrsClientFactoryOptions {
  /** DRS endpoint override (DRS_ENDPOINT: a VPC interface or FIPS endpoint, or the emulator). */
  endpoint?: string;
  /** EC2 and SSM endpoint overrides (EC2_ENDPOINT, SSM_ENDPOINT; the emulator serves both at its one address). */
  ec2Endpoint?: string;
  ssmEndpoint?: string;
  /** CloudFormation endpoint override (CLOUDFORMATION_ENDPOINT): a drill's network stacks are deleted there. */
  cloudFormationEndpoint?: string;
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

export class AwsClientFactory {
  private readonly drsClients = new Map<string, DrsClient>();
  private readonly mgnClients = new Map<string, MgnClient>();
  private readonly ec2Clients = new Map<string, EC2Client>();
  private readonly ssmClients = new Map<string, SSMClient>();
  private readonly cloudFormationClients = new Map<string, CloudFormationClient>();

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

  /** The EC2 client (instance status checks, console output), same caching and credentials. */
  ec2Client(region: string | undefined, accountId?: string): EC2Client {
    const endpoint = this.options.ec2Endpoint;
    return this.cached(this.ec2Clients, region, accountId, (config) => new EC2Client(config), endpoint);
  }

  /** The SSM client (agent registration, in-guest checks), same caching and credentials. */
  ssmClient(region: string | undefined, accountId?: string): SSMClient {
    const endpoint = this.options.ssmEndpoint;
    return this.cached(this.ssmClients, region, accountId, (config) => new SSMClient(config), endpoint);
  }

  /** The CloudFormation client (a drill's recovered network stacks), same caching and credentials. */
  cloudFormationClient(region: string | undefined, accountId?: string): CloudFormationClient {
    // no fallback to the DRS endpoint: a DRS VPC endpoint does not serve CloudFormation
    const endpoint = this.options.cloudFormationEndpoint ?? PUBLIC_ENDPOINT;
    return this.cached(
      this.cloudFormationClients,
      region,
      accountId,
      (config) => new CloudFormationClient(config),
      endpoint,
    );
  }

  /** One client per account and region, made on first use. */
  private cached<C>(
    cache: Map<string, C>,
    region: string | undefined,
    accountId: string | undefined,
    make: (config: ReturnType<AwsClientFactory['clientConfig']>) => C,
    endpoint = this.options.endpoint,
  ): C {
    const key = `${accountId ?? ''}/${region ?? this.options.defaultRegion}`;
    let client = cache.get(key);
    if (!client) {
      client = make(this.clientConfig(region, accountId, endpoint));
      cache.set(key, client);
    }
    return client;
  }

  /** Closes every cached client's sockets (worker shutdown, tests). */
  destroy(): void {
    const caches = [
      this.drsClients,
      this.mgnClients,
      this.ec2Clients,
      this.ssmClients,
      this.cloudFormationClients,
    ];
    for (const cache of caches) {
      for (const client of cache.values()) client.destroy();
      cache.clear();
    }
  }

  private clientConfig(
    region: string | undefined,
    accountId: string | undefined,
    endpoint: string | undefined,
  ) {
    const { credentialsFor, maxAttempts } = this.options;
    const credentials = credentialsFor?.(accountId);
    return {
      region: region ?? this.options.defaultRegion,
      maxAttempts: maxAttempts ?? 1,
      ...(endpoint ? { endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    };
  }
}
