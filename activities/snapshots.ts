// Choosing a point in time: for each server, the newest recovery snapshot taken at or before a
// cutoff, found with DescribeRecoverySnapshots (filters.toDateTime, newest first). Read-only.
import { paginateDescribeRecoverySnapshots, type RecoverySnapshot } from '@aws-sdk/client-drs';
import type { DrsTarget } from '../common/types';
import type { AwsClientFactory } from './drs-client';
import { drsCall } from './errors';

interface ChooseRecoverySnapshotsInput extends DrsTarget {
  sourceServerIds: string[];
  /** ISO-8601 UTC. */
  atOrBefore: string;
}

interface ChosenSnapshot {
  recoverySnapshotId: string;
  /** When the snapshot was taken (ISO-8601). */
  pointInTime: string;
}

/** Per server: its chosen snapshot, or undefined when it has none that old. */
type ChosenSnapshots = Record<string, ChosenSnapshot | undefined>;

/** When a snapshot was taken: `timestamp`, or the slot it was planned for when DRS gives no other. */
const takenAt = (s: RecoverySnapshot) => s.timestamp ?? s.expectedTimestamp;

export function createSnapshotActivities(clients: AwsClientFactory) {
  async function chooseRecoverySnapshots(input: ChooseRecoverySnapshotsInput): Promise<ChosenSnapshots> {
    const client = clients.drsClient(input.region, input.accountId);
    const cutoff = Date.parse(input.atOrBefore);
    const chosen: ChosenSnapshots = {};
    for (const sourceServerID of input.sourceServerIds) {
      chosen[sourceServerID] = await drsCall('DescribeRecoverySnapshots', async () => {
        const pages = paginateDescribeRecoverySnapshots(
          { client, pageSize: 20 },
          { sourceServerID, order: 'DESC', filters: { toDateTime: input.atOrBefore } },
        );
        for await (const page of pages) {
          // The filter bounds the planned time; a snapshot taken a few seconds after its slot
          // would be newer than the cutoff, so the taken time is checked here too.
          const snapshot = (page.items ?? []).find(
            (s) => s.snapshotID && Date.parse(takenAt(s) ?? '') <= cutoff,
          );
          if (snapshot)
            return { recoverySnapshotId: snapshot.snapshotID ?? '', pointInTime: takenAt(snapshot) ?? '' };
        }
        return undefined;
      });
    }
    return chosen;
  }

  return { chooseRecoverySnapshots };
}
