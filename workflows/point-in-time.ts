// Preflight's point-in-time step (drsDrill, drsRecovery): turns `pointInTime` into one snapshot id
// per server before anything is launched. Called only when the input has `pointInTime`, so runs
// without it schedule no extra activity (their histories replay unchanged).
import { cutoffOf, type PointInTime } from '../common/point-in-time';
import type { DrsTarget } from '../common/types';
import type { LaunchRecord } from './launch-record';
import { drsActivities, targetOf } from './operation-support';

interface PointInTimeChoice {
  /** The snapshot per server, for the launch (same shape as the input's recoverySnapshotIds). */
  recoverySnapshotIds: Record<string, string>;
  /** `s-…: no recovery snapshot …` for each server without a snapshot that old; empty when none. */
  problems: string[];
}

/**
 * For each of `sourceServerIds` (the ones DRS knows; preflight names the others), the newest
 * recovery snapshot taken at or before the spec's point in time, noted in the report.
 */
export async function choosePointInTime(
  spec: DrsTarget & { pointInTime: PointInTime },
  sourceServerIds: string[],
  record: LaunchRecord,
): Promise<PointInTimeChoice> {
  // secondsAgo counts back from now in workflow time: deterministic on replay
  const atOrBefore = cutoffOf(spec.pointInTime, Date.now());
  const chosen = await drsActivities.chooseRecoverySnapshots({
    ...targetOf(spec),
    sourceServerIds,
    atOrBefore,
  });
  const choice: PointInTimeChoice = { recoverySnapshotIds: {}, problems: [] };
  for (const id of sourceServerIds) {
    const snapshot = chosen[id];
    const server = record.servers.get(id);
    if (!snapshot) {
      const problem = `no recovery snapshot taken at or before ${atOrBefore}`;
      record.serverError(id, problem);
      choice.problems.push(`${id}: ${problem}`);
      continue;
    }
    choice.recoverySnapshotIds[id] = snapshot.recoverySnapshotId;
    if (server) {
      server.recoverySnapshotId = snapshot.recoverySnapshotId;
      // DRS's own pointInTimeSnapshotDateTime replaces this once the instance is listed
      server.pointInTime = snapshot.pointInTime;
    }
  }
  return choice;
}
