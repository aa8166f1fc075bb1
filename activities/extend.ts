// drsExtend's calls, all in the recovery account (DRS reads the staging accounts itself, through
// the trust they gave this account): ListStagingAccounts, ListExtensibleSourceServers per staging
// account, DescribeSourceServers filtered by staging account, CreateExtendedSourceServer.
import {
  CreateExtendedSourceServerCommand,
  paginateListExtensibleSourceServers,
  paginateListStagingAccounts,
  type DrsClient,
} from '@aws-sdk/client-drs';
import { ApplicationFailure } from '@temporalio/common';
import type { ExtensionCandidates } from '../common/extend';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { drsCall } from './errors';
import { allItems, listAllSourceServers } from './drs-reads';

/** Servers of this account extended from `stagingAccountIds` (the stagingAccountIDs filter). */
async function extendedFrom(
  client: DrsClient,
  stagingAccountIds: string[],
): Promise<ExtensionCandidates['extended']> {
  if (stagingAccountIds.length === 0) return [];
  const servers = await listAllSourceServers(client, { stagingAccountIDs: stagingAccountIds });
  return servers
    .filter((s) => s.stagingArea?.status && s.stagingArea.status !== 'NOT_EXTENDED')
    .map((s) => ({
      sourceServerId: s.sourceServerID ?? '',
      arn: s.arn ?? '',
      status: s.stagingArea?.status ?? '',
      stagingAccountId: s.stagingArea?.stagingAccountID ?? '',
      stagingSourceServerArn: s.stagingArea?.stagingSourceServerArn ?? '',
      tags: s.tags ?? {},
    }));
}

interface ExtendServersInput extends DrsTarget {
  sourceServerArns: string[];
}

interface ExtendServerResult {
  arn: string;
  extendedSourceServerId?: string;
  error?: string;
}

export function createExtendActivities(clients: AwsClientFactory) {
  /** The staging accounts DRS lists, and what `accounts` (or, if none, all of those) offer to extend. */
  async function readExtensionCandidates(
    input: DrsTarget & { accounts?: string[] },
  ): Promise<ExtensionCandidates> {
    const client = clients.drsClient(input.region, input.accountId);
    const listed = await drsCall('ListStagingAccounts', async () => {
      const ids: string[] = [];
      for await (const page of paginateListStagingAccounts({ client }, {}))
        ids.push(...(page.accounts ?? []).map((a) => a.accountID ?? ''));
      return ids;
    });
    const accounts = input.accounts ?? listed;
    const extensible: ExtensionCandidates['extensible'] = [];
    for (const stagingAccountId of accounts) {
      const items = await allItems('ListExtensibleSourceServers', () =>
        paginateListExtensibleSourceServers({ client }, { stagingAccountID: stagingAccountId }),
      );
      for (const s of items)
        extensible.push({ stagingAccountId, arn: s.arn ?? '', hostname: s.hostname, tags: s.tags ?? {} });
    }
    return { stagingAccounts: listed, extensible, extended: await extendedFrom(client, accounts) };
  }

  /**
   * CreateExtendedSourceServer for each ARN. Retry-safe: an attempt first looks for the extensions
   * that already exist (an earlier attempt may have made them, its answer lost) and creates only the
   * others. One server's refusal is its own result, not the batch's.
   */
  async function extendSourceServers(input: ExtendServersInput): Promise<ExtendServerResult[]> {
    const client = clients.drsClient(input.region, input.accountId);
    const accounts = [...new Set(input.sourceServerArns.map((arn) => arn.split(':')[4]))];
    const existing = new Map(
      (await extendedFrom(client, accounts)).map((e) => [e.stagingSourceServerArn, e.sourceServerId]),
    );
    const results: ExtendServerResult[] = [];
    for (const arn of input.sourceServerArns) {
      const already = existing.get(arn);
      if (already) {
        results.push({ arn, extendedSourceServerId: already });
        continue;
      }
      try {
        const { sourceServer } = await drsCall('CreateExtendedSourceServer', () =>
          client.send(new CreateExtendedSourceServerCommand({ sourceServerArn: arn })),
        );
        results.push({ arn, extendedSourceServerId: sourceServer?.sourceServerID });
      } catch (err) {
        // throttling and 5xx retry the activity (the lookup above keeps what was made); refusals are per server
        if (!(err instanceof ApplicationFailure) || !err.nonRetryable) throw err;
        results.push({ arn, error: err.message });
      }
    }
    return results;
  }

  return { readExtensionCandidates, extendSourceServers };
}
