// Records → the API shapes of the SDK's model (the types make the compiler check field names).
import type { Job, RecoveryInstance, SourceServer } from '@aws-sdk/client-drs';
import { iso, isoDuration } from './clock';
import type { JobRecord, RecoveryInstanceRecord, SourceServerRecord } from './model';
import { participatingResources, sourceNetworkOf } from './networks';
import { dataReplicationInfo } from './replication';

export function toSourceServer(s: SourceServerRecord, now: number): SourceServer {
  return {
    sourceServerID: s.id,
    arn: s.arn,
    tags: s.tags,
    ...(s.recoveryInstanceId ? { recoveryInstanceId: s.recoveryInstanceId } : {}),
    lastLaunchResult: s.lastLaunchResult,
    dataReplicationInfo: dataReplicationInfo(s, now),
    lifeCycle: {
      addedToServiceDateTime: iso(s.addedAt),
      firstByteDateTime: iso(s.addedAt + 600_000),
      elapsedReplicationDuration: isoDuration(now - s.addedAt),
      lastSeenByServiceDateTime: iso(
        ['STALLED', 'DISCONNECTED'].includes(s.replication.state) ? s.replication.since : now - 30_000,
      ),
      ...(s.lastLaunch
        ? {
            lastLaunch: {
              initiated: {
                apiCallDateTime: iso(s.lastLaunch.apiCallAt),
                jobID: s.lastLaunch.jobID,
                type: s.lastLaunch.type,
              },
              status: s.lastLaunch.status,
            },
          }
        : {}),
    },
    sourceProperties: s.sourceProperties,
    stagingArea: s.staging,
    ...(s.sourceCloudProperties ? { sourceCloudProperties: s.sourceCloudProperties } : {}),
    replicationDirection: s.replicationDirection,
    ...(s.reversedDirectionSourceServerArn
      ? { reversedDirectionSourceServerArn: s.reversedDirectionSourceServerArn }
      : {}),
    agentVersion: s.agentVersion,
    ...(sourceNetworkOf(s) ? { sourceNetworkID: sourceNetworkOf(s) } : {}),
  };
}

export function toJob(j: JobRecord): Job {
  return {
    jobID: j.id,
    arn: j.arn,
    type: j.type,
    initiatedBy: j.initiatedBy,
    creationDateTime: iso(j.createdAt),
    ...(j.endAt !== undefined ? { endDateTime: iso(j.endAt) } : {}),
    status: j.status,
    participatingServers: j.participants.map((p) => ({
      sourceServerID: p.sourceServerID,
      ...(p.recoveryInstanceID ? { recoveryInstanceID: p.recoveryInstanceID } : {}),
      launchStatus: p.launchStatus,
      ...(p.launchActions
        ? {
            launchActionsStatus: {
              ssmAgentDiscoveryDatetime: iso(p.launchActions.agentDiscoveredAt),
              runs: p.launchActions.runs.map((run) => ({
                action: run.action,
                runId: run.runId,
                status: run.status,
                ...(run.failureReason !== undefined ? { failureReason: run.failureReason } : {}),
              })),
            },
          }
        : {}),
    })),
    tags: j.tags,
    ...networkResources(j),
  };
}

function networkResources(j: JobRecord): Pick<Job, 'participatingResources'> {
  const resources = participatingResources(j);
  return resources ? { participatingResources: resources as Job['participatingResources'] } : {};
}

export function toRecoveryInstance(
  r: RecoveryInstanceRecord,
  source: SourceServerRecord | undefined,
): RecoveryInstance {
  const f = r.failback;
  return {
    recoveryInstanceID: r.id,
    ec2InstanceID: r.id,
    ec2InstanceState: r.ec2State,
    jobID: r.jobID,
    sourceServerID: r.sourceServerID,
    arn: r.arn,
    tags: r.tags,
    isDrill: r.isDrill,
    pointInTimeSnapshotDateTime: iso(r.pointInTime),
    originEnvironment: r.originEnvironment,
    ...(r.originAvailabilityZone ? { originAvailabilityZone: r.originAvailabilityZone } : {}),
    failback: {
      state: f.state,
      ...(f.failbackClientID ? { failbackClientID: f.failbackClientID } : {}),
      ...(f.failbackJobID ? { failbackJobID: f.failbackJobID } : {}),
      ...(f.failbackInitiationTime !== undefined
        ? { failbackInitiationTime: iso(f.failbackInitiationTime) }
        : {}),
      ...(f.failbackLaunchType ? { failbackLaunchType: f.failbackLaunchType } : {}),
      failbackToOriginalServer: true,
    },
    dataReplicationInfo: {
      dataReplicationState: r.replicationState,
      ...(source ? { stagingAvailabilityZone: source.replication.stagingAvailabilityZone } : {}),
    },
    recoveryInstanceProperties: {
      lastUpdatedDateTime: iso(r.launchedAt),
      identificationHints: source?.sourceProperties.identificationHints,
      networkInterfaces: source?.sourceProperties.networkInterfaces,
      cpus: source?.sourceProperties.cpus,
      ramBytes: source?.sourceProperties.ramBytes,
      os: source?.sourceProperties.os,
      // The model allows vol- + 8 or 17 hex but at most 19 characters: the short form it is.
      disks: (source?.sourceProperties.disks ?? []).map((d, i) => ({
        internalDeviceName: d.deviceName,
        bytes: d.bytes,
        ebsVolumeID: `vol-${r.id.slice(2, 9)}${i.toString(16).slice(-1)}`,
      })),
    },
    agentVersion: source?.agentVersion,
  };
}
