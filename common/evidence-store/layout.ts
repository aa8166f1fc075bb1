// One key layout for every backend: `<account>/<region>/<operation>/<yyyy>/<mm>/<dd>/<workflowId>/<runId>/`
// (the day the run closed, UTC), and beside the runs each server's last SUCCEEDED drill
// (`<account>/<region>/last-succeeded-drill/<sourceServerId>.json`), which readiness reads instead
// of listing a year of runs. Segments are percent-encoded, so a workflow id with `/` or `..` stays
// one segment.

interface RunKey {
  /** The run's `accountId`, or `self` for the worker's own account (runs that name none). */
  account: string;
  region: string;
  operation: string;
  /** When the run closed (ISO-8601): the date folders. */
  closedAt: string;
  workflowId: string;
  runId: string;
}

export const OWN_ACCOUNT = 'self';
export const MANIFEST = 'manifest.json';
const LAST_DRILL = 'last-succeeded-drill';

/** A path segment: percent-encoded, and never `.` or `..`. */
export function segment(value: string): string {
  const encoded = encodeURIComponent(value);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

export function runFolder(k: RunKey): string {
  const day = new Date(k.closedAt);
  if (Number.isNaN(day.getTime()))
    throw new Error(`evidence: closedAt ${JSON.stringify(k.closedAt)} is no time`);
  const [yyyy, mm, dd] = day.toISOString().slice(0, 10).split('-');
  return [k.account, k.region, k.operation]
    .map(segment)
    .concat([yyyy, mm, dd, segment(k.workflowId), segment(k.runId)])
    .join('/')
    .concat('/');
}

/** The parts of a run folder's key (`…/<runId>/manifest.json`), or undefined for another key. */
export function parseRunKey(
  key: string,
): (Omit<RunKey, 'closedAt'> & { day: string; folder: string }) | undefined {
  const parts = key.split('/');
  if (parts.length !== 9 || parts[8] !== MANIFEST || parts[2] === LAST_DRILL) return undefined;
  const [account, region, operation, yyyy, mm, dd, workflowId, runId] = parts.map(decodeURIComponent);
  return {
    account,
    region,
    operation,
    day: `${yyyy}-${mm}-${dd}`,
    workflowId,
    runId,
    folder: `${parts.slice(0, 8).join('/')}/`,
  };
}

export function lastDrillKey(account: string, region: string, sourceServerId: string): string {
  return `${segment(account)}/${segment(region)}/${LAST_DRILL}/${segment(sourceServerId)}.json`;
}

/** Where a server's last SUCCEEDED drill is noted. */
export interface LastDrill {
  workflowId: string;
  runId: string;
  closedAt: string;
  /** The run's folder in the store. */
  folder: string;
}
