// All emulator state: partitions per (account, region), global id indexes, scenarios, config and
// the scheduler of due lifecycle steps. `now()` is the only way to read the clock: it first runs
// every step that has become due, so whatever a request sees is consistent with that instant.
import type { DataReplicationState } from '@aws-sdk/client-drs';
import { EmulatorClock } from './clock';
import { durationsFor, type Range } from './durations';
import { seedRegion, DEFAULT_ACCOUNT, STAGING_ACCOUNT, type ServerSpec } from './inventory';
import type { LaunchConfigurationTemplate, ReplicationConfiguration } from '@aws-sdk/client-drs';
import type {
  JobRecord,
  MgnServerRecord,
  Partition,
  RecoveryInstanceRecord,
  SourceServerRecord,
} from './model';
import { ids, SeededRandom } from './random';
import { effective } from './replication';
import { Scheduler } from './scheduler';
import type { EmulatorConfig, EmulatorStateSnapshot, InventoryKind, Scenario } from './types';
import { iso } from './clock';
import { DEFAULT_PIT_POLICY } from './snapshots';

interface StoreOptions {
  seed: number;
  clock: EmulatorClock;
  inventory: InventoryKind;
  config: EmulatorConfig;
}

export class EmulatorStore {
  readonly seed: number;
  readonly clock: EmulatorClock;
  readonly inventory: InventoryKind;
  config: EmulatorConfig;
  scenarios: Scenario[] = [];

  readonly servers = new Map<string, SourceServerRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly recoveryInstances = new Map<string, RecoveryInstanceRecord>();
  readonly mgnServers = new Map<string, MgnServerRecord>();
  /** Ids, jitter and anything else random that the lifecycle needs. */
  readonly rng: SeededRandom;

  private readonly partitions = new Map<string, Partition>();
  private readonly seededRegions = new Set<string>();
  private readonly scheduler = new Scheduler();
  private seq = 0;

  constructor(options: StoreOptions) {
    this.seed = options.seed;
    this.clock = options.clock;
    this.inventory = options.inventory;
    this.config = options.config;
    this.rng = new SeededRandom(options.seed).fork('lifecycle');
  }

  /** The emulator-clock time, after every lifecycle step due by then has run. */
  now(): number {
    const t = this.clock.now();
    this.scheduler.runUntil(t);
    return t;
  }

