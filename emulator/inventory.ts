// The seeded default inventory: what DescribeSourceServers lists on a fresh emulator. Ids come from
// the seed (different per region), so look servers up through the API or these helpers rather than
// hard-coding them.
import {
  DescribeSourceServersCommand,
  type DrsClient,
  type DataReplicationState,
  type SourceServer,
} from '@aws-sdk/client-drs';
import type { Partition } from './model';
import { seedNetworks } from './networks';
import { SeededRandom } from './random';
import type { EmulatorStore } from './store';

/** The account a client is in unless its access key id names another (see emulator/README.md). */
export const DEFAULT_ACCOUNT = '111122223333';
/** A staging account holding replicated servers that the default account extends. */
export const STAGING_ACCOUNT = '444455556666';
export const DEFAULT_REGION = 'us-east-1';

export interface ServerSpec {
  hostname: string;
  state: DataReplicationState;
  tags: Record<string, string>;
  disksGiB: number[];
  windows?: boolean;
  /** An EC2-originated server (sourceCloudProperties set; ReverseReplication applies). */
  ec2Origin?: boolean;
  /** Id of a staging-account server this one extends (CreateExtendedSourceServer). */
  extendedFrom?: string;
}

const tags = (hostname: string, tier: string, wave: string): Record<string, string> => ({
  Name: hostname,
  Environment: 'production',
  Tier: tier,
  Wave: wave,
});

/** The default account: five healthy servers for drills and one in each problem state. */
const DEFAULT_ACCOUNT_SERVERS: readonly ServerSpec[] = [
  { hostname: 'web-01', state: 'CONTINUOUS', tags: tags('web-01', 'web', '1'), disksGiB: [30] },
  { hostname: 'web-02', state: 'CONTINUOUS', tags: tags('web-02', 'web', '1'), disksGiB: [30] },
  { hostname: 'app-01', state: 'CONTINUOUS', tags: tags('app-01', 'app', '2'), disksGiB: [50, 100] },
  {
    hostname: 'app-02',
    state: 'CONTINUOUS',
    tags: tags('app-02', 'app', '2'),
    disksGiB: [50, 100],
    windows: true,
  },
  {
    hostname: 'db-01',
    state: 'CONTINUOUS',
    tags: tags('db-01', 'db', '3'),
    disksGiB: [50, 500],
    ec2Origin: true,
  },
  { hostname: 'batch-01', state: 'STALLED', tags: tags('batch-01', 'batch', '4'), disksGiB: [80] },
  { hostname: 'legacy-01', state: 'DISCONNECTED', tags: tags('legacy-01', 'legacy', '4'), disksGiB: [40] },
  { hostname: 'reports-01', state: 'STOPPED', tags: tags('reports-01', 'reports', '4'), disksGiB: [60] },
  { hostname: 'new-01', state: 'INITIAL_SYNC', tags: tags('new-01', 'app', '5'), disksGiB: [200] },
];

/** The staging account; stg-app-01 is already extended into the default account. */
const STAGING_ACCOUNT_SERVERS: readonly ServerSpec[] = [
  { hostname: 'stg-app-01', state: 'CONTINUOUS', tags: tags('stg-app-01', 'app', '2'), disksGiB: [40] },
  { hostname: 'stg-app-02', state: 'CONTINUOUS', tags: tags('stg-app-02', 'app', '2'), disksGiB: [40] },
  { hostname: 'stg-db-01', state: 'CONTINUOUS', tags: tags('stg-db-01', 'db', '3'), disksGiB: [100, 400] },
];

/** Creates the default inventory of one region (both accounts, plus two MGN servers). */
export function seedRegion(store: EmulatorStore, region: string): void {
  const rng = new SeededRandom(store.seed).fork(`inventory:${region}`);
  const target = store.partition(DEFAULT_ACCOUNT, region);
  const staging = store.partition(STAGING_ACCOUNT, region);
  const add = (p: Partition, spec: ServerSpec) => store.addSourceServer(p, spec, rng);
  const stagingServers = STAGING_ACCOUNT_SERVERS.map((spec) => add(staging, spec));
  for (const spec of DEFAULT_ACCOUNT_SERVERS) add(target, spec);
  const extended = stagingServers[0];
  add(target, { ...STAGING_ACCOUNT_SERVERS[0], extendedFrom: extended.id });
  store.addMgnServer(target, 'files-01', 'SNAPSHOT_SHIPPING', 'PENDING_SNAPSHOT_SHIPPING');
  store.addMgnServer(target, 'erp-01', 'AGENT_BASED', 'CONTINUOUS');
  seedNetworks(store, target);
}

/**
 * Ids of `count` servers a drill can use: CONTINUOUS replication, no recovery instance, no launch in
 * progress, replicating in this account (not extended). Sorted by hostname, so the choice is stable.
 */
export async function pickHealthyServers(drs: DrsClient, count = 3): Promise<string[]> {
  const healthy: SourceServer[] = [];
  let nextToken: string | undefined;
  do {
    const page = await drs.send(new DescribeSourceServersCommand({ filters: {}, nextToken }));
    healthy.push(
      ...(page.items ?? []).filter(
        (s) =>
          s.dataReplicationInfo?.dataReplicationState === 'CONTINUOUS' &&
          !s.recoveryInstanceId &&
          s.lastLaunchResult !== 'PENDING' &&
          s.stagingArea?.status !== 'EXTENDED',
      ),
    );
    nextToken = page.nextToken;
  } while (nextToken);
  const sorted = healthy.sort((a, b) =>
    (a.sourceProperties?.identificationHints?.hostname ?? '').localeCompare(
      b.sourceProperties?.identificationHints?.hostname ?? '',
    ),
  );
  if (sorted.length < count) throw new Error(`only ${sorted.length} healthy source servers, wanted ${count}`);
  return sorted.slice(0, count).map((s) => s.sourceServerID as string);
}
