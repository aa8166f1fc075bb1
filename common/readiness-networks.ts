// drsReadiness for a plan's network step: would its source networks recover now? A network DRS does
// not list would refuse the plan (NOT_READY). One that is not PROTECTED has no current copy of its
// VPC configuration (replication STOPPED, still IN_PROGRESS, or in ERROR): a failover would deploy
// the last one DRS has, and a drill would refuse it (AT_RISK). Pure: the workflow decides with it.
import type { ReadinessOutcome } from './readiness';
import type { NetworkLookup } from './types-networks';

export interface NetworkReadiness {
  sourceNetworkId: string;
  status: ReadinessOutcome;
  replicationStatus?: string;
  /** Why it is not READY. */
  reason?: string;
  /** The newest recovery DRS ran of it: job, result, when. */
  lastRecovery?: { jobId?: string; result?: string; at?: string };
}

export function assessNetworks(ids: string[], lookup: NetworkLookup): NetworkReadiness[] {
  return ids.map((id): NetworkReadiness => {
    const network = lookup.networks.find((n) => n.sourceNetworkId === id);
    if (!network)
      return {
        sourceNetworkId: id,
        status: 'NOT_READY',
        reason: 'not a source network here (DescribeSourceNetworks does not list it)',
      };
    const protectedNow = network.replicationStatus === 'PROTECTED';
    return {
      sourceNetworkId: id,
      status: protectedNow ? 'READY' : 'AT_RISK',
      ...(network.replicationStatus ? { replicationStatus: network.replicationStatus } : {}),
      ...(protectedNow
        ? {}
        : {
            reason: `replication ${network.replicationStatus ?? 'unknown'}${network.replicationStatusDetails ? `: ${network.replicationStatusDetails}` : ''}`,
          }),
      ...(network.lastRecovery ? { lastRecovery: network.lastRecovery } : {}),
    };
  });
}

const RANK: Record<ReadinessOutcome, number> = { READY: 0, AT_RISK: 1, NOT_READY: 2 };

/** The worse of the servers' outcome and the networks'. */
export function withNetworks(outcome: ReadinessOutcome, networks: NetworkReadiness[]): ReadinessOutcome {
  return networks.reduce<ReadinessOutcome>(
    (worst, n) => (RANK[n.status] > RANK[worst] ? n.status : worst),
    outcome,
  );
}