  /** Runs `step` when the emulator clock reaches `at` (or at the next request after that). */
  schedule(at: number, step: () => void): void {
    this.scheduler.at(at, step);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** A duration in ms drawn from one of the profile's ranges, scaled by timeScale. */
  duration(pick: (d: ReturnType<typeof durationsFor>) => Range): number {
    const [min, max] = pick(durationsFor(this.config.durations));
    return Math.round(this.rng.between(min, max) * 1000 * this.config.timeScale);
  }

  /** The account's view of one region; the default inventory is created on first use of a region. */
  partition(accountId: string, region: string): Partition {
    this.ensureRegion(region);
    return this.partitionOf(accountId, region);
  }

  ensureRegion(region: string): void {
    if (this.seededRegions.has(region)) return;
    this.seededRegions.add(region);
    if (this.inventory === 'default') seedRegion(this, region);
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  addSourceServer(partition: Partition, spec: ServerSpec, rng: SeededRandom = this.rng): SourceServerRecord {
    const now = this.clock.now();
    const id = ids.sourceServer(rng);
    const arn = `arn:aws:drs:${partition.region}:${partition.accountId}:source-server/${id}`;
    const staging = spec.extendedFrom ? this.servers.get(spec.extendedFrom) : undefined;
    const gib = 1024 ** 3;
    const server: SourceServerRecord = {
      seq: this.nextSeq(),
      id,
      arn,
      accountId: partition.accountId,
      region: partition.region,
      hostname: spec.hostname,
      tags: { ...spec.tags },
      addedAt: now - 30 * 86400_000,
      agentVersion: '4.7.1',
      sourceProperties: {
        lastUpdatedDateTime: iso(now - 3600_000),
        recommendedInstanceType: spec.windows ? 'm5.large' : 't3.medium',
        identificationHints: {
          hostname: spec.hostname,
          fqdn: `${spec.hostname}.corp.example.com`,
          ...(spec.ec2Origin ? { awsInstanceID: ids.ec2Instance(rng) } : {}),
        },
        networkInterfaces: [
          {
            macAddress: `02:00:${[1, 2, 3, 4].map(() => rng.int(16, 255).toString(16)).join(':')}`,
            ips: [`10.0.${rng.int(0, 255)}.${rng.int(2, 254)}`],
            isPrimary: true,
          },
        ],
        disks: spec.disksGiB.map((size, i) => ({
          deviceName: spec.windows ? `disk${i}` : `/dev/xvd${String.fromCharCode(97 + i)}`,
          bytes: size * gib,
        })),
        cpus: [{ cores: spec.windows ? 4 : 2, modelName: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz' }],
        ramBytes: (spec.windows ? 16 : 8) * gib,
        os: { fullString: spec.windows ? 'Microsoft Windows Server 2019 Datacenter' : 'Amazon Linux 2' },
        supportsNitroInstances: true,
      },
      ...(spec.ec2Origin
        ? {
            sourceCloudProperties: {
              originAccountID: partition.accountId,
              originRegion: 'us-west-2',
              originAvailabilityZone: 'us-west-2a',
            },
          }
        : {}),
      // An extended server mirrors its staging server's replication: they share one record.
      replication: staging
        ? staging.replication
        : {
            state: 'CONTINUOUS',
            since: now,
            initiatedAt: now - 30 * 86400_000,
            baseLagMs: rng.int(1, 12) * 1000,
            stagingAvailabilityZone: `${partition.region}a`,
            // the initial sync finished a day after the server was added
            snapshotsFrom: now - 29 * 86400_000,
          },
      lastLaunchResult: 'NOT_STARTED',
      replicationDirection: 'FAILOVER',
      staging: staging
        ? { status: 'EXTENDED', stagingAccountID: staging.accountId, stagingSourceServerArn: staging.arn }
        : { status: 'NOT_EXTENDED', stagingAccountID: partition.accountId },
      ...(staging ? { extendedFrom: staging.id } : {}),
      launchConfiguration: {
        sourceServerID: id,
        name: spec.hostname,
        ec2LaunchTemplateID: ids.launchTemplate(rng),
        ...LAUNCH_DEFAULTS,
        launchIntoInstanceProperties: {},
        recoveryMode: 'OPTIMAL',
      },
      replicationConfiguration: defaultReplicationConfiguration(id, spec),
    };
    if (!staging) this.initialReplication(server, spec.state, now);
    partition.servers.set(id, server);
    this.servers.set(id, server);
    return server;
  }

  addMgnServer(
    partition: Partition,
    hostname: string,
    replicationType: MgnServerRecord['replicationType'],
    state: string,
  ): MgnServerRecord {
    const id = ids.sourceServer(this.rng);
    const server: MgnServerRecord = {
      seq: this.nextSeq(),
      id,
      arn: `arn:aws:mgn:${partition.region}:${partition.accountId}:source-server/${id}`,
      accountId: partition.accountId,
      region: partition.region,
      hostname,
      replicationType,
      state,
      since: this.clock.now(),
      tags: { Name: hostname },
    };
    partition.mgnServers.set(id, server);
    this.mgnServers.set(id, server);
    return server;
  }

  /** Whether a launch scenario names this server (or names none, meaning every server). */
  scenarioFor<T extends Scenario['type']>(
    type: T,
    sourceServerID?: string,
  ): Extract<Scenario, { type: T }> | undefined {
    const matching = this.scenarios.filter((s): s is Extract<Scenario, { type: T }> => s.type === type);
    return matching.reverse().find((s) => {
      const list = 'sourceServerIds' in s ? s.sourceServerIds : undefined;
      return !list || sourceServerID === undefined || list.includes(sourceServerID);
    });
  }

  snapshot(): Omit<EmulatorStateSnapshot, 'faults'> {
    const now = this.now();
    return {
      now: iso(now),
      seed: this.seed,
      config: this.config,
      scenarios: this.scenarios,
      servers: [...this.servers.values()].map((s) => ({
        sourceServerID: s.id,
        accountId: s.accountId,
        region: s.region,
        hostname: s.hostname,
        replicationState: effective(s.replication, now).state,
        replicationDirection: s.replicationDirection,
        ...(s.recoveryInstanceId ? { recoveryInstanceId: s.recoveryInstanceId } : {}),
        ...(s.extendedFrom ? { extendedFrom: s.extendedFrom } : {}),
        tags: s.tags,
      })),
      jobs: [...this.jobs.values()].map((j) => ({
        jobID: j.id,
        accountId: j.accountId,
        region: j.region,
        type: j.type,
        initiatedBy: j.initiatedBy,
        status: j.status,
        sourceServerIDs: j.participants.map((p) => p.sourceServerID),
        tags: j.tags,
      })),
      recoveryInstances: [...this.recoveryInstances.values()].map((r) => ({
        recoveryInstanceID: r.id,
        accountId: r.accountId,
        region: r.region,
        sourceServerID: r.sourceServerID,
        jobID: r.jobID,
        isDrill: r.isDrill,
        ec2InstanceState: r.ec2State,
        failbackState: r.failback.state,
      })),
      mgnServers: [...this.mgnServers.values()].map((m) => ({
        sourceServerID: m.id,
        accountId: m.accountId,
        region: m.region,
        replicationType: m.replicationType,
        replicationState: m.state,
      })),
    };
  }

  private partitionOf(accountId: string, region: string): Partition {
    const key = `${accountId}/${region}`;
    let partition = this.partitions.get(key);
    if (!partition) {
      partition = {
        accountId,
        region,
        // The two inventory accounts are onboarded; any other account must call InitializeService.
        initialized: accountId === DEFAULT_ACCOUNT || accountId === STAGING_ACCOUNT,
        servers: new Map(),
        jobs: new Map(),
        recoveryInstances: new Map(),
        mgnServers: new Map(),
        activeJobs: new Set(),
        peak: { activeJobs: 0, serversInActiveJobs: 0 },
        launchConfigurationTemplates: new Map(),
        guests: new Map(),
        commands: new Map(),
        launchActions: new Map(),
      };
      const template = defaultLaunchConfigurationTemplate(
        accountId,
        region,
        new SeededRandom(this.seed).fork(key),
      );
      partition.launchConfigurationTemplates.set(template.launchConfigurationTemplateID as string, template);
      this.partitions.set(key, partition);
    }
    return partition;
  }

  /** Puts a new server into `state` as if it had been there a while. */
  private initialReplication(server: SourceServerRecord, state: DataReplicationState, now: number): void {
    const rep = server.replication;
    rep.state = state;
    rep.since = now;
    switch (state) {
      case 'CONTINUOUS':
        return;
      case 'INITIAL_SYNC':
      case 'INITIATING': {
        const syncMs = this.duration((d) => d.initialSync);
        rep.initiatedAt = now - 60_000;
        rep.catchUp = { startedAt: now - syncMs * 0.2, endsAt: now + syncMs * 0.8, fromScratch: true };
        rep.state = 'INITIATING';
        rep.snapshotsFrom = undefined;
        return;
      }
      case 'STALLED':
        rep.dataAsOf = now - 2 * 3600_000;
        rep.error = { error: 'AGENT_NOT_SEEN', rawError: 'Agent not seen by the service for 2 hours' };
        return;
      case 'DISCONNECTED':
        rep.dataAsOf = now - 26 * 3600_000;
        return;
      default:
        // STOPPED and anything else: no usable snapshots (StopReplication deletes them).
        rep.dataAsOf = undefined;
        rep.snapshotsFrom = undefined;
    }
  }
}

/** The account's launch configuration template, which is also what a new server starts with. */
const LAUNCH_DEFAULTS = {
  launchDisposition: 'STARTED',
  targetInstanceTypeRightSizingMethod: 'BASIC',
  copyPrivateIp: false,
  copyTags: true,
  licensing: { osByol: true },
  postLaunchEnabled: false,
} as const satisfies LaunchConfigurationTemplate;

/** DRS's default replication settings; every server of an account shares one staging subnet. */
function defaultReplicationConfiguration(sourceServerID: string, spec: ServerSpec): ReplicationConfiguration {
  return {
    sourceServerID,
    name: spec.hostname,
    stagingAreaSubnetId: 'subnet-0a1b2c3d4e5f60718',
    associateDefaultSecurityGroup: true,
    replicationServersSecurityGroupsIDs: [],
    replicationServerInstanceType: 't3.small',
    useDedicatedReplicationServer: false,
    defaultLargeStagingDiskType: 'GP3',
    replicatedDisks: spec.disksGiB.map((_, i) => ({
      deviceName: spec.windows ? `disk${i}` : `/dev/xvd${String.fromCharCode(97 + i)}`,
      isBootDisk: i === 0,
      stagingDiskType: 'AUTO',
      optimizedStagingDiskType: 'GP3',
    })),
    ebsEncryption: 'DEFAULT',
    bandwidthThrottling: 0,
    dataPlaneRouting: 'PRIVATE_IP',
    createPublicIP: false,
    stagingAreaTags: {},
    pitPolicy: DEFAULT_PIT_POLICY,
    autoReplicateNewDisks: true,
  };
}

function defaultLaunchConfigurationTemplate(
  accountId: string,
  region: string,
  rng: SeededRandom,
): LaunchConfigurationTemplate & { seq: number } {
  const id = `lct-${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 17)}`;
  return {
    seq: 1,
    launchConfigurationTemplateID: id,
    arn: `arn:aws:drs:${region}:${accountId}:launch-configuration-template/${id}`,
    tags: {},
    ...LAUNCH_DEFAULTS,
    launchIntoSourceInstance: false,
  };
}
