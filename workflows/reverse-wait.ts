// The wait that follows ReverseReplication, shared by drsReprotect (DR → origin) and the EC2 path of
// drsFailback (origin → DR again): the servers being fed, named by ARN, polled in one batched
// retry-as-poll call per region (pollReplicationStates returns only when a state changes, so hours
// of INITIAL_SYNC cost a handful of events), until each is CONTINUOUS under the lag limit, STOPPED
// (StopFailback), or the deadline. Deterministic workflow code.
import type { ReplicationTarget } from '../common/types-lifecycle';
import { isCaughtUp, replicationFingerprint } from '../common/lifecycle-rules';
import { parseServerArn } from '../common/reprotect-rules';
import type { DrsTarget } from '../common/types';
import { DEADLINE_EXCEEDED, untilDeadline } from './job-waits';
import { drsActivities, failureType, pollingActivities } from './operation-support';
import { seconds } from './operation-record';

/** Replication states in which nothing replicates to the server any more: the wait ends for it. */
const ENDED = ['STOPPED', 'DISCONNECTED'];

/** One server being waited for and what the wait found. */
export interface ReverseWatch {
  arn: string;
  /** Workflow time of the ReverseReplication call. */
  reversedAtMs: number;
  statesSeen: string[];
  replicationState?: string;
  replicationError?: string;
  /** Set once CONTINUOUS under the lag limit. */
  protectedAfterSeconds?: number;
  /** Set when its replication ended (STOPPED, DISCONNECTED) or the wait ran out. */
  ended?: 'STOPPED' | 'TIMED_OUT' | 'NOT_FOUND';
}

function note(watch: ReverseWatch, t: ReplicationTarget, maxLagSeconds: number): void {
  if (!t.found) {
    watch.ended = 'NOT_FOUND';
    return;
  }
  const state = t.replicationState ?? 'unknown';
  watch.replicationState = state;
  watch.replicationError = t.replicationError;
  if (watch.statesSeen.at(-1) !== state) watch.statesSeen.push(state);
  if (isCaughtUp(t, maxLagSeconds)) watch.protectedAfterSeconds ??= seconds(Date.now() - watch.reversedAtMs);
  else if (ENDED.includes(state)) watch.ended = 'STOPPED';
}

const waiting = (w: ReverseWatch) => w.protectedAfterSeconds === undefined && w.ended === undefined;

/**
 * Waits for every watched server; `account` is the run's (the reversed servers are in its account,
 * in the regions their ARNs name). Past the deadline one last look records where each one stands.
 */
export async function awaitReversedReplication(
  account: Pick<DrsTarget, 'accountId'>,
  watches: ReverseWatch[],
  deadlineMs: number,
  maxLagSeconds: number,
): Promise<void> {
  const regions = [...new Set(watches.map((w) => parseServerArn(w.arn).region))];
  await Promise.all(
    regions.map(async (region) => {
      const target = { region, ...(account.accountId ? { accountId: account.accountId } : {}) };
      const mine = watches.filter((w) => parseServerArn(w.arn).region === region);
      const byId = new Map(mine.map((w) => [parseServerArn(w.arn).sourceServerId, w]));
      const pending = () => mine.filter(waiting).map((w) => parseServerArn(w.arn).sourceServerId);
      let seen: string | undefined;
      try {
        while (pending().length > 0) {
          const targets = await untilDeadline(
            'reverse replication not CONTINUOUS in time',
            deadlineMs,
            (remainingMs) =>
              pollingActivities(remainingMs).pollReplicationStates({
                ...target,
                sourceServerIds: pending(),
                maxLagSeconds,
                seen,
              }),
          );
          for (const t of targets) {
            const watch = byId.get(t.sourceServerId);
            if (watch) note(watch, t, maxLagSeconds);
          }
          seen = replicationFingerprint(
            targets.filter((t) => {
              const watch = byId.get(t.sourceServerId);
              return watch !== undefined && waiting(watch);
            }),
          );
        }
      } catch (err) {
        if (failureType(err) !== DEADLINE_EXCEEDED) throw err;
        const last = await drsActivities.inspectReplicationTargets({ ...target, sourceServerIds: pending() });
        for (const t of last) {
          const watch = byId.get(t.sourceServerId);
          if (watch) note(watch, t, maxLagSeconds);
        }
        for (const w of mine.filter(waiting)) w.ended = 'TIMED_OUT';
      }
    }),
  );
}
