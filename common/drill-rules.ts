// Preflight rules for a drill, as pure functions over what the activities observed. Shared by the
// drill workflow (decides) and the client (explains). Deterministic: safe in workflow code.

/** What preflight learns about one source server. */
export interface SourceServerHealth {
  sourceServerId: string;
  found: boolean;
  replicationState?: string;
  lagSeconds?: number;
  replicationError?: string;
  /** A PENDING/STARTED job the server takes part in (DRS allows one active job per server). */
  activeJobId?: string;
  /** The server's last launch job (any state): a job that existed before a step cannot be the step's. */
  lastLaunchJobId?: string;
  /** The recovery instance DRS holds for the server now (one per server). */
  recoveryInstanceId?: string;
  /** stagingArea.errorMessage of a server whose extension is broken (EXTENSION_ERROR). */
  extensionError?: string;
}

/** DRS accepts RetryDataReplication only for a server in one of these states. */
export const REPAIRABLE_REPLICATION_STATES = ['STALLED', 'DISCONNECTED', 'STOPPED'];

/** Why `server` cannot take part in a drill right now; empty when it can. */
export function preflightProblems(server: SourceServerHealth, maxLagSeconds: number): string[] {
  if (!server.found) return ['source server not found'];
  const problems: string[] = [];
  if (server.replicationState !== 'CONTINUOUS') {
    const why = server.replicationError ? ` (${server.replicationError})` : '';
    problems.push(`replication is ${server.replicationState ?? 'unknown'}, not CONTINUOUS${why}`);
  } else if (server.lagSeconds !== undefined && server.lagSeconds > maxLagSeconds) {
    problems.push(`replication lag ${server.lagSeconds}s is above the limit of ${maxLagSeconds}s`);
  }
  if (server.activeJobId) problems.push(`already takes part in active job ${server.activeJobId}`);
  return problems;
}

/**
 * DRS keeps one recovery instance per server, and a drill launch replaces a drill instance the
 * server has: another open drill would lose its instance and still report SUCCEEDED. So a drill
 * refuses a server that has one (another drill's, or one left over: terminate it first).
 */
export function existingInstanceProblems(server: SourceServerHealth): string[] {
  return server.recoveryInstanceId
    ? [
        `has recovery instance ${server.recoveryInstanceId} (another drill's, or left over), which a drill would replace: terminate it first`,
      ]
    : [];
}

/** True when RetryDataReplication may bring `server` back (and nothing else blocks it). */
export function isRepairable(server: SourceServerHealth): boolean {
  return (
    server.found &&
    REPAIRABLE_REPLICATION_STATES.includes(server.replicationState ?? '') &&
    !server.activeJobId
  );
}
