// drsPlan across accounts and regions: whether the worker can reach every account and region a plan
// recovers in, and which servers a wave's selector names in its own account and region (tags, and
// the staging accounts its servers were extended from).
import { DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import type { DrsTarget } from '../common/types';
import type { Placement } from '../common/plan-placement';
import type { AwsClientFactory } from './drs-client';
import { listAllSourceServers } from './drs-reads';
import { classifyDrsError } from './errors';
import { matchesTags } from './plan';

/** A wave's selector: every tag must match, and the server must be extended from one of the accounts. */
interface WaveSelector {
  tags?: Record<string, string>;
  stagingAccountIds?: string[];
}

interface UnreachablePlacement extends Placement {
  /** Why: no role configured for the account, the role could not be assumed, DRS refused, … */
  reason: string;
}

export function createPlanEstateActivities(clients: AwsClientFactory) {
  /**
   * One cheap DRS call per placement (DescribeSourceServers, one item), side by side: another
   * account's goes through the role the worker assumes there, so an account with no role
   * configured, a role that cannot be assumed, a denied call or an uninitialized region shows here,
   * before the plan starts anything. Throttling, 5xx and network errors fail the attempt, to be
   * retried; everything else is an answer: the placement is unreachable.
   */
  async function checkPlanAccounts(input: { placements: Placement[] }): Promise<UnreachablePlacement[]> {
    const results = await Promise.all(
      input.placements.map(async (placement): Promise<UnreachablePlacement | undefined> => {
        try {
          const client = clients.drsClient(placement.region, placement.accountId);
          await client.send(new DescribeSourceServersCommand({ filters: {}, maxResults: 1 }));
          return undefined;
        } catch (err) {
          const failure = classifyDrsError('DescribeSourceServers', err);
          if (!failure.nonRetryable) throw failure;
          return { ...placement, reason: failure.message };
        }
      }),
    );
    return results.filter((r): r is UnreachablePlacement => r !== undefined);
  }

  /**
   * Source server ids per selector (same order, ids sorted), from one listing of the account's
   * servers in the region. A staging-account selector takes every server whose `stagingArea`
   * names one of the accounts and is not NOT_EXTENDED: a broken extension (EXTENSION_ERROR) is
   * selected too, so its drill reports it instead of the plan leaving it out unseen.
   */
  async function selectPlanServers(input: DrsTarget & { selectors: WaveSelector[] }): Promise<string[][]> {
    const client = clients.drsClient(input.region, input.accountId);
    const servers = await listAllSourceServers(client);
    return input.selectors.map(({ tags, stagingAccountIds }) =>
      servers
        .filter((s) => !tags || matchesTags(s, tags))
        .filter(
          (s) =>
            !stagingAccountIds ||
            (s.stagingArea?.status !== undefined &&
              s.stagingArea.status !== 'NOT_EXTENDED' &&
              stagingAccountIds.includes(s.stagingArea.stagingAccountID ?? '')),
        )
        .map((s) => s.sourceServerID ?? '')
        .sort(),
    );
  }

  return { checkPlanAccounts, selectPlanServers };
}
