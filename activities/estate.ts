// drsReadiness's reads of the staging accounts: ListStagingAccounts in the recovery account, then,
// in each staging account with the worker's role for it, a listing of its servers (how many
// replicate, and whether the servers the recovery account lacks are there). Read-only.
import { paginateListStagingAccounts } from '@aws-sdk/client-drs';
import {
  estateWarnings,
  MAX_REPLICATING_SERVERS_PER_ACCOUNT,
  type EstateReadiness,
  type StagingAccountReadiness,
} from '../common/readiness-estate';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { listAllSourceServers } from './drs-reads';
import { drsCall } from './errors';

const NOT_REPLICATING = new Set(['STOPPED', 'DISCONNECTED']);

export function createEstateActivities(clients: AwsClientFactory) {
  /**
   * Every staging account of the recovery account, each read with its own role. An account that
   * cannot be read is a finding (its error kept), not a failure. `missingServerIds`: servers not
   * found in the recovery account, looked for in each staging account.
   */
  async function readStagingEstate(
    input: DrsTarget & { missingServerIds: string[] },
  ): Promise<EstateReadiness> {
    const recovery = clients.drsClient(input.region, input.accountId);
    const listed = await drsCall('ListStagingAccounts', async () => {
      const ids: string[] = [];
      for await (const page of paginateListStagingAccounts({ client: recovery }, {}))
        ids.push(...(page.accounts ?? []).map((a) => a.accountID ?? ''));
      return ids;
    });
    const notExtended: Record<string, string> = {};
    const stagingAccounts: StagingAccountReadiness[] = [];
    for (const accountId of listed) {
      try {
        const client = clients.drsClient(input.region, accountId);
        const servers = await listAllSourceServers(client);
        const replicatingServers = servers.filter(
          (s) =>
            s.stagingArea?.status !== 'EXTENDED' &&
            s.stagingArea?.status !== 'EXTENSION_ERROR' &&
            !NOT_REPLICATING.has(s.dataReplicationInfo?.dataReplicationState ?? ''),
        ).length;
        for (const s of servers)
          if (s.sourceServerID && input.missingServerIds.includes(s.sourceServerID))
            notExtended[s.sourceServerID] = accountId;
        stagingAccounts.push({
          accountId,
          reachable: true,
          replicatingServers,
          headroom: MAX_REPLICATING_SERVERS_PER_ACCOUNT - replicatingServers,
        });
      } catch (err) {
        const e = err as Error;
        stagingAccounts.push({ accountId, reachable: false, error: `${e.name}: ${e.message}` });
      }
    }
    return { stagingAccounts, notExtended, warnings: estateWarnings(stagingAccounts) };
  }

  return { readStagingEstate };
}
