// How long lifecycle steps take, in emulator-clock seconds before timeScale. Each step is a
// [min, max] range; the seeded generator picks a value so servers in one job finish at different
// times, as they do in DRS.
import type { DurationProfile } from './types';

export type Range = readonly [number, number];

interface Durations {
  /** A launch job stays PENDING this long before JOB_START. */
  launchPending: Range;
  snapshot: Range;
  conversion: Range;
  launch: Range;
  /** EC2 instance PENDING → RUNNING after launch. */
  ec2Boot: Range;
  /** From launch until the guest OS is up (EC2 status checks `ok`), by the source server's OS. */
  guestBootLinux: Range;
  guestBootWindows: Range;
  /** One SSM Run Command invocation (or one launch action) from start to end. */
  commandRun: Range;
  terminatePending: Range;
  terminate: Range;
  /** A started or retried replication: INITIATING → … → CONTINUOUS. */
  replicationCatchUp: Range;
  /** A server being onboarded (the default inventory's INITIAL_SYNC server). */
  initialSync: Range;
  /** Failback replication after ReverseReplication, until FAILBACK_READY_FOR_LAUNCH. */
  failbackReplication: Range;
}

const DEMO: Durations = {
  launchPending: [2, 3],
  snapshot: [2, 4],
  conversion: [5, 8],
  launch: [3, 6],
  ec2Boot: [2, 4],
  guestBootLinux: [5, 9],
  guestBootWindows: [9, 15],
  commandRun: [1, 3],
  terminatePending: [2, 3],
  terminate: [6, 9],
  replicationCatchUp: [15, 25],
  initialSync: [6 * 3600, 6 * 3600],
  failbackReplication: [15, 25],
};

const REALISTIC: Durations = {
  launchPending: [20, 90],
  snapshot: [60, 240],
  conversion: [300, 660],
  launch: [120, 300],
  ec2Boot: [30, 90],
  guestBootLinux: [240, 360],
  guestBootWindows: [1020, 1380],
  commandRun: [2, 10],
  terminatePending: [10, 40],
  terminate: [60, 180],
  replicationCatchUp: [1200, 3600],
  initialSync: [12 * 3600, 24 * 3600],
  failbackReplication: [1800, 5400],
};

export function durationsFor(profile: DurationProfile): Durations {
  return profile === 'realistic' ? REALISTIC : DEMO;
}
