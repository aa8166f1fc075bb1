// Which servers the EC2 path of drsFailback brings home, as a pure function over what the
// activities saw; decided BEFORE any mutating call. The rules (DRS user guide, failback between
// regions): a failback launches in the origin region from the reversed source server, so that
// server must exist (ReverseReplication ran) and replicate CONTINUOUS; a server still replicating
// forward (FAILOVER) has nothing to launch from; drill instances are never failed back; a reversed
// server that already launched and stopped replicating was failed back already. Deterministic.
import type { Disposition } from './lifecycle-rules';
import type { Ec2FailbackServer } from './types-reprotect';

export function ec2FailbackDisposition(s: Ec2FailbackServer): Disposition {
  if (!s.found) return { kind: 'refuse', reason: s.problem ?? 'not found' };
  if (s.drIsDrill)
    return {
      kind: 'refuse',
      reason: 'is a drill instance; failback applies only to instances of a real recovery',
    };
  if (!s.reversedSourceServerId || s.namedDirection === 'FAILOVER')
    return {
      kind: 'refuse',
      reason:
        'still replicating forward (no reversed source server in the origin region): reverse it with drsReprotect, and fail back once it is CONTINUOUS',
    };
  const state = s.reversedReplicationState ?? 'unknown';
  if (s.reversedRecoveryInstanceId && (state === 'STOPPED' || state === 'DISCONNECTED'))
    return {
      kind: 'skip',
      reason: `already failed back: ${s.reversedRecoveryInstanceId} runs in ${s.originRegion} and the reversed server no longer replicates`,
    };
  if (state !== 'CONTINUOUS')
    return {
      kind: 'refuse',
      reason: `reversed source server ${s.reversedSourceServerId} replicates ${state}; a failback launches from it once it is CONTINUOUS (drsReprotect reports when)`,
    };
  return { kind: 'act' };
}
