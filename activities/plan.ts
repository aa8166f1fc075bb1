// drsPlan's one read of its own: which source servers a wave's tag selector names. DRS has no tag
// filter on DescribeSourceServers, so the plan lists the account's servers once and matches here.
import type { SourceServer } from '@aws-sdk/client-drs';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { listAllSourceServers } from './drs-reads';

/** Every tag of the selector is on the server with the same value. */
export function matchesTags(server: SourceServer, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => server.tags?.[key] === value);
}

export function createPlanActivities(clients: AwsClientFactory) {
  /** Source server ids per selector (same order), ids sorted. */
  async function resolveTaggedServers(
    input: DrsTarget & { selectors: Record<string, string>[] },
  ): Promise<string[][]> {
    const client = clients.drsClient(input.region, input.accountId);
    const servers = await listAllSourceServers(client);
    return input.selectors.map((selector) =>
      servers
        .filter((s) => matchesTags(s, selector))
        .map((s) => s.sourceServerID ?? '')
        .sort(),
    );
  }

  return { resolveTaggedServers };
}
