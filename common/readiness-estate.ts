// drsReadiness across staging accounts: what it learns of each staging account of the recovery
// account, and the findings it draws. DRS lets an account replicate at most 300 source servers (a
// default quota; extended servers replicate in their staging account and do not count), so an
// estate is spread over staging accounts; each needs a role the worker can assume (for replication
// actions there) and headroom under that quota (for new servers). Pure: the workflow decides with it.

/** DRS's default quota of replicating source servers per account. */
export const MAX_REPLICATING_SERVERS_PER_ACCOUNT = 300;

export interface StagingAccountReadiness {
  accountId: string;
  /** The worker assumed its role and DRS answered there. */
  reachable: boolean;
  error?: string;
  /** Servers replicating there now (not STOPPED or DISCONNECTED, not extensions). */
  replicatingServers?: number;
  /** How many more servers may start replicating there. */
  headroom?: number;
}

export interface EstateReadiness {
  stagingAccounts: StagingAccountReadiness[];
  /** Servers of the input that are not in the recovery account but replicate in a staging account: id → account. */
  notExtended: Record<string, string>;
  /** AT_RISK reasons of the estate (unreachable staging accounts, full ones). */
  warnings: string[];
}

/** The estate's AT_RISK findings: a staging account the worker cannot reach, or one with no headroom. */
export function estateWarnings(accounts: StagingAccountReadiness[]): string[] {
  return accounts.flatMap((a) => {
    if (!a.reachable)
      return [
        `staging account ${a.accountId} not reachable (its role cannot be assumed, or DRS refused): ${a.error ?? ''}`,
      ];
    if ((a.headroom ?? 1) <= 0)
      return [
        `staging account ${a.accountId} replicates ${a.replicatingServers} servers: no headroom under the quota of ${MAX_REPLICATING_SERVERS_PER_ACCOUNT}`,
      ];
    return [];
  });
}
