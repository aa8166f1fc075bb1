// Which recovery instances reprotect acts on, as a pure function over what the activities saw; the
// workflow decides with it BEFORE any mutating call. The rules, from the DRS user guide:
// ReverseReplication applies to a recovery instance whose source server was an EC2 instance in
// another region (originEnvironment AWS); it is for instances of a real recovery, not drills; a
// terminated instance has nothing to replicate; and an instance whose failback is already in
// progress (or ready) is replicating back already. Deterministic: safe in workflow code.
import type { Disposition } from './lifecycle-rules';
import type { ReprotectInstance } from './types-reprotect';

/** Failback states in which an instance already replicates to its reversed server. */
export const REVERSED_FAILBACK_STATES = ['FAILBACK_IN_PROGRESS', 'FAILBACK_READY_FOR_LAUNCH'];

const GONE_EC2_STATES = ['SHUTTING-DOWN', 'TERMINATED', 'NOT_FOUND'];

export function reprotectDisposition(i: ReprotectInstance): Disposition {
  if (!i.found) return { kind: 'refuse', reason: 'recovery instance not found' };
  if (i.isDrill)
    return {
      kind: 'refuse',
      reason: 'is a drill instance; reprotect applies only to the instances of a real recovery (drsRecovery)',
    };
  if (GONE_EC2_STATES.includes(i.ec2InstanceState ?? ''))
    return { kind: 'refuse', reason: `its EC2 instance is ${i.ec2InstanceState}: nothing to replicate` };
  if (i.originEnvironment !== 'AWS' || !i.originRegion)
    return {
      kind: 'skip',
      reason: `came from ${i.originEnvironment ?? 'an unknown origin'}, not from EC2 in another region: its way back is drsFailback's StartFailbackLaunch path (Failback Client)`,
    };
  if (i.replicationDirection === 'FAILBACK')
    return {
      kind: 'skip',
      reason:
        'was launched from a reversed source server (it is the failed-back instance): drsFailback re-establishes its replication',
    };
  if (REVERSED_FAILBACK_STATES.includes(i.failbackState ?? '') && i.reversedDirectionSourceServerArn)
    return {
      kind: 'skip',
      reason: `already reversed: replicating to ${i.reversedDirectionSourceServerArn} (failback state ${i.failbackState})`,
    };
  return { kind: 'act' };
}

/** The region, account and id an ARN `arn:aws:drs:<region>:<account>:source-server/<id>` names. */
export function parseServerArn(arn: string): { region: string; accountId: string; sourceServerId: string } {
  const [, , , region = '', accountId = '', resource = ''] = arn.split(':');
  return { region, accountId, sourceServerId: resource.split('/').pop() ?? '' };
}
