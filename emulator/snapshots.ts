// Point-in-time recovery snapshots as a function of the replication timeline and the PIT policy
// (DRS's default: every 10 minutes kept for an hour, hourly kept for a day, daily kept for 7 days).
// A snapshot exists for each policy slot between the first replicated data and the newest data
// the server has: now while CONTINUOUS, the last good data while stalled or disconnected, none
// after StopReplication (which deletes them) or before the initial sync completed; the newest
// one outlives every retention.
import type { PITPolicyRule, RecoverySnapshot } from '@aws-sdk/client-drs';
import { iso } from './clock';
import type { SourceServerRecord } from './model';
import { effective } from './replication';

export const DEFAULT_PIT_POLICY: PITPolicyRule[] = [
  { ruleID: 1, units: 'MINUTE', interval: 10, retentionDuration: 60, enabled: true },
  { ruleID: 2, units: 'HOUR', interval: 1, retentionDuration: 24, enabled: true },
  { ruleID: 3, units: 'DAY', interval: 1, retentionDuration: 7, enabled: true },
];

const UNIT_MS = { MINUTE: 60_000, HOUR: 3600_000, DAY: 86400_000 } as const;
/** Actual snapshot time after its slot: DRS reports both (expectedTimestamp, timestamp). */
const TAKEN_AFTER_MS = 4_000;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

interface SnapshotSlot {
  /** Listing order key (the slot's start in minutes since the epoch). */
  seq: number;
  at: number;
}

function slotsOf(rules: PITPolicyRule[], from: number, to: number, now: number): SnapshotSlot[] {
  const times = new Set<number>();
  let finest = Infinity;
  for (const rule of rules) {
    if (rule.enabled === false || !rule.units) continue;
    const step = (rule.interval ?? 1) * UNIT_MS[rule.units];
    finest = Math.min(finest, step);
    const oldest = Math.max(from, now - (rule.retentionDuration ?? 1) * UNIT_MS[rule.units]);
    for (let t = Math.ceil(oldest / step) * step; t <= to; t += step) times.add(t);
  }
  // Retention never deletes the newest snapshot: a long-stalled server keeps its last point in time.
  const newest = Math.floor(to / finest) * finest;
  if (Number.isFinite(finest) && newest >= from) times.add(newest);
  return [...times].sort((a, b) => a - b).map((at) => ({ seq: at / 60_000, at }));
}

/** The server's snapshots now, oldest first. */
export function snapshotSlots(
  server: SourceServerRecord,
  now: number,
  rules = DEFAULT_PIT_POLICY,
): SnapshotSlot[] {
  const rep = effective(server.replication, now);
  const from = server.replication.snapshotsFrom;
  const newest = rep.state === 'CONTINUOUS' ? now - (rep.lagMs ?? 0) : rep.dataAsOf;
  if (from === undefined || newest === undefined || newest < from) return [];
  return slotsOf(rules, from, newest, now);
}

/** Deterministic ids: the same slot of the same server always has the same snapshot id. */
function idFor(prefix: string, server: SourceServerRecord, at: number, salt = 0): string {
  let h = 2166136261 ^ salt;
  for (const c of `${server.id}:${at}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < 17; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    out += ALPHANUMERIC[h % ALPHANUMERIC.length];
  }
  return `${prefix}${out}`;
}

export function toRecoverySnapshot(
  server: SourceServerRecord,
  slot: SnapshotSlot,
  now: number,
): RecoverySnapshot {
  return {
    snapshotID: idFor('pit-', server, slot.at),
    sourceServerID: server.id,
    expectedTimestamp: iso(slot.at),
    timestamp: iso(Math.min(slot.at + TAKEN_AFTER_MS, now)),
    ebsSnapshots: (server.sourceProperties.disks ?? []).map((_, i) => idFor('snap-', server, slot.at, i + 1)),
  };
}

/** The newest snapshot's point in time: what a launch without healthy replication falls back to. */
export function newestSnapshotTime(server: SourceServerRecord, now: number): number | undefined {
  return snapshotSlots(server, now).at(-1)?.at;
}

/** The point in time of snapshot `snapshotID` of this server, if it still exists. */
export function snapshotTime(
  server: SourceServerRecord,
  snapshotID: string,
  now: number,
): number | undefined {
  return snapshotSlots(server, now).find((slot) => idFor('pit-', server, slot.at) === snapshotID)?.at;
}
